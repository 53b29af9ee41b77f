import { type PrometheusAccess, PrometheusError, type Sample, instantQuery } from './prometheus-client.ts';
import { type SideTraffic, type Traffic, emptyLabelValue } from './judge-traffic.ts';
import { type QuerySide, type QueryValues, renderQuery } from './queries.ts';

/** Where and when to read one gateway's traffic. */
export interface CollectOptions {
  prometheus: PrometheusAccess;
  side: QuerySide;
  /** Values of the queries' placeholders: the window (PromQL range, e.g. `10m`) and the gateway workload. */
  values: QueryValues;
  /** End of the window. */
  at: Date;
  signal?: AbortSignal;
}

/** One gateway's traffic per key over the window: its three named queries, evaluated at the window's end. */
export async function collectTraffic(options: CollectOptions): Promise<Traffic> {
  const { side } = options;
  const query = (text: string) => renderQuery(text, options.values);
  const run = (text: string) => instantQuery(options.prometheus, query(text), options.at, options.signal);
  const [requests, errors, buckets] = await Promise.all([run(side.requests), run(side.errors), run(side.latencyBuckets)]);
  // No 5xx at all is normal; no request or bucket series at all means the query does not fit this Prometheus.
  if (requests.length === 0) throw noSeries(side, options.values, 'requests', query(side.requests));
  if (buckets.length === 0) throw noSeries(side, options.values, 'latencyBuckets', query(side.latencyBuckets));
  const traffic: Traffic = new Map();
  const entry = (sample: Sample): SideTraffic => {
    const key = keyOf(sample, side);
    let found = traffic.get(key);
    if (!found) traffic.set(key, (found = { requests: 0, errors: 0, buckets: [] }));
    return found;
  };
  for (const sample of requests) entry(sample).requests += finite(sample.value);
  for (const sample of errors) entry(sample).errors += finite(sample.value);
  for (const sample of buckets) {
    // Prometheus writes the last bound as "+Inf", which Number() does not read.
    const le = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    if (sample.labels.le === undefined || Number.isNaN(le)) throw new PrometheusError(`${side.name} latencyBuckets: a series without a numeric "le" label (${JSON.stringify(sample.labels)})`);
    entry(sample).buckets.push({ le: le * side.latencyUnitMs, count: finite(sample.value) });
  }
  for (const value of traffic.values()) value.buckets.sort((a, b) => a.le - b.le);
  return traffic;
}

/**
 * The key of a series: its key labels' values joined by "/". An empty or missing value
 * (ingress-nginx labels requests its default backend answered with service="") is a group
 * of its own, named `(none)`, not an error.
 */
function keyOf(sample: Sample, side: QuerySide): string {
  return side.keyLabels.map((label) => (sample.labels[label] ? sample.labels[label] : emptyLabelValue)).join('/');
}

function noSeries(side: QuerySide, values: QueryValues, name: string, query: string): PrometheusError {
  const fix = side.noSeriesHint ? renderQuery(side.noSeriesHint, values) : 'check the metric name and label matchers against this Prometheus (copy harness/judge/queries.yaml and pass --queries)';
  return new PrometheusError(`${side.name} ${name}: the query matched no series: ${query}. Likely fix: ${fix}`);
}

/** increase() of a series with a single sample in the window is NaN: no measurable traffic. */
const finite = (value: number) => (Number.isFinite(value) ? value : 0);
