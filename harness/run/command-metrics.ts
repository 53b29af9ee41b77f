import type { TrafficJudgement } from '../judge/judge-traffic.ts';
import type { FieldDifference } from '../parity/compare-answers.ts';
import { type ParityDocument, parityVerdicts } from '../parity/parity-document.ts';
import type { WatchSummary } from '../watch/watch-recorder.ts';
import type { MetricFamily } from '../reporters/metrics.ts';

const verdicts = ['pass', 'fail', 'inconclusive'] as const;

/** A verdict as a one-hot gauge family (1 for the verdict given, 0 for the others). */
function verdictFamily(name: string, help: string, verdict: string, values: readonly string[] = verdicts): MetricFamily {
  return { name, help, samples: values.map((value) => ({ labels: { verdict: value }, value: value === verdict ? 1 : 0 })) };
}

/** `meshgate watch` as metrics: its verdict, exchanges and failures per app, and the overall success ratio. Pure. */
export function watchMetrics(summary: WatchSummary, verdict: string): MetricFamily[] {
  const apps = Object.entries(summary.byApp);
  return [
    verdictFamily('meshgate_watch_verdict', 'The watch verdict: 1 for the verdict given, 0 for the others', verdict),
    { name: 'meshgate_watch_success_ratio', help: 'Share of the watch exchanges that succeeded', unit: 'ratio', samples: [{ labels: {}, value: summary.requests > 0 ? summary.successRate : 0 }] },
    { name: 'meshgate_watch_exchanges', help: 'Exchanges the watch sent per app', samples: apps.map(([app, figures]) => ({ labels: { app, host: figures.host }, value: figures.requests })) },
    { name: 'meshgate_watch_failures', help: 'Exchanges of the watch that failed per app', samples: apps.map(([app, figures]) => ({ labels: { app, host: figures.host }, value: figures.failures })) },
  ];
}

/** `meshgate judge` as metrics: its verdict and, per key and side, requests, 5xx ratio and p95/p99 latency. Pure. */
export function judgeMetrics(judgement: TrafficJudgement): MetricFamily[] {
  const sides = judgement.keys.flatMap((key) => (['candidate', 'reference'] as const).map((side) => ({ labels: { key: key.key, side }, figures: key[side] })));
  const latency = (percentile: '95' | '99') => sides.map(({ labels, figures }) => ({ labels: { ...labels, percentile }, value: figures[`p${percentile}Ms`] / 1000 }));
  return [
    verdictFamily('meshgate_judge_verdict', 'The real-traffic verdict: 1 for the verdict given, 0 for the others', judgement.verdict),
    { name: 'meshgate_judge_requests', help: 'Requests per key and side over the judged window', samples: sides.map(({ labels, figures }) => ({ labels, value: figures.requests })) },
    { name: 'meshgate_judge_error_ratio', help: 'Share of requests answered 5xx per key and side', unit: 'ratio', samples: sides.map(({ labels, figures }) => ({ labels, value: figures.errorRatio })) },
    { name: 'meshgate_judge_latency_seconds', help: 'Latency percentile per key and side (from the histogram buckets)', unit: 'seconds', samples: [...latency('95'), ...latency('99')] },
  ];
}

/** The probe a field belongs to (`tls`, `http`, `GET`, `HEAD`, `preflight`, `websocket`): a label of bounded cardinality. */
function probeOf(difference: FieldDifference): string {
  return difference.field.split(' ')[0]!;
}

/**
 * `meshgate parity` as metrics: its verdict, hosts by verdict, and the differing fields by
 * probe and class (hosts are not labels: thousands of them would be as many series). Pure.
 */
export function parityMetrics(document: ParityDocument): MetricFamily[] {
  const differences = new Map<string, { probe: string; class: string; value: number }>();
  for (const difference of document.hosts.flatMap((host) => host.differences)) {
    const key = `${probeOf(difference)} ${difference.class}`;
    const seen = differences.get(key) ?? { probe: probeOf(difference), class: difference.class, value: 0 };
    differences.set(key, { ...seen, value: seen.value + 1 });
  }
  const { same, knownDifference, differs, unreachable } = document.counts;
  const hosts = { same, 'known-difference': knownDifference, differs, unreachable };
  return [
    verdictFamily('meshgate_parity_verdict', 'The parity verdict: 1 for the verdict given, 0 for the others', document.verdict, parityVerdicts),
    { name: 'meshgate_parity_hosts', help: 'Hosts compared, by their verdict', samples: Object.entries(hosts).map(([verdict, value]) => ({ labels: { verdict }, value })) },
    { name: 'meshgate_parity_differences', help: 'Fields answered differently, by probe and class', samples: [...differences.values()].map(({ value, ...labels }) => ({ labels, value })) },
    {
      name: 'meshgate_parity_duration_seconds',
      help: 'Wall time of the comparison',
      unit: 'seconds',
      samples: [{ labels: {}, value: (Date.parse(document.finishedAt) - Date.parse(document.startedAt)) / 1000 }],
    },
  ];
}
