import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { appProtocol } from '../suite/app-probe.ts';
import { readTarget } from '../target.ts';
import { WatchRecorder } from '../watch/watch-recorder.ts';
import { writeWatchReport } from '../watch/watch-report.ts';
import { WatchStatus } from '../watch/watch-status.ts';
import { watchTraffic, watchedApps } from '../watch/watch-traffic.ts';
import type { CommandContext } from './command-context.ts';
import { checkRunId, newRunId, sharedOptions } from './options.ts';
import { assertReachable, gatewayLabel } from './run-session.ts';
import { type JudgeFlags, addJudgeOptions, judgeFromFlags } from './judge-options.ts';
import { type NotifyFlags, addNotifyOptions, notify } from './notify-options.ts';
import { exitCodeFor } from '../gate/verdict.ts';

/** `2m`, `90s`, `500ms`, `1h` -> milliseconds, at most 24 h. */
export function parseDuration(value: string): number {
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(value);
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms'] : NaN;
  if (!(ms >= 1 && ms <= 86_400_000)) throw new UsageError(`not a duration: ${value} (e.g. 90s, 10m; at most 24h)`);
  return ms;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!/^[0-9.]+$/.test(value) || !(rate > 0 && rate <= 1)) throw new UsageError(`not a success rate: ${value} (0 to 1, e.g. 0.999)`);
  return rate;
}

interface WatchFlags {
  target: string;
  duration: number;
  interval: number;
  minSuccess: number;
  statusEvery: number;
  reports: string;
  runId?: string;
  json?: boolean;
}

/** `watch`: light traffic to every tenant host while a cutover happens; gates on the success rate. */
export function watchCommand(context: CommandContext): Command {
  const command = new Command('watch')
    .description('keep light traffic flowing to every served tenant host in its own protocol (HTTP(S), WebSocket, gRPC) during a cutover; name every failure; gate on the success rate')
    .addOption(sharedOptions.target())
    .addOption(new Option('-d, --duration <time>', 'stop after this long (e.g. 90s, 10m; at most 24h); SIGINT/SIGTERM stop earlier').argParser(parseDuration).default(600_000, '10m'))
    .addOption(new Option('--interval <time>', 'pause between two rounds over every host').argParser(parseDuration).default(200, '200ms'))
    .addOption(new Option('--min-success <rate>', 'success rate the gate requires').argParser(parseRate).default(0.999))
    .addOption(new Option('--status-every <time>', 'without a terminal, print the rolling status line this often (a terminal gets one line updated every second)').argParser(parseDuration).default(10_000, '10s'))
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.json());
  return addNotifyOptions(addJudgeOptions(command, parseDuration, false))
    .addHelpText(
      'after',
      "\nWrites reports/<run-id>/watch.csv (per host and second: exchanges, failures, latency), watch.html and watch.json.\nA signal ends the watch normally: the verdict covers the traffic seen. With --prometheus, the gateways' real traffic over the watch is judged too (meshgate judge) and both must pass.\nExit codes: 0 success rate met (and real traffic passed), 1 not met (or no exchange completed), 2 bad input or gateway unreachable at the start.",
    )
    .action(async (flags: WatchFlags & JudgeFlags & NotifyFlags) => {
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
      await notify(context, flags, { command: 'watch', verdict, exitCode: context.exitCode, lines });
    });
}
