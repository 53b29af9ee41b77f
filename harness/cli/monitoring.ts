import type { VerdictOutputs } from '../run/after-verdict.ts';
import type { CommandContext } from './command-context.ts';
import { type NotifyFlags, notify } from './notify-options.ts';
import { type TimeoutsFlag, timeoutsOf } from './options.ts';

/** Flags of a command that exports metrics and notifies. */
export interface MonitoringFlags extends Partial<NotifyFlags>, TimeoutsFlag {
  metricsOut?: string;
  pushgateway?: URL;
  json?: boolean;
}

/** Where the flags send a verdict besides the report: metrics, the notice, the `--json` document, the log. */
export function verdictOutputs(context: CommandContext, flags: MonitoringFlags): VerdictOutputs {
  return {
    metrics: { file: flags.metricsOut, pushgateway: flags.pushgateway, pushMs: timeoutsOf(flags).metricsPushMs },
    reportUrlBase: flags.reportUrlBase,
    notify: (notice) => notify(context, flags, notice),
    printJson: flags.json ? context.printJson : undefined,
    log: context.log,
  };
}
