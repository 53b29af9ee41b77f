// The work of `watch`, loaded only when it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeFor } from '../gate/verdict.ts';
import { appProtocol } from '../suite/app-probe.ts';
import { readTarget } from '../target.ts';
import { WatchRecorder } from '../watch/watch-recorder.ts';
import { writeWatchReport } from '../watch/watch-report.ts';
import { WatchStatus } from '../watch/watch-status.ts';
import { watchTraffic, watchedApps } from '../watch/watch-traffic.ts';
import type { CommandContext } from './command-context.ts';
import { type JudgeFlags, judgeFromFlags } from './judge-options.ts';
import { reportLocation } from './notify-options.ts';
import { type MonitoringFlags, afterVerdict } from './monitoring.ts';
import { watchMetrics } from '../reporters/command-metrics.ts';
import { checkRunId, newRunId } from './options.ts';
import { assertReachable, gatewayLabel } from './run-session.ts';
import type { WatchFlags } from './watch-command.ts';

/** `watch`: light traffic to every served host until the duration or a signal; gates on the success rate. */
export async function runWatch(context: CommandContext, flags: WatchFlags & JudgeFlags & MonitoringFlags): Promise<void> {
  const startedMs = Date.now();
  const runId = checkRunId(flags.runId ?? newRunId());
  const target = await readTarget(flags.target);
  await assertReachable(target, context.signal);
  const apps = watchedApps(target);
  const protocols = [...new Set(apps.map(appProtocol))].map((protocol) => `${apps.filter((app) => appProtocol(app) === protocol).length} ${protocol}`);
  context.log(`meshgate: watching ${apps.length} served apps (${protocols.join(', ')}) on ${gatewayLabel(target)} for up to ${flags.duration / 1000} s (Ctrl-C to stop)`);
  const recorder = new WatchRecorder(apps);
  const status = new WatchStatus(recorder, process.stderr, flags.statusEvery);
  const startedAt = new Date().toISOString();
  status.start();
  try {
    await watchTraffic({
      target,
      gateway: { ...target.gateway, ca: target.caFile ? readFileSync(target.caFile, 'utf8') : undefined },
      durationMs: flags.duration,
      intervalMs: flags.interval,
      signal: context.signal,
      onSample: (sample) => {
        const first = recorder.record(sample);
        if (first) status.failure(`  ✗ ${first.firstAt} ${first.host} (${first.app}, ${first.protocol}): ${first.what}`);
      },
    });
  } finally {
    status.stop();
  }
  const summary = recorder.summary();
  const passed = summary.requests > 0 && summary.successRate >= flags.minSuccess;
  const dir = join(flags.reports, runId);
  await writeWatchReport(dir, { runId, gateway: gatewayLabel(target), startedAt, finishedAt: new Date().toISOString(), minSuccess: flags.minSuccess, passed }, summary, recorder.perSecond());
  context.log(`meshgate: ${passed ? 'PASS' : 'FAIL'}: ${summary.requests} requests, ${summary.failures} failed (${summary.distinctFailures.length} distinct), success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(flags.minSuccess * 100).toFixed(1)} %)`);
  context.log(`meshgate: watch report in ${dir}/ (watch.html, watch.csv, watch.json)`);
  const { prometheus } = flags;
  const judgement = prometheus && (await judgeFromFlags(context, { ...flags, prometheus }, Date.now() - startedMs, new Date(), undefined));
  context.exitCode = passed ? (judgement ? exitCodeFor(judgement.verdict) : 0) : 1;
  if (flags.json) context.printJson({ passed, exitCode: context.exitCode, reportDir: dir, ...summary, ...(judgement ? { judgement } : {}) });
  const verdict = !passed ? 'fail' : (judgement?.verdict ?? 'pass');
  const lines = [`${summary.requests} requests, ${summary.failures} failed`, ...(judgement?.reasons ?? []).map((reason) => `${reason.subject}: ${reason.message}`)];
  const notice = { command: 'watch', runId, verdict, exitCode: context.exitCode, lines, report: reportLocation(flags, dir, runId, 'watch.html') };
  await afterVerdict(context, flags, { families: watchMetrics(summary, verdict), group: { grouping: { command: 'watch', scenario: target.resolved.name }, runId } }, notice);
}
