import { PrometheusError, type Sample, instantQuery } from './prometheus-client.ts';
import type { SideTraffic, Traffic } from './judge-traffic.ts';
import { type QuerySide, withWindow } from './queries.ts';

/** Where and when to read one gateway's traffic. */
export interface CollectOptions {
  prometheus: URL;
  side: QuerySide;
  /** PromQL range, e.g. `10m`. */
  window: string;
  /** End of the window. */
  at: Date;
  signal?: AbortSignal;
}

/** One gateway's traffic per key over the window: its three named queries, evaluated at the window's end. */
export async function collectTraffic(options: CollectOptions): Promise<Traffic> {
  const { side } = options;
  const run = (query: string) => instantQuery(options.prometheus, withWindow(query, options.window), options.at, options.signal);
  const [requests, errors, buckets] = await Promise.all([run(side.requests), run(side.errors), run(side.latencyBuckets)]);
  const traffic: Traffic = new Map();
  const entry = (sample: Sample, query: string): SideTraffic => {
    const key = keyOf(sample, side, query);
    let found = traffic.get(key);
    if (!found) traffic.set(key, (found = { requests: 0, errors: 0, buckets: [] }));
    return found;
  };
  for (const sample of requests) entry(sample, side.requests).requests += finite(sample.value);
  for (const sample of errors) entry(sample, side.errors).errors += finite(sample.value);
  for (const sample of buckets) {
    // Prometheus writes the last bound as "+Inf", which Number() does not read.
    const le = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    if (sample.labels.le === undefined || Number.isNaN(le)) throw new PrometheusError(`${side.name} latencyBuckets: a series without a numeric "le" label (${JSON.stringify(sample.labels)})`);
    entry(sample, side.latencyBuckets).buckets.push({ le: le * side.latencyUnitMs, count: finite(sample.value) });
  }
  for (const value of traffic.values()) value.buckets.sort((a, b) => a.le - b.le);
  return traffic;
}

function keyOf(sample: Sample, side: QuerySide, query: string): string {
  const missing = side.keyLabels.filter((label) => sample.labels[label] === undefined);
  if (missing.length > 0) throw new PrometheusError(`${side.name}: series ${JSON.stringify(sample.labels)} of ${JSON.stringify(query)} lacks key label(s) ${missing.join(', ')}`);
  return side.keyLabels.map((label) => sample.labels[label]).join('/');
}

/** increase() of a series with a single sample in the window is NaN: no measurable traffic. */
const finite = (value: number) => (Number.isFinite(value) ? value : 0);
