import { quantile } from 'simple-statistics';
import type { WatchSample } from './watch-traffic.ts';

/** One host's exchanges in one second of the watch. */
export interface WatchSecond {
  /** Start of the second, ms since the Unix epoch. */
  second: number;
  host: string;
  app: string;
  protocol: string;
  requests: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** A distinct failure (same host, same description) with how often and when it was seen. */
export interface WatchFailure {
  host: string;
  app: string;
  protocol: string;
  what: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

export interface WatchSummary {
  requests: number;
  failures: number;
  successRate: number;
  byApp: Record<string, { host: string; protocol: string; requests: number; failures: number }>;
  distinctFailures: WatchFailure[];
}

/** Collects watch samples per host and second (the report) and per distinct failure (the log). */
export class WatchRecorder {
  private readonly seconds = new Map<string, { sample: WatchSample; latencies: number[]; failures: number }>();
  private readonly failures = new Map<string, WatchFailure>();
  readonly byApp: WatchSummary['byApp'] = {};

  constructor(apps: Array<{ id: string; host: string }>) {
    for (const app of apps) this.byApp[app.id] = { host: app.host, protocol: '', requests: 0, failures: 0 };
  }

  /** Records a sample; returns the failure when it is the first of its kind (to print), else undefined. */
  record(sample: WatchSample): WatchFailure | undefined {
    const tally = (this.byApp[sample.app] ??= { host: sample.host, protocol: sample.protocol, requests: 0, failures: 0 });
    tally.protocol = sample.protocol;
    tally.requests++;
    const second = Math.floor(sample.at / 1000) * 1000;
    const bucket = this.seconds.get(`${second} ${sample.host}`) ?? { sample: { ...sample, at: second }, latencies: [], failures: 0 };
    this.seconds.set(`${second} ${sample.host}`, bucket);
    bucket.latencies.push(sample.latencyMs);
    if (sample.failure === null) return undefined;
    tally.failures++;
    bucket.failures++;
    const at = new Date(sample.at).toISOString();
    const known = this.failures.get(`${sample.host} ${sample.failure}`);
    if (known) {
      known.count++;
      known.lastAt = at;
      return undefined;
    }
    const failure = { host: sample.host, app: sample.app, protocol: sample.protocol, what: sample.failure, count: 1, firstAt: at, lastAt: at };
    this.failures.set(`${sample.host} ${sample.failure}`, failure);
    return failure;
  }

  /** Per host and second, in time order. */
  perSecond(): WatchSecond[] {
    return [...this.seconds.values()]
      .map(({ sample, latencies, failures }) => ({
        second: sample.at,
        host: sample.host,
        app: sample.app,
        protocol: sample.protocol,
        requests: latencies.length,
        failures,
        p50Ms: quantile(latencies, 0.5),
        p95Ms: quantile(latencies, 0.95),
        maxMs: Math.max(...latencies),
      }))
      .sort((a, b) => a.second - b.second || a.host.localeCompare(b.host));
  }

  summary(): WatchSummary {
    const requests = Object.values(this.byApp).reduce((sum, tally) => sum + tally.requests, 0);
    const failures = Object.values(this.byApp).reduce((sum, tally) => sum + tally.failures, 0);
    return { requests, failures, successRate: requests === 0 ? 0 : (requests - failures) / requests, byApp: this.byApp, distinctFailures: [...this.failures.values()] };
  }
}
