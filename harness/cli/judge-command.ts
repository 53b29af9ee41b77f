import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';
import { type JudgeFlags, addJudgeOptions } from './judge-options.ts';
import { type MonitoringFlags, verdictOutputs } from './monitoring.ts';
import { addNotifyOptions } from './notify-options.ts';
import { sharedOptions, timeoutsOf } from './options.ts';
import { parseDuration } from './watch-command.ts';

function parseTime(value: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) throw new UsageError(`not a time: ${value} (ISO 8601, e.g. 2026-11-30T06:00:00Z)`);
  return at;
}

type Flags = Omit<JudgeFlags, 'timeouts'> & MonitoringFlags & { prometheus: URL; window: number; at?: Date; json?: boolean; reports: string; runId: string };

/** `judge`: the Istio gateway's real traffic against ingress-nginx's, from Prometheus. */
export function judgeCommand(context: CommandContext): Command {
  const command = new Command('judge')
    .description('judge the Istio gateway\'s real traffic against ingress-nginx\'s from Prometheus: 5xx ratio, p95/p99 latency, traffic that vanished')
    .addOption(new Option('-w, --window <time>', 'length of the judged window (e.g. 10m)').argParser(parseDuration).default(600_000, '10m'))
    .addOption(new Option('--at <time>', 'end of the window (ISO 8601; default now)').argParser(parseTime));
  addJudgeOptions(command, parseDuration, true);
  for (const option of [sharedOptions.reports(), sharedOptions.runId(), sharedOptions.metricsOut(), sharedOptions.pushgateway(), sharedOptions.timeouts(), sharedOptions.json()]) command.addOption(option);
  return addNotifyOptions(command, context)
    .addHelpText('after', '\nWrites reports/<run-id>/judge.json.\nExit codes: 0 pass, 1 fail or inconclusive (too little traffic), 2 meshgate could not judge (bad input, Prometheus unreachable or refusing a query, a query that matched no series).')
    .action(async (flags: Flags) => {
      const { runJudge } = await import('../run/judge.ts');
      context.exitCode = await runJudge({ ...flags, timeouts: timeoutsOf(flags), ...verdictOutputs(context, flags), signal: context.signal });
    });
}
