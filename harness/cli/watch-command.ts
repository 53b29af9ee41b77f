import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';
import { sharedOptions, timeoutsOf } from './options.ts';
import { type JudgeFlags, addJudgeOptions } from './judge-options.ts';
import { addNotifyOptions } from './notify-options.ts';
import { type MonitoringFlags, verdictOutputs } from './monitoring.ts';
import type { WatchOptions } from '../run/watch.ts';
import { markFilePath } from '../watch/watch-marks.ts';

/** The flags of `watch`. */
type WatchFlags = Omit<WatchOptions, 'signal' | 'log' | 'timeouts'> & Omit<JudgeFlags, 'timeouts'> & MonitoringFlags;

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

/** `250ms`, `1s` -> ms: a latency budget, 1 ms to 60 s. */
export function parseLatency(value: string): number {
  const ms = parseDuration(value);
  if (ms > 60_000) throw new UsageError(`not a latency budget: ${value} (1ms to 60s, e.g. 500ms)`);
  return ms;
}

/** `watch`: light traffic to every tenant host while a cutover happens; gates on the success rate, latency budgets and events. */
export function watchCommand(context: CommandContext): Command {
  const command = new Command('watch')
    .description('keep light traffic flowing to every served tenant host in its own protocol (HTTP(S), WebSocket, gRPC) during a cutover; name every failure and every stall; gate on the success rate, latency budgets and events')
    .addOption(sharedOptions.target())
    .addOption(new Option('-d, --duration <time>', 'stop after this long (e.g. 90s, 10m; at most 24h); SIGINT/SIGTERM stop earlier').argParser(parseDuration).default(600_000, '10m'))
    .addOption(new Option('--interval <time>', 'pause between two exchanges with a host (each host has its own loop)').argParser(parseDuration).default(200, '200ms'))
    .addOption(new Option('--min-success <rate>', 'success rate the gate requires (a slow answer is a failed one)').argParser(parseRate).default(0.999))
    .addOption(new Option('--max-latency <time>', 'an answer slower than this is a failure of kind "slow"').argParser(parseLatency).default(1000, '1s'))
    .addOption(new Option('--p95-budget <time>', "each host's rolling p95 must stay under this").argParser(parseLatency).default(500, '500ms'))
    .addOption(new Option('--p95-window <time>', 'the rolling p95 looks at the answers of this long (at least the last 20 of a host)').argParser(parseDuration).default(10_000, '10s'))
    .addOption(new Option('--mark-file <path>', 'a file the cutover script touches at the switch (SIGUSR2 marks it too)').argParser(markFilePath))
    .addOption(new Option('--mark-window <time>', 'the report compares this long before and after each mark').argParser(parseDuration).default(30_000, '30s'))
    .addOption(new Option('--status-every <time>', 'without a terminal, print the rolling status line this often (a terminal gets one line updated every second)').argParser(parseDuration).default(10_000, '10s'))
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.timeouts())
    .addOption(sharedOptions.json());
  return addNotifyOptions(addJudgeOptions(command, parseDuration, false), context)
    .addHelpText(
      'after',
      "\nWrites reports/<run-id>/watch.csv (per host and second: exchanges, failures, latency), watch.html and watch.json.\nAn event is many hosts (2 or more, a quarter of those answering) failing or slow in the same second; any event fails the watch.\nMark the switch with `touch <mark-file>` or `kill -USR2 <pid>`: the report compares latency and failures per protocol before and after it, and counts the WebSocket connections held across it.\nA signal ends the watch normally: the verdict covers the traffic seen. With --prometheus, the gateways' real traffic over the watch is judged too (meshgate judge) and both must pass.\nExit codes: 0 success rate and budgets met, no event (and real traffic passed), 1 not (or no exchange completed), 2 bad input or gateway unreachable at the start.",
    )
    .action(async (flags: WatchFlags) => {
      if (flags.p95Budget > flags.maxLatency) throw new UsageError(`--p95-budget ${flags.p95Budget} ms is above --max-latency ${flags.maxLatency} ms: every answer over it already fails`);
      const { runWatch } = await import('../run/watch.ts');
      context.exitCode = await runWatch({ ...flags, timeouts: timeoutsOf(flags), ...verdictOutputs(context, flags), signal: context.signal });
    });
}
