import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { readTarget } from '../target.ts';
import { watchTraffic } from '../watch/watch-traffic.ts';
import type { CommandContext } from './command-context.ts';
import { sharedOptions } from './options.ts';
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

/** `watch`: light traffic to every tenant host while a cutover happens; gates on the success rate. */
export function watchCommand(context: CommandContext): Command {
  const command = new Command('watch')
    .description('keep light traffic flowing to every tenant host (HTTP, WebSocket, gRPC) during a cutover; report every failed request; gate on the success rate')
    .addOption(sharedOptions.target())
    .addOption(new Option('-d, --duration <time>', 'stop after this long (e.g. 90s, 10m; at most 24h); SIGINT/SIGTERM stop earlier').argParser(parseDuration).default(600_000, '10m'))
    .addOption(new Option('--interval <time>', 'pause between two rounds over every host').argParser(parseDuration).default(200, '200ms'))
    .addOption(new Option('--min-success <rate>', 'success rate the gate requires').argParser(parseRate).default(0.999))
    .addOption(sharedOptions.json());
  return addNotifyOptions(addJudgeOptions(command, parseDuration, false))
    .addHelpText('after', '\nA signal ends the watch normally: the verdict covers the traffic seen. With --prometheus, the gateways\' real traffic over the watch is judged too (meshgate judge) and both must pass. Exit codes: 0 success rate met (and real traffic passed), 1 not, 2 bad input.')
    .action(async (flags: JudgeFlags & NotifyFlags & { target: string; duration: number; interval: number; minSuccess: number; json?: boolean }) => {
      const startedAt = Date.now();
      const target = await readTarget(flags.target);
      const ca = target.caFile ? readFileSync(target.caFile, 'utf8') : undefined;
      const { address, httpPort, httpsPort } = target.gateway;
      context.log(`meshgate: watching ${target.resolved.apps.length} apps on ${address} for up to ${flags.duration / 1000} s (Ctrl-C to stop)`);
      const summary = await watchTraffic({
        target,
        gateway: { address, httpPort, httpsPort, ca },
        durationMs: flags.duration,
        intervalMs: flags.interval,
        signal: context.signal,
        onFailure: (failure) => context.log(`  ✗ ${failure.at} ${failure.host} (${failure.app}, ${failure.protocol}): ${failure.what}`),
      });
      const met = summary.requests > 0 && summary.successRate >= flags.minSuccess;
      context.log(`meshgate: ${met ? 'PASS' : 'FAIL'}: ${summary.requests} requests, ${summary.failures} failed, success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(flags.minSuccess * 100).toFixed(1)} %)`);
      const { prometheus } = flags;
      const judgement = prometheus && (await judgeFromFlags(context, { ...flags, prometheus }, Date.now() - startedAt, new Date(), undefined));
      if (flags.json) process.stdout.write(`${JSON.stringify({ passed: met, ...summary, ...(judgement ? { judgement } : {}) }, null, 2)}\n`);
      context.exitCode = met ? (judgement ? exitCodeFor(judgement.verdict) : 0) : 1;
      const verdict = !met ? 'fail' : (judgement?.verdict ?? 'pass');
      const lines = [`${summary.requests} requests, ${summary.failures} failed`, ...(judgement?.reasons ?? []).map((reason) => `${reason.subject}: ${reason.message}`)];
      await notify(context, flags, { command: 'watch', verdict, exitCode: context.exitCode, lines });
    });
}
