import type { VerdictNotice } from '../notify/notice.ts';
import type { MetricFamily } from '../reporters/metrics.ts';
import { type MetricsGroup, type MetricsTargets, publishFamilies } from '../reporters/metrics-outputs.ts';

/** Where a command's verdict goes besides its report: metrics, the notice, the `--json` document. */
export interface VerdictOutputs {
  /** `--metrics-out`, `--pushgateway`. */
  metrics: MetricsTargets;
  /** `--report-url-base`: where the notice links the report. */
  reportUrlBase?: URL;
  /** Sends the notice (to the webhook, when one was given); returns the warnings of one undelivered. */
  notify: (notice: VerdictNotice) => Promise<string[]>;
  /** With `--json`: prints the command's document on stdout. */
  printJson?: (document: object) => void;
  log: (line: string) => void;
}

/**
 * After the verdict is out: the metrics (--metrics-out, --pushgateway) and the notice.
 * Returns the warnings (logged already); a failure of either never changes the exit code.
 */
export async function afterVerdict(outputs: VerdictOutputs, metrics: { families: MetricFamily[]; group: MetricsGroup }, notice: VerdictNotice): Promise<string[]> {
  const pushed = await publishFamilies(metrics.families, metrics.group, outputs.metrics, outputs.log);
  return [...pushed, ...(await outputs.notify(notice))];
}
