import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeFor } from '../gate/verdict.ts';
import { type JudgeInput, judgeWindow } from '../judge/judge-window.ts';
import { reportLocation } from '../notify/notice.ts';
import { watchMetrics } from './command-metrics.ts';
import { appProtocol } from '../suite/app-probe.ts';
import { readTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import { watchDocument, writeWatchReport } from '../watch/watch-report.ts';
import { runWatchSession } from '../watch/watch-session.ts';
import { watchedApps } from '../watch/watch-traffic.ts';
import type { WatchSummary } from '../watch/watch-recorder.ts';
import { type VerdictOutputs, afterVerdict } from './after-verdict.ts';
import { assertReachable, gatewayLabel } from './reachable.ts';
import { checkRunId, newRunId } from './run-id.ts';

/** What a watch needs: the target, how long and how often, the budgets it gates on, the mark, where reports go. */
export interface WatchOptions {
  /** The target file. */
  target: string;
  /** ms. */
  duration: number;
  /** Pause between two exchanges with a host, ms. */
  interval: number;
  /** Success rate the gate requires, 0 to 1. */
  minSuccess: number;
  /** Per-answer ceiling, ms: a slower answer is a failure of kind `slow`. */
  maxLatency: number;
  /** Rolling p95 budget per host, ms, over the answers of `p95Window` ms (at least the last 20). */
  p95Budget: number;
  p95Window: number;
  /** A file the cutover script touches at the switch (SIGUSR2 marks it too). */
  markFile?: string;
  /** How far either side of a mark the report looks, ms. */
  markWindow: number;
  /** Without a terminal, how often the rolling status line is printed, ms. */
  statusEvery: number;
  reports: string;
  runId?: string;
  /** The run's timeouts (defaults < MESHGATE_TIMEOUT_* < --timeouts). */
  timeouts: Timeouts;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** A finished watch: the verdict and its reasons, its figures, where its report is, and the report as one document (watch.json). */
export interface WatchOutcome {
  passed: boolean;
  reasons: string[];
  summary: WatchSummary;
  dir: string;
  runId: string;
  /** The target's scenario name (the metrics' group). */
  scenario: string;
  document: object;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The watch pipeline, with the run's stages (run id, reachability, gateway label):
 * light traffic to every served host until the duration or the signal, then the
 * report (watch.csv, watch.html, watch.json) and the verdict on the success rate,
 * the latency budgets and events.
 */
export async function watchGateway(options: WatchOptions): Promise<WatchOutcome> {
  const runId = checkRunId(options.runId ?? newRunId());
  const target = await readTarget(options.target);
  await assertReachable(target, options.timeouts, options.signal);
  const apps = watchedApps(target);
  const protocols = [...new Set(apps.map(appProtocol))].map((protocol) => `${apps.filter((app) => appProtocol(app) === protocol).length} ${protocol}`);
  options.log(`meshgate: watching ${apps.length} served apps (${protocols.join(', ')}) on ${gatewayLabel(target)} for up to ${options.duration / 1000} s (Ctrl-C to stop; mark the switch with kill -USR2 ${process.pid}${options.markFile ? ` or touch ${options.markFile}` : ''})`);
  const outcome = await runWatchSession({
    target,
    gateway: { ...target.gateway, ca: target.caFile ? readFileSync(target.caFile, 'utf8') : undefined, requestMs: options.timeouts.requestMs },
    durationMs: options.duration,
    intervalMs: options.interval,
    statusEveryMs: options.statusEvery,
    minSuccess: options.minSuccess,
    maxLatencyMs: options.maxLatency,
    p95BudgetMs: options.p95Budget,
    p95WindowMs: options.p95Window,
    markFile: options.markFile,
    markWindowMs: options.markWindow,
    signal: options.signal,
  });
  const { summary, passed, reasons } = outcome;
  const dir = join(options.reports, runId);
  const run = { runId, gateway: gatewayLabel(target), minSuccess: options.minSuccess, maxLatencyMs: options.maxLatency, p95BudgetMs: options.p95Budget };
  await writeWatchReport(dir, run, outcome);
  options.log(`meshgate: ${passed ? 'PASS' : 'FAIL'}: ${summary.requests} requests, ${summary.failures} failed (${summary.distinctFailures.length} distinct), success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(options.minSuccess * 100).toFixed(1)} %), ${plural(outcome.events.length, 'event')}, ${plural(outcome.p95Breaches.length, 'host')} over the p95 budget`);
  for (const reason of reasons) options.log(`  - ${reason}`);
  options.log(`meshgate: watch report in ${dir}/ (watch.html, watch.csv, watch.json)`);
  return { passed, reasons, summary, dir, document: watchDocument(run, outcome), runId, scenario: target.resolved.name };
}

/**
 * `watch` whole: the watch, then with `prometheus` the gateways' real traffic over it
 * judged too (both must pass), the `--json` document, the metrics and the notice.
 * Returns the exit code.
 */
export async function runWatch(options: WatchOptions & JudgeInput & VerdictOutputs): Promise<number> {
  const startedMs = Date.now();
  const { passed, reasons, summary, dir, document, runId, scenario } = await watchGateway(options);
  const { prometheus } = options;
  // No signal for the queries: a signal only ends the watch's traffic.
  const judgement = prometheus && (await judgeWindow({ ...options, prometheus }, Date.now() - startedMs, new Date(), undefined, options.log));
  const exitCode = passed ? (judgement ? exitCodeFor(judgement.verdict) : 0) : 1;
  options.printJson?.({ exitCode, reportDir: dir, ...document, ...(judgement ? { judgement } : {}) });
  const verdict = !passed ? 'fail' : (judgement?.verdict ?? 'pass');
  const lines = [`${summary.requests} requests, ${summary.failures} failed`, ...reasons, ...(judgement?.reasons ?? []).map((reason) => `${reason.subject}: ${reason.message}`)];
  const notice = { command: 'watch', runId, verdict, exitCode, lines, report: reportLocation(options.reportUrlBase, dir, runId, 'watch.html') };
  await afterVerdict(options, { families: watchMetrics(summary, verdict), group: { grouping: { command: 'watch', scenario }, runId } }, notice);
  return exitCode;
}
