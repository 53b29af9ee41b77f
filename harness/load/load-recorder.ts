import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LoadDriver, Outcome } from './load-session.ts';
import type { Failures, LoadResult } from '../results/load-result.ts';

/** Latencies from 1 µs to 60 s at 3 significant digits: sub-millisecond gateway overheads stay visible. */
export function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

/** Latencies under this (µs, about 65 ms) are first counted exactly in a plain array, see LoadRecorder.record. */
const countedBelowUs = 1 << 16;

type Window = { histogram: Histogram; errors: number };

/**
 * Records latencies (µs) into a whole-run and per-second HDR histograms,
 * ignoring what completes during the warm-up.
 */
export class LoadRecorder {
  private readonly failures: Failures = { error: 0, timeout: 0, status: 0, mismatch: 0 };
  private readonly windows: Array<Window | undefined> = [];
  /** performance.now() at which measuring starts and ends. */
  readonly measureFrom: number;
  readonly end: number;
  private readonly wallClockStart: number;
  /** The window being recorded and the performance.now() span it covers. */
  private window: Window | undefined;
  private windowFrom = Infinity;
  private windowTo = -Infinity;
  /** Counts per latency of the current window, folded into its histogram when it changes. */
  private readonly counts = new Uint32Array(countedBelowUs);

  constructor(
    warmupMs: number,
    private readonly durationMs: number,
  ) {
    this.measureFrom = performance.now() + warmupMs;
    this.end = this.measureFrom + durationMs;
    this.wallClockStart = Date.now() + warmupMs;
  }

  /**
   * Counts one answer. At load rates the HDR histogram's own recording (bucket
   * arithmetic in JS, about 0.2 µs) showed in the engine's CPU per request, so
   * latencies are counted per µs and given to the histogram in one pass per window:
   * the same histogram as recording each value.
   */
  record(latencyUs: number, outcome: Outcome, completedAt = performance.now()): void {
    if (completedAt < this.measureFrom) return;
    if (completedAt >= this.windowTo || completedAt < this.windowFrom) this.enterWindow(completedAt);
    const window = this.window!;
    const value = Math.max(1, Math.round(latencyUs));
    if (value < countedBelowUs) this.counts[value]!++;
    else window.histogram.recordValue(value);
    if (outcome !== 'ok') {
      window.errors++;
      this.failures[outcome]++;
    }
  }

  private enterWindow(completedAt: number): void {
    this.foldCounts();
    const last = Math.ceil(this.durationMs / 1000) - 1;
    const index = Math.min(Math.floor((completedAt - this.measureFrom) / 1000), last);
    this.window = this.windows[index] ??= { histogram: newHistogram(), errors: 0 };
    this.windowFrom = this.measureFrom + index * 1000;
    this.windowTo = index === last ? Infinity : this.windowFrom + 1000;
  }

  /** Moves the counted latencies into the current window's histogram. */
  private foldCounts(): void {
    const histogram = this.window?.histogram;
    if (!histogram) return;
    const { counts } = this;
    for (let value = 1; value < countedBelowUs; value++) {
      if (counts[value] === 0) continue;
      histogram.recordValueWithCount(value, counts[value]!);
      counts[value] = 0;
    }
  }

  /** The run's result; `keepWindowHistograms` adds every window's encoded histogram (load workers). */
  result(protocol: LoadDriver['protocol'], concurrency: number, targetRate?: number, keepWindowHistograms = false): LoadResult {
    this.foldCounts();
    const whole = newHistogram();
    for (const window of this.windows) if (window) whole.add(window.histogram);
    const errors = this.windows.reduce((sum, window) => sum + (window?.errors ?? 0), 0);
    const requests = whole.totalCount;
    return {
      protocol,
      startedAt: new Date(this.wallClockStart).toISOString(),
      concurrency,
      ...(targetRate === undefined ? {} : { targetRate }),
      durationMs: this.durationMs,
      requests,
      errors,
      failures: { ...this.failures },
      successRate: requests === 0 ? 0 : (requests - errors) / requests,
      rps: requests / (this.durationMs / 1000),
      p50Us: whole.getValueAtPercentile(50),
      p95Us: whole.getValueAtPercentile(95),
      p99Us: whole.getValueAtPercentile(99),
      maxUs: whole.maxValue,
      windows: Array.from(this.windows, (window, second) => ({
        second,
        requests: window?.histogram.totalCount ?? 0,
        errors: window?.errors ?? 0,
        p50Us: window?.histogram.getValueAtPercentile(50) ?? 0,
        p95Us: window?.histogram.getValueAtPercentile(95) ?? 0,
        p99Us: window?.histogram.getValueAtPercentile(99) ?? 0,
      })),
      histogram: encodeIntoCompressedBase64(whole),
      ...(keepWindowHistograms ? { windowHistograms: Array.from(this.windows, (window) => encodeIntoCompressedBase64(window?.histogram ?? newHistogram())) } : {}),
    };
  }
}

/**
 * One result from several runs of the same load (interleaved rounds, workers):
 * histograms are merged exactly through their encoded form, windows follow one
 * another in the order given.
 */
export function mergeLoadResults(results: LoadResult[]): LoadResult {
  const first = results[0];
  if (!first) throw new Error('nothing to merge');
  const whole = newHistogram();
  for (const result of results) whole.add(decodeFromCompressedBase64(result.histogram));
  const windows = results.flatMap((result) => result.windows).map((window, second) => ({ ...window, second }));
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  const errors = results.reduce((sum, result) => sum + result.errors, 0);
  const failures = { ...first.failures };
  for (const result of results.slice(1)) for (const kind of Object.keys(failures) as Array<keyof Failures>) failures[kind] += result.failures[kind];
  const durationMs = results.reduce((sum, result) => sum + result.durationMs, 0);
  return {
    ...first,
    durationMs,
    requests,
    errors,
    failures,
    successRate: requests === 0 ? 0 : (requests - errors) / requests,
    rps: requests / (durationMs / 1000),
    p50Us: whole.getValueAtPercentile(50),
    p95Us: whole.getValueAtPercentile(95),
    p99Us: whole.getValueAtPercentile(99),
    maxUs: whole.maxValue,
    windows,
    histogram: encodeIntoCompressedBase64(whole),
  };
}
