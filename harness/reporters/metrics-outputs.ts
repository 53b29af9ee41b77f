import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '../errors.ts';
import { redactUrl, writeRedacted } from '../redact.ts';
import { type MetricFamily, formatMetrics, runMetrics } from './metrics.ts';
import { pushMetrics } from './pushgateway.ts';
import type { RunReport } from '../results/run-report.ts';
import type { Output } from './output.ts';

/** Where a run's metrics go: `--metrics-out FILE`, `--pushgateway URL`. */
export interface MetricsTargets {
  file?: string;
  pushgateway?: URL;
  /** Bound on one push, connect to answer, ms: the run's metricsPushMs. */
  pushMs: number;
}

/**
 * Which Pushgateway group a run's metrics replace, and its run id. The group holds the
 * latest run only (a PUT replaces it), so Prometheus sees each run's series while it is
 * the latest and marks them stale when the next run replaces them: history lives in
 * Prometheus' own storage, and old runs end.
 */
export interface MetricsGroup {
  /** Grouping key besides the job, e.g. scenario and mode. */
  grouping: Record<string, string>;
  runId: string;
}

/** The Pushgateway job meshgate pushes under. */
export const pushJob = 'meshgate';

/** The mode a run tested: the cluster's --mode (ingress, istio, dual), else the environment (local, external, ...). */
export function runMode(report: RunReport): string {
  const mode = report.options.mode;
  return report.environment !== 'local' && typeof mode === 'string' ? mode : report.environment;
}

/** A validate or run report's metrics, one group per scenario and mode. Returns warnings; never throws for the Pushgateway. */
export async function publishMetrics(report: RunReport, targets: MetricsTargets, log: (line: string) => void): Promise<string[]> {
  return publishFamilies(runMetrics(report), { grouping: { scenario: report.scenario, mode: runMode(report) }, runId: report.runId }, targets, log);
}

/**
 * Writes the metrics as OpenMetrics text (grouping and run id as labels) and pushes them to
 * the group with the run id as a label. A push that fails is a warning returned (and
 * logged), never an error: monitoring does not change a verdict or an exit code.
 */
export async function publishFamilies(families: MetricFamily[], group: MetricsGroup, targets: MetricsTargets, log: (line: string) => void): Promise<string[]> {
  const runLabel = { run_id: group.runId };
  if (targets.file) {
    await mkdir(dirname(targets.file), { recursive: true });
    await writeRedacted(targets.file, formatMetrics(families, 'openmetrics', { ...group.grouping, ...runLabel }));
    log(`meshgate: metrics (OpenMetrics) in ${targets.file}`);
  }
  if (!targets.pushgateway) return [];
  const where = `${redactUrl(targets.pushgateway)} (job ${pushJob}, ${Object.entries(group.grouping).map(([name, value]) => `${name} ${value}`).join(', ')})`;
  try {
    await pushMetrics(targets.pushgateway, pushJob, group.grouping, formatMetrics(families, 'prometheus', runLabel), targets.pushMs);
    log(`meshgate: metrics of run ${group.runId} pushed to ${where}`);
    return [];
  } catch (error) {
    const warning = `metrics not pushed to ${where}: ${errorMessage(error)}; the verdict stands`;
    log(`meshgate: warning: ${warning}`);
    return [warning];
  }
}

/** The run's metrics (file, then Pushgateway) as one output; a failed push is a warning in the context. */
export function metricsOutputs(targets: MetricsTargets | undefined): Output[] {
  if (!targets || (!targets.file && !targets.pushgateway)) return [];
  return [{ name: 'metrics', write: async (report, context) => (await publishMetrics(report, targets, context.log)).forEach((warning) => context.warn?.(warning)) }];
}
