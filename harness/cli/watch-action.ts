// The flags of `watch` and what it does with the outcome (judge, JSON, notify); loaded only when it runs.
import { UsageError } from '../errors.ts';
import { exitCodeFor } from '../gate/verdict.ts';
import { type WatchOptions, watchGateway } from '../run/watch.ts';
import type { CommandContext } from './command-context.ts';
import { type JudgeFlags, judgeFromFlags } from './judge-options.ts';
import { reportLocation } from '../notify/notice.ts';
import { watchMetrics } from '../reporters/command-metrics.ts';
import { type MonitoringFlags, afterVerdict } from './monitoring.ts';
import { type TimeoutsFlag, timeoutsOf } from './options.ts';

/** The flags of `watch` (watch-command.ts). */
export type WatchFlags = Omit<WatchOptions, 'signal' | 'log' | 'timeouts'> & TimeoutsFlag & { json?: boolean };

/** `watch`: light traffic to every served host until the duration or a signal; gates on the success rate, latency budgets and events (and with --prometheus on the real traffic too). */
export async function runWatch(context: CommandContext, flags: WatchFlags & JudgeFlags & MonitoringFlags): Promise<void> {
  const startedMs = Date.now();
  if (flags.p95Budget > flags.maxLatency) throw new UsageError(`--p95-budget ${flags.p95Budget} ms is above --max-latency ${flags.maxLatency} ms: every answer over it already fails`);
  const { passed, reasons, summary, dir, document, runId, scenario } = await watchGateway({ ...flags, timeouts: timeoutsOf(flags), signal: context.signal, log: context.log });
  const { prometheus } = flags;
  const judgement = prometheus && (await judgeFromFlags(context, { ...flags, prometheus }, Date.now() - startedMs, new Date(), undefined));
  context.exitCode = passed ? (judgement ? exitCodeFor(judgement.verdict) : 0) : 1;
  if (flags.json) context.printJson({ exitCode: context.exitCode, reportDir: dir, ...document, ...(judgement ? { judgement } : {}) });
  const verdict = !passed ? 'fail' : (judgement?.verdict ?? 'pass');
  const lines = [`${summary.requests} requests, ${summary.failures} failed`, ...reasons, ...(judgement?.reasons ?? []).map((reason) => `${reason.subject}: ${reason.message}`)];
  const notice = { command: 'watch', runId, verdict, exitCode: context.exitCode, lines, report: reportLocation(flags.reportUrlBase, dir, runId, 'watch.html') };
  await afterVerdict(context, flags, { families: watchMetrics(summary, verdict), group: { grouping: { command: 'watch', scenario }, runId } }, notice);
}
