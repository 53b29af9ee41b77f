import { quantile } from 'simple-statistics';
import { type WatchAnswer, judgeAnswer } from './watch-answers.ts';
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

/**
 * Keeps every answer of the watch (judged against the per-answer ceiling), the
 * exchanges still waiting for one, and each distinct failure. Events, the rolling
 * p95 and the mark are computed from `answers()` by pure functions. Memory grows
 * with the answers (about 100 bytes each: 8 hosts for 10 minutes are about 20,000).
 */
export class WatchRecorder {
  private readonly all: WatchAnswer[] = [];
  private readonly waiting = new Map<string, Omit<WatchSample, 'latencyMs' | 'failure'>>();
  private readonly failures = new Map<string, WatchFailure>();
  private failed = 0;
  readonly byApp: WatchSummary['byApp'] = {};

  /** @param maxLatencyMs per-answer ceiling: a slower correct answer is a `slow` failure */
  constructor(
    apps: Array<{ id: string; host: string }>,
    private readonly maxLatencyMs: number,
  ) {
    for (const app of apps) this.byApp[app.id] = { host: app.host, protocol: '', requests: 0, failures: 0 };
  }

  /** An exchange has started and waits for its answer. */
  started(exchange: Omit<WatchSample, 'latencyMs' | 'failure'>): void {
    this.waiting.set(exchange.app, exchange);
  }

  /** Records an answer; returns the failure when it is the first of its kind (to print), else undefined. */
  record(sample: WatchSample): WatchFailure | undefined {
    this.waiting.delete(sample.app);
    const answer = judgeAnswer(sample, this.maxLatencyMs);
    this.all.push(answer);
    const tally = (this.byApp[answer.app] ??= { host: answer.host, protocol: answer.protocol, requests: 0, failures: 0 });
    tally.protocol = answer.protocol;
    tally.requests++;
    if (answer.failure === null) return undefined;
    tally.failures++;
    this.failed++;
    const at = new Date(answer.at).toISOString();
    const key = `${answer.host} ${answer.failure}`;
    const known = this.failures.get(key);
    if (known) {
      known.count++;
      known.lastAt = at;
      return undefined;
    }
    const failure = { host: answer.host, app: answer.app, protocol: answer.protocol, what: answer.failure, count: 1, firstAt: at, lastAt: at };
    this.failures.set(key, failure);
    return failure;
  }

  /** Every answer so far, in the order they came. */
  answers(): readonly WatchAnswer[] {
    return this.all;
  }

  /** Answers since `from` (ms since the Unix epoch), with each exchange still waiting at `now` as an answer of its wait so far (a stall shows while it lasts). */
  recent(from: number, now: number): WatchAnswer[] {
    const done = this.all.filter((answer) => answer.at + answer.latencyMs >= from);
    const waiting = [...this.waiting.values()].map((exchange) => judgeAnswer({ ...exchange, latencyMs: now - exchange.at, failure: null }, this.maxLatencyMs));
    return done.concat(waiting);
  }

  /** Per host and second, in time order. */
  perSecond(): WatchSecond[] {
    const seconds = new Map<string, { answer: WatchAnswer; latencies: number[]; failures: number }>();
    for (const answer of this.all) {
      const second = Math.floor(answer.at / 1000) * 1000;
      const bucket = seconds.get(`${second} ${answer.host}`) ?? { answer: { ...answer, at: second }, latencies: [], failures: 0 };
      seconds.set(`${second} ${answer.host}`, bucket);
      bucket.latencies.push(answer.latencyMs);
      if (answer.kind !== null) bucket.failures++;
    }
    return [...seconds.values()]
      .map(({ answer, latencies, failures }) => ({
        second: answer.at,
        host: answer.host,
        app: answer.app,
        protocol: answer.protocol,
        requests: latencies.length,
        failures,
        p50Ms: quantile(latencies, 0.5),
        p95Ms: quantile(latencies, 0.95),
        maxMs: Math.max(...latencies),
      }))
      .sort((a, b) => a.second - b.second || a.host.localeCompare(b.host));
  }

  summary(): WatchSummary {
    const requests = this.all.length;
    return { requests, failures: this.failed, successRate: requests === 0 ? 0 : (requests - this.failed) / requests, byApp: this.byApp, distinctFailures: [...this.failures.values()] };
  }
}
