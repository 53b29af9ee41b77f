import { caseResults } from '../results/case-record.ts';
import { loadLevels } from './load-views.ts';
import type { RunReport } from '../results/run-report.ts';
import { redact } from '../redact.ts';

/** One gauge family: every meshgate metric is a gauge, so the same text parses as OpenMetrics and as Prometheus text 0.0.4. */
export interface MetricFamily {
  name: string;
  help: string;
  /** OpenMetrics unit; the name ends with it (OpenMetrics spec, "Unit"). */
  unit?: 'seconds' | 'ratio';
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

const verdicts = ['pass', 'fail', 'inconclusive', 'interrupted'] as const;

/**
 * A run as metrics for dashboards: verdict, cases by suite and result, and per
 * load target and level the latency percentiles, request rate and success ratio.
 * Run id and scenario are not labels here: the caller adds them (file) or puts
 * them in the Pushgateway grouping key. Pure.
 */
export function runMetrics(report: RunReport): MetricFamily[] {
  const verdict = report.status === 'interrupted' ? 'interrupted' : report.gate.verdict;
  const loads = [...loadLevels(report).values()].flat();
  const loadLabels = (level: (typeof loads)[number]) => ({ target: level.target, protocol: level.load.protocol, model: level.model, level: String(level.level) });
  const suites = [...new Set(report.cases.map((record) => record.suite))];
  return [
    {
      name: 'meshgate_run_verdict',
      help: 'The run verdict: 1 for the verdict given, 0 for the others',
      samples: verdicts.map((name) => ({ labels: { verdict: name }, value: name === verdict ? 1 : 0 })),
    },
    {
      name: 'meshgate_run_finished_timestamp_seconds',
      help: 'When the run finished, seconds since the Unix epoch',
      unit: 'seconds',
      samples: [{ labels: { environment: report.environment, gateway_software: report.gatewaySoftware ?? 'unknown' }, value: Date.parse(report.finishedAt) / 1000 }],
    },
    {
      name: 'meshgate_cases',
      help: 'Cases by suite and result',
      samples: suites.flatMap((suite) => caseResults.map((result) => ({ labels: { suite, result }, value: report.cases.filter((record) => record.suite === suite && record.result === result).length }))),
    },
    {
      name: 'meshgate_load_latency_seconds',
      help: 'Latency percentile of a load level over its measured run',
      unit: 'seconds',
      samples: loads.flatMap((level) => (['50', '95', '99'] as const).map((percentile) => ({ labels: { ...loadLabels(level), percentile }, value: level.load[`p${percentile}Us`] / 1e6 }))),
    },
    { name: 'meshgate_load_requests_per_second', help: 'Completed exchanges per second of a load level', samples: loads.map((level) => ({ labels: loadLabels(level), value: level.load.rps })) },
    { name: 'meshgate_load_success_ratio', help: 'Share of exchanges of a load level that succeeded', unit: 'ratio', samples: loads.map((level) => ({ labels: loadLabels(level), value: level.load.successRate })) },
  ];
}

/**
 * Exposition text. `openmetrics`: with UNIT lines and the closing `# EOF`
 * (OpenMetrics 1.0, "Overall Structure"); `prometheus`: text format 0.0.4, what
 * the Pushgateway parses (docs/instrumenting/exposition_formats.md). `labels`
 * are added to every sample.
 */
export function formatMetrics(families: MetricFamily[], format: 'openmetrics' | 'prometheus', labels: Record<string, string> = {}): string {
  const lines = families.flatMap((family) => [
    `# TYPE ${family.name} gauge`,
    ...(format === 'openmetrics' && family.unit ? [`# UNIT ${family.name} ${family.unit}`] : []),
    `# HELP ${family.name} ${family.help}`,
    ...family.samples.map((sample) => `${family.name}${formatLabels({ ...labels, ...sample.labels })} ${formatValue(sample.value)}`),
  ]);
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Record<string, string>): string {
  // Label values pass the one redaction (harness/redact.ts), like every other output.
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${redact(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}
