import { access } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { InputFileError, UsageError } from '../errors.ts';
import { type Baseline, baselineSchema, baselineVersion } from '../results/baseline.ts';
import type { RunReport } from '../results/run-report.ts';
import { sameMachineClass } from '../results/machine.ts';
import { summarise } from '../load/ab-rounds.ts';
import { loadResultOf } from '../results/measurements.ts';
import { readInputFile } from '../input-file.ts';

/** A baseline from a completed run. An interrupted or broken run cannot be a reference. */
export function baselineFromReport(report: RunReport, source: string): Baseline {
  checkComplete(report, source);
  return {
    kind: 'meshgate-baseline',
    version: baselineVersion,
    createdAt: new Date().toISOString(),
    runId: report.runId,
    environment: report.environment,
    scenario: report.scenario,
    scenarioHash: report.scenarioHash,
    gatewaySoftware: report.gatewaySoftware,
    machine: report.machine,
    meshgateVersion: report.meshgateVersion,
    ...(report.catalogueHash ? { catalogueHash: report.catalogueHash } : {}),
    runs: [{ runId: report.runId, startedAt: report.startedAt }],
    cases: report.cases.map(({ key, result, fingerprint, measurements }) => {
      const load = loadResultOf({ measurements });
      return { key, result, fingerprint, measurements, ...(load && result === 'PASSED' ? { samples: [{ runId: report.runId, ...summarise(load) }] } : {}) };
    }),
  };
}

/**
 * Adds runs to a baseline: their load figures become more samples of the same
 * cases (functional results stay the first run's). Runs of another scenario,
 * catalogue, environment or machine class, or runs already held, are refused.
 */
export function appendRuns(baseline: Baseline, reports: Array<{ report: RunReport; source: string }>): Baseline {
  let result = baseline;
  for (const { report, source } of reports) {
    const added = baselineFromReport(report, source);
    const mismatch = sameRecording(result, added);
    if (mismatch) throw new InputFileError(source, `cannot join baseline of run ${baseline.runId}: ${mismatch}`);
    if (result.runs?.some((run) => run.runId === report.runId)) throw new InputFileError(source, `run ${report.runId} is already in the baseline`);
    const samples = new Map(added.cases.map((record) => [record.key, record.samples ?? []]));
    result = {
      ...result,
      runs: [...(result.runs ?? []), ...(added.runs ?? [])],
      cases: result.cases.map((record) => (record.samples ? { ...record, samples: [...record.samples, ...(samples.get(record.key) ?? [])] } : record)),
    };
  }
  return result;
}

/** Why two recordings cannot be samples of one baseline, or undefined when they can. */
function sameRecording(a: Baseline, b: Baseline): string | undefined {
  if (a.scenarioHash !== b.scenarioHash) return `recorded with another scenario (${b.scenario}, not ${a.scenario})`;
  if (a.catalogueHash !== b.catalogueHash) return 'recorded with another case catalogue (suites/ changed)';
  if (a.environment !== b.environment) return `recorded in another environment (${b.environment}, not ${a.environment})`;
  if (a.machine && b.machine && !sameMachineClass(a.machine, b.machine)) return `recorded on another machine class (${b.machine.cores} x ${b.machine.cpu})`;
  return undefined;
}

function checkComplete(report: RunReport, source: string): void {
  if (report.status !== 'completed') throw new InputFileError(source, 'the run was interrupted: an incomplete run cannot be a baseline');
  if (report.harnessErrors.length > 0) throw new InputFileError(source, 'the run had harness errors: it cannot be a baseline');
}

/** Writes atomically (temp file + rename): an existing baseline is replaced whole or not at all. */
export async function writeBaseline(file: string, baseline: Baseline, options: { force: boolean }): Promise<void> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists && !options.force) throw new UsageError(`${file} exists; pass --force to replace it`);
  await writeFileAtomic(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** Reads and checks a baseline; corrupt or incompatible files are InputFileErrors (exit 2). */
export async function readBaseline(file: string): Promise<Baseline> {
  const data: unknown = await readInputFile(file, 'baseline', JSON.parse);
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== baselineVersion) {
    throw new InputFileError(file, `baseline format version ${version} is not supported (this meshgate reads version ${baselineVersion}); record it again`);
  }
  const result = baselineSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `  at ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new InputFileError(file, `not a meshgate baseline:\n${issues.join('\n')}`);
  }
  return result.data;
}
