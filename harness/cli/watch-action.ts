// The work of `watch`, loaded only when it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { exitCodeFor } from '../gate/verdict.ts';
import { appProtocol } from '../suite/app-probe.ts';
import { readTarget } from '../target.ts';
import { watchDocument, writeWatchReport } from '../watch/watch-report.ts';
import { runWatchSession } from '../watch/watch-session.ts';
import { watchedApps } from '../watch/watch-traffic.ts';
import type { CommandContext } from './command-context.ts';
import { type JudgeFlags, judgeFromFlags } from './judge-options.ts';
import { type NotifyFlags, notify } from './notify-options.ts';
import { checkRunId, newRunId } from './options.ts';
import { assertReachable, gatewayLabel } from './run-session.ts';
import type { WatchFlags } from './watch-command.ts';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `watch`: light traffic to every served host until the duration or a signal; gates on the success rate, latency budgets and events. */
export async function runWatch(context: CommandContext, flags: WatchFlags & JudgeFlags & NotifyFlags): Promise<void> {
  const startedMs = Date.now();
  const runId = checkRunId(flags.runId ?? newRunId());
  if (flags.p95Budget > flags.maxLatency) throw new UsageError(`--p95-budget ${flags.p95Budget} ms is above --max-latency ${flags.maxLatency} ms: every answer over it already fails`);
  const target = await readTarget(flags.target);
  await assertReachable(target, context.signal);
  const apps = watchedApps(target);
  const protocols = [...new Set(apps.map(appProtocol))].map((protocol) => `${apps.filter((app) => appProtocol(app) === protocol).length} ${protocol}`);
  context.log(`meshgate: watching ${apps.length} served apps (${protocols.join(', ')}) on ${gatewayLabel(target)} for up to ${flags.duration / 1000} s (Ctrl-C to stop; mark the switch with kill -USR2 ${process.pid}${flags.markFile ? ` or touch ${flags.markFile}` : ''})`);
  const outcome = await runWatchSession({
    target,
    gateway: { ...target.gateway, ca: target.caFile ? readFileSync(target.caFile, 'utf8') : undefined },
    durationMs: flags.duration,
    intervalMs: flags.interval,
    statusEveryMs: flags.statusEvery,
    minSuccess: flags.minSuccess,
    maxLatencyMs: flags.maxLatency,
    p95BudgetMs: flags.p95Budget,
    p95WindowMs: flags.p95Window,
    markFile: flags.markFile,
    markWindowMs: flags.markWindow,
    signal: context.signal,
  });
  const { summary, passed } = outcome;
  const dir = join(flags.reports, runId);
  const run = { runId, gateway: gatewayLabel(target), minSuccess: flags.minSuccess, maxLatencyMs: flags.maxLatency, p95BudgetMs: flags.p95Budget };
  await writeWatchReport(dir, run, outcome);
  context.log(`meshgate: ${passed ? 'PASS' : 'FAIL'}: ${summary.requests} requests, ${summary.failures} failed (${summary.distinctFailures.length} distinct), success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(flags.minSuccess * 100).toFixed(1)} %), ${plural(outcome.events.length, 'event')}, ${plural(outcome.p95Breaches.length, 'host')} over the p95 budget`);
  for (const reason of outcome.reasons) context.log(`  - ${reason}`);
  context.log(`meshgate: watch report in ${dir}/ (watch.html, watch.csv, watch.json)`);
  const { prometheus } = flags;
  const judgement = prometheus && (await judgeFromFlags(context, { ...flags, prometheus }, Date.now() - startedMs, new Date(), undefined));
  context.exitCode = passed ? (judgement ? exitCodeFor(judgement.verdict) : 0) : 1;
  if (flags.json) context.printJson({ exitCode: context.exitCode, reportDir: dir, ...watchDocument(run, outcome), ...(judgement ? { judgement } : {}) });
  const verdict = !passed ? 'fail' : (judgement?.verdict ?? 'pass');
  const lines = [`${summary.requests} requests, ${summary.failures} failed`, ...outcome.reasons, ...(judgement?.reasons ?? []).map((reason) => `${reason.subject}: ${reason.message}`)];
  await notify(context, flags, { command: 'watch', verdict, exitCode: context.exitCode, lines });
}
