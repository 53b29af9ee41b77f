import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';
import { sharedOptions } from './options.ts';
import { type JudgeFlags, addJudgeOptions } from './judge-options.ts';
import { addNotifyOptions } from './notify-options.ts';
import type { MonitoringFlags } from './monitoring.ts';
import type { WatchFlags } from './watch-action.ts';

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
    .description('keep light traffic flowing to every served tenant host in its own protocol (HTTP(S), WebSocket, gRPC) during a cutover; name every failure; gate on the success rate')
    .addOption(sharedOptions.target())
    .addOption(new Option('-d, --duration <time>', 'stop after this long (e.g. 90s, 10m; at most 24h); SIGINT/SIGTERM stop earlier').argParser(parseDuration).default(600_000, '10m'))
    .addOption(new Option('--interval <time>', 'pause between two rounds over every host').argParser(parseDuration).default(200, '200ms'))
    .addOption(new Option('--min-success <rate>', 'success rate the gate requires').argParser(parseRate).default(0.999))
    .addOption(new Option('--status-every <time>', 'without a terminal, print the rolling status line this often (a terminal gets one line updated every second)').argParser(parseDuration).default(10_000, '10s'))
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.json());
  return addNotifyOptions(addJudgeOptions(command, parseDuration, false), context)
    .addHelpText(
      'after',
      "\nWrites reports/<run-id>/watch.csv (per host and second: exchanges, failures, latency), watch.html and watch.json.\nA signal ends the watch normally: the verdict covers the traffic seen. With --prometheus, the gateways' real traffic over the watch is judged too (meshgate judge) and both must pass.\nExit codes: 0 success rate met (and real traffic passed), 1 not met (or no exchange completed), 2 bad input or gateway unreachable at the start.",
    )
    .action(async (flags: WatchFlags & JudgeFlags & MonitoringFlags) => {
      const { runWatch } = await import('./watch-action.ts');
      await runWatch(context, flags);
    });
}
