import type { TrafficJudgement } from '../judge/judge-traffic.ts';
import type { WatchSummary } from '../watch/watch-recorder.ts';
import type { MetricFamily } from './metrics.ts';

const verdicts = ['pass', 'fail', 'inconclusive'] as const;

/** A verdict as a one-hot gauge family (1 for the verdict given, 0 for the others). */
function verdictFamily(name: string, help: string, verdict: string): MetricFamily {
  return { name, help, samples: verdicts.map((value) => ({ labels: { verdict: value }, value: value === verdict ? 1 : 0 })) };
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
