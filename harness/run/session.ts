import { join } from 'node:path';
import { InterruptedError, MeshgateError } from '../errors.ts';
import { type MetricsTargets, metricsOutputs } from '../reporters/metrics-outputs.ts';
import { type Output, type OutputContext, writeOutputs } from '../reporters/output.ts';
import type { RunReport } from '../results/run-report.ts';
import { reportFiles, writeErrorJunit } from '../reporters/report-files.ts';
import type { CasesOutcome } from '../results/case-record.ts';
import { runCases } from '../runner/run-cases.ts';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import { planCases, selectCases } from '../suite/case-selection.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import { type ReportContext, gateRun, runExitCode } from './report.ts';
import { assertReachable, assertSameLoadTargets, gatewayLabel } from './reachable.ts';
import { jsonOutput, verdictOutput } from './verdict-lines.ts';

export interface SessionOptions extends Omit<ReportContext, 'startedAt'> {
  catalogue: SuiteCatalogue;
  suites: string[];
  /** `--case`, already checked against the scenario before anything started. */
  casePattern?: string;
  /** `--concurrency`: slots of functional work at once. */
  concurrency: number;
  /** The run's timeouts, passed down to the cases (the report records them with the options). */
  timeouts: Timeouts;
  reportsDir: string;
  /** `--metrics-out`, `--pushgateway`. */
  metrics?: MetricsTargets;
  /** With `--json`: prints the run summary on stdout. */
  printJson?: (document: object) => void;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Outputs written after the report files, the verdict and the metrics, e.g. a webhook. */
  outputs?: Output[];
}

/**
 * The run pipeline after prepare and start: runs the cases against the target,
 * gates them, writes the outputs (reports/<run-id>/, the verdict, metrics, then
 * `outputs`; their warnings into the report), then the `--json` document. Returns the exit code; throws InterruptedError (after writing an
 * "interrupted" report) when the run was stopped.
 */
export async function runSession(options: SessionOptions): Promise<number> {
  const dir = join(options.reportsDir, options.runId);
  let reported = false;
  try {
    return await gatedRun(options, dir, () => (reported = true));
  } catch (error) {
    if (!reported) await writeErrorJunit(dir, options.runId, error);
    throw error;
  }
}

async function gatedRun(options: SessionOptions, dir: string, onReported: () => void): Promise<number> {
  const startedAt = new Date().toISOString();
  const outcome = await casesStage(options);
  const report = gateRun(outcome, { ...options, startedAt });
  const warnings: string[] = [];
  const context = { dir, exitCode: runExitCode(report), log: options.log, warn: (warning: string) => warnings.push(warning) };
  await writeOutputs(reportFiles(), report, context);
  onReported();
  // The verdict first; then monitoring (metrics, webhook), whose failures are warnings, never another exit code.
  await writeOutputs([verdictOutput(options), ...metricsOutputs(options.metrics), ...(options.outputs ?? [])], report, context);
  if (warnings.length > 0) await recordWarnings(report, warnings, context);
  await writeOutputs([jsonOutput(options)], report, context);
  if (outcome.interrupted) throw new InterruptedError((options.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
  if (outcome.harnessErrors.length > 0) throw new MeshgateError('E_SUITE', `suites could not run: ${outcome.harnessErrors.join('; ')}`);
  return runExitCode(report);
}

/** Monitoring warnings join the report's notes (they do not change the verdict) and the report files are written again. */
async function recordWarnings(report: RunReport, warnings: string[], context: OutputContext): Promise<void> {
  report.gate.notes.push(...warnings.map((message) => ({ subject: 'monitoring', message })));
  await writeOutputs(reportFiles(), report, context);
}

/** The cases stage: checks the gateways answer, then runs the selected cases with the performance levels in force. */
async function casesStage(options: SessionOptions): Promise<CasesOutcome> {
  const target: LoadedTarget = { ...options.target, resolved: { ...options.target.resolved, performance: options.performance.levels } };
  await assertReachable(target, options.timeouts, options.signal);
  if (options.compareTarget) {
    assertSameLoadTargets(target, options.compareTarget);
    await assertReachable(options.compareTarget.content, options.timeouts, options.signal);
  }
  options.log(`meshgate: running suites against ${target.environment} gateway ${gatewayLabel(target)}`);
  return runCases({
    catalogue: options.catalogue,
    target,
    compareTarget: options.compareTarget?.content,
    suites: options.suites,
    selected: options.casePattern === undefined ? undefined : selectCases(planCases(options.catalogue, options.suites, target, options.timeouts), options.casePattern, options.suites),
    concurrency: options.concurrency,
    timeouts: options.timeouts,
    progress: options.log,
    signal: options.signal,
  });
}
