import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { RunReport } from '../results/run-report.ts';
import { formatMetrics, runMetrics } from './metrics.ts';
import type { Output } from './output.ts';
import { pushMetrics } from './pushgateway.ts';

/** Where a run's metrics go: `--metrics-out FILE`, `--pushgateway URL`. */
export interface MetricsTargets {
  file?: string;
  pushgateway?: URL;
}

/** The Pushgateway job meshgate pushes under; run id and scenario complete the grouping key. */
export const pushJob = 'meshgate';

const grouping = (report: RunReport) => ({ run_id: report.runId, scenario: report.scenario });

/** The run's metrics as OpenMetrics text in `file` (run id and scenario as labels). */
export function openMetricsOutput(file: string): Output {
  return {
    name: 'OpenMetrics file',
    async write(report, context) {
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, formatMetrics(runMetrics(report), 'openmetrics', grouping(report)));
      context.log(`meshgate: metrics (OpenMetrics) in ${file}`);
    },
  };
}

/** The same metrics pushed to a Pushgateway, grouped by job, run id and scenario. */
export function pushgatewayOutput(url: URL): Output {
  return {
    name: 'Pushgateway',
    async write(report, context) {
      await pushMetrics(url, pushJob, grouping(report), formatMetrics(runMetrics(report), 'prometheus'));
      context.log(`meshgate: metrics pushed to ${url.origin} (job ${pushJob}, run_id ${report.runId}, scenario ${report.scenario})`);
    },
  };
}

/** The metrics outputs the targets ask for, file first. */
export function metricsOutputs(targets: MetricsTargets = {}): Output[] {
  return [...(targets.file ? [openMetricsOutput(targets.file)] : []), ...(targets.pushgateway ? [pushgatewayOutput(targets.pushgateway)] : [])];
}
