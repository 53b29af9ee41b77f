import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { formatMetrics, runMetrics } from './metrics.ts';
import { pushMetrics } from './pushgateway.ts';
import type { RunReport } from '../results/run-report.ts';

/** Where a run's metrics go: `--metrics-out FILE`, `--pushgateway URL`. */
export interface MetricsTargets {
  file?: string;
  pushgateway?: URL;
}

/** The Pushgateway job meshgate pushes under; run id and scenario complete the grouping key. */
export const pushJob = 'meshgate';

/**
 * Writes the run's metrics as OpenMetrics text (run id and scenario as labels)
 * and pushes the same metrics grouped by job, run id and scenario.
 */
export async function publishMetrics(report: RunReport, targets: MetricsTargets, log: (line: string) => void): Promise<void> {
  const families = runMetrics(report);
  const grouping = { run_id: report.runId, scenario: report.scenario };
  if (targets.file) {
    await mkdir(dirname(targets.file), { recursive: true });
    await writeFileAtomic(targets.file, formatMetrics(families, 'openmetrics', grouping));
    log(`meshgate: metrics (OpenMetrics) in ${targets.file}`);
  }
  if (targets.pushgateway) {
    await pushMetrics(targets.pushgateway, pushJob, grouping, formatMetrics(families, 'prometheus'));
    log(`meshgate: metrics pushed to ${targets.pushgateway.origin} (job ${pushJob}, run_id ${report.runId}, scenario ${report.scenario})`);
  }
}
