import { join } from 'node:path';
import type { Baseline } from '../gate/baseline.ts';
import { type LoadResult, loadResultOf } from '../load/load-recorder.ts';
import { exitCodeFor, gateResults } from '../gate/verdict.ts';
import { countResults, knownDifferencesSeen } from '../reporters/case-record.ts';
import { type RunReport, writeErrorJunit, writeRunReport } from '../reporters/run-report.ts';
import { type MetricsTargets, publishMetrics } from '../reporters/publish-metrics.ts';
import { runSuites } from '../runner/run-suites.ts';
import type { LoadedTarget } from '../target.ts';
import { InputFileError, InterruptedError, MeshgateError } from '../errors.ts';
import { describeMachine } from '../reporters/machine.ts';
import { scenarioHash } from '../gate/baseline-fit.ts';
import type { GateFinding } from '../gate/verdict.ts';
import type { ResolvedPerformance } from '../scenario/performance-profile.ts';
import { meshgateVersion } from '../version.ts';
import { tcpConnects, waitUntil } from '../wait.ts';


export interface SessionOptions {
  target: LoadedTarget;
  baseline?: { file: string; content: Baseline };
  /** The performance levels in force (profile applied), baseline mismatches accepted by flag, the case catalogue's hash. */
  performance: { levels: ResolvedPerformance; accepted: GateFinding[]; catalogueHash: string };
  /** Live A/B reference (--compare-target): it must serve the same load targets. */
  compareTarget?: { file: string; content: LoadedTarget };
  suites: string[];
  /** `--case`, already checked against the scenario before anything started. */
  casePattern?: string;
  /** `--concurrency`: slots of functional work at once. */
  concurrency: number;
  reportsDir: string;
  runId: string;
  /** `--metrics-out`, `--pushgateway`. */
  metrics?: MetricsTargets;
  /** With `--json`: prints the run summary on stdout. */
  printJson?: (document: object) => void;
  /** The options in force, recorded in the report. */
  options: Record<string, unknown>;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Called with the written report and its exit code (2 when interrupted or the suites could not run), e.g. to notify; returns warnings. */
  onReport?: (report: RunReport, exitCode: number) => Promise<string[]>;
}

/**
 * Runs suites against a target, gates, writes reports/<run-id>/ and prints the
 * verdict. Returns the exit code; throws InterruptedError (after writing an
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
  const { levels, accepted } = options.performance;
  const target: LoadedTarget = { ...options.target, resolved: { ...options.target.resolved, performance: levels } };
  await assertReachable(target, options.signal);
  if (options.compareTarget) {
    assertSameLoadTargets(target, options.compareTarget);
    await assertReachable(options.compareTarget.content, options.signal);
  }
  options.log(`meshgate: running suites against ${target.environment} gateway ${gatewayLabel(target)}`);
  const { planCases, selectCases } = await import('../suite/case-selection.ts');
  const outcome = await runSuites({
    target,
    compareTarget: options.compareTarget?.content,
    suites: options.suites,
    selected: options.casePattern === undefined ? undefined : selectCases(planCases(options.suites, target), options.casePattern, options.suites),
    concurrency: options.concurrency,
    progress: options.log,
    signal: options.signal,
  });
  const gate = gateResults(outcome.cases, options.baseline?.content, { budget: levels.budget, profile: levels.profile });
  gate.notes.unshift(...accepted);
  const machine = describeMachine();
  const report: RunReport = {
    version: 1,
    runId: options.runId,
    status: outcome.interrupted ? 'interrupted' : 'completed',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: options.target.environment,
    gateway: gatewayLabel(options.target),
    gatewaySoftware: options.target.gateway.software ?? null,
    machine,
    meshgateVersion,
    scenario: options.target.resolved.name,
    scenarioHash: scenarioHash(target.scenario),
    catalogueHash: options.performance.catalogueHash,
    baseline: options.baseline
      ? { file: options.baseline.file, runId: options.baseline.content.runId, environment: options.baseline.content.environment }
      : null,
    baselineLoads: options.baseline ? baselineLoads(options.baseline.content, outcome.cases) : undefined,
    compareTarget: options.compareTarget ? { file: options.compareTarget.file, environment: options.compareTarget.content.environment, gateway: gatewayLabel(options.compareTarget.content) } : null,
    untranslated: options.target.untranslated ?? [],
    knownDifferences: knownDifferencesSeen(outcome.cases),
    options: options.options,
    gate,
    counts: countResults(outcome.cases),
    cases: outcome.cases,
    harnessErrors: outcome.harnessErrors,
  };
  await writeRunReport(dir, report);
  onReported();
  const harnessFailed = outcome.interrupted || outcome.harnessErrors.length > 0;
  const exitCode = harnessFailed ? 2 : exitCodeFor(gate.verdict);
  printVerdict(report, dir, options);
  const warnings = await monitor(report, exitCode, options);
  if (warnings.length > 0) await recordWarnings(dir, report, warnings);
  options.printJson?.({ runId: report.runId, status: report.status, verdict: report.gate.verdict, exitCode, counts: report.counts, reasons: report.gate.reasons, notes: report.gate.notes, reportDir: dir });
  if (outcome.interrupted) throw new InterruptedError((options.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
  if (outcome.harnessErrors.length > 0) throw new MeshgateError('E_SUITE', `suites could not run: ${outcome.harnessErrors.join('; ')}`);
  return exitCodeFor(gate.verdict);
}

/** An unreachable gateway is the harness's problem (exit 2), not a thousand failed cases. */
export async function assertReachable(target: LoadedTarget, signal: AbortSignal): Promise<void> {
  const { address, httpPort, httpsPort } = target.gateway;
  for (const port of [httpPort, httpsPort]) {
    await waitUntil('the gateway to accept connections', `${address}:${port} from target ${target.runId}`, 'gatewayReachableMs', tcpConnects(address, port), signal);
  }
}

/** A live A/B needs the reference to serve the hosts the load goes to. */
function assertSameLoadTargets(target: LoadedTarget, compare: { file: string; content: LoadedTarget }): void {
  const hosts = new Set(compare.content.resolved.apps.map((app) => app.host));
  const loaded = target.resolved.apps.filter((app) => target.resolved.performance.targets.includes(app.id));
  const missing = loaded.filter((app) => !hosts.has(app.host)).map((app) => app.host);
  if (missing.length > 0) throw new InputFileError(compare.file, `the compare target does not serve ${missing.join(', ')}, which the load goes to`);
}

/** The baseline's load results of the load cases that ran now. */
function baselineLoads(baseline: Baseline, cases: RunReport['cases']): Record<string, LoadResult> {
  const ran = new Set(cases.map((record) => record.key));
  return Object.fromEntries(baseline.cases.flatMap((record) => {
    const load = loadResultOf(record);
    return load && ran.has(record.key) ? [[record.key, load]] : [];
  }));
}

export function gatewayLabel(target: LoadedTarget): string {
  return `${target.gateway.address} (http ${target.gateway.httpPort}, https ${target.gateway.httpsPort})`;
}

function printVerdict(report: RunReport, dir: string, options: SessionOptions): void {
  const { PASSED, FAILED, SKIPPED, NOT_SUPPORTED } = report.counts;
  const verdict = report.status === 'interrupted' ? 'INTERRUPTED' : report.gate.verdict.toUpperCase();
  options.log(`meshgate: ${verdict}: ${PASSED} passed, ${FAILED} failed, ${SKIPPED} skipped, ${NOT_SUPPORTED} not supported`);
  const performance = report.gate.notes.find((note) => note.subject === 'performance');
  if (performance) options.log(`meshgate: performance: ${performance.message}`);
  for (const reason of report.gate.reasons.slice(0, 20)) options.log(`  ✗ ${reason.subject}: ${reason.message.split('\n')[0]}`);
  if (report.gate.notes.length > 0) options.log(`meshgate: ${report.gate.notes.length} note(s) in summary.md (fingerprint changes, cases not run)`);
  options.log(`meshgate: reports in ${dir}/ (summary.md, report.html, results.json, perf.csv, junit.xml)`);
}

/** Metrics and the notification, once the verdict is out: a failure of either is a warning, never another exit code. */
async function monitor(report: RunReport, exitCode: number, options: SessionOptions): Promise<string[]> {
  const pushed = options.metrics ? await publishMetrics(report, options.metrics, options.log) : [];
  const notified = (await options.onReport?.(report, exitCode)) ?? [];
  return [...pushed, ...notified];
}

/** Monitoring warnings join the report's notes (they do not change the verdict) and the report is written again. */
async function recordWarnings(dir: string, report: RunReport, warnings: string[]): Promise<void> {
  report.gate.notes.push(...warnings.map((message) => ({ subject: 'monitoring', message })));
  await writeRunReport(dir, report);
}
