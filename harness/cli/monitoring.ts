import type { VerdictNotice } from '../notify/notice.ts';
import type { MetricFamily } from '../reporters/metrics.ts';
import type { MetricsGroup } from '../reporters/metrics-outputs.ts';
import type { CommandContext } from './command-context.ts';
import { type NotifyFlags, notify } from './notify-options.ts';
import { type TimeoutsFlag, timeoutsOf } from './options.ts';

/** Flags of a command that exports metrics and notifies. */
export interface MonitoringFlags extends Partial<NotifyFlags>, TimeoutsFlag {
  metricsOut?: string;
  pushgateway?: URL;
}

/**
 * After the verdict is out: the metrics (--metrics-out, --pushgateway) and the notice.
 * Returns the warnings (logged already); a failure of either never changes the exit code.
 */
export async function afterVerdict(context: CommandContext, flags: MonitoringFlags, metrics: { families: MetricFamily[]; group: MetricsGroup }, notice: VerdictNotice): Promise<string[]> {
  const { publishFamilies } = await import('../reporters/metrics-outputs.ts');
  const pushed = await publishFamilies(metrics.families, metrics.group, { file: flags.metricsOut, pushgateway: flags.pushgateway, pushMs: timeoutsOf(flags).metricsPushMs }, context.log);
  return [...pushed, ...(await notify(context, flags, notice))];
}
