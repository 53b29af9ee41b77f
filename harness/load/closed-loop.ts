import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { Pool } from 'undici';
import type { GatewayAddress } from '../clients/http-client.ts';
import { timeouts } from '../timeouts.ts';

export interface ClosedLoopOptions {
  gateway: GatewayAddress;
  scheme: 'http' | 'https';
  /** Tenant host (Host header and SNI). */
  host: string;
  path?: string;
  /** Connections, each with one request in flight (closed model: the next request waits for the answer). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  signal?: AbortSignal;
}

/** One per-second window: what a time series of the run looks like. */
export interface LoadWindow {
  /** Seconds since the measured part started. */
  second: number;
  requests: number;
  errors: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
}

export interface LoadResult {
  /** When the measured part began (ISO 8601), after the warm-up. */
  startedAt: string;
  concurrency: number;
  durationMs: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  successRate: number;
  rps: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
  windows: LoadWindow[];
  /** The whole-run latency histogram (µs), HdrHistogram compressed base64: mergeable across runs. */
  histogram: string;
}

/** Latencies from 1 µs to 60 s at 3 significant digits: sub-millisecond gateway overheads stay visible. */
function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

/**
 * Closed-model load: `concurrency` loops, each sending its next request when the
 * previous one is answered, for warm-up then the measured duration. Latency is
 * taken per response with process.hrtime (µs), not from a millisecond-floored tool.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const port = options.scheme === 'https' ? options.gateway.httpsPort : options.gateway.httpPort;
  const pool = new Pool(`${options.scheme}://${options.gateway.address}:${port}`, {
    connections: options.concurrency,
    pipelining: 1,
    connect: { servername: options.host, ca: options.gateway.ca, timeout: timeouts.requestMs },
    headersTimeout: timeouts.requestMs,
    bodyTimeout: timeouts.requestMs,
  });
  const whole = newHistogram();
  const windows: Array<{ histogram: Histogram; errors: number }> = [];
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measuredFromWallClock = Date.now() + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const loop = async () => {
    while (performance.now() < end && !options.signal?.aborted) {
      const sent = process.hrtime.bigint();
      const ok = await requestOnce(pool, options);
      const now = performance.now();
      if (now < measureFrom) continue;
      const index = Math.min(Math.floor((now - measureFrom) / 1000), Math.ceil(options.durationMs / 1000) - 1);
      const window = (windows[index] ??= { histogram: newHistogram(), errors: 0 });
      const micros = Number((process.hrtime.bigint() - sent) / 1000n);
      whole.recordValue(micros);
      window.histogram.recordValue(micros);
      if (!ok) window.errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, loop));
  } finally {
    await pool.destroy();
  }
  return summarize(options, whole, windows, measuredFromWallClock);
}

async function requestOnce(pool: Pool, options: ClosedLoopOptions): Promise<boolean> {
  try {
    const response = await pool.request({ path: options.path ?? '/', method: 'GET', headers: { host: options.host } });
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 300;
  } catch {
    return false;
  }
}

function summarize(
  options: ClosedLoopOptions,
  whole: Histogram,
  windows: Array<{ histogram: Histogram; errors: number } | undefined>,
  measuredFromWallClock: number,
): LoadResult {
  const errors = windows.reduce((sum, window) => sum + (window?.errors ?? 0), 0);
  const requests = whole.totalCount;
  return {
    startedAt: new Date(measuredFromWallClock).toISOString(),
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    requests,
    errors,
    successRate: requests === 0 ? 0 : (requests - errors) / requests,
    rps: requests / (options.durationMs / 1000),
    p50Us: whole.getValueAtPercentile(50),
    p95Us: whole.getValueAtPercentile(95),
    p99Us: whole.getValueAtPercentile(99),
    maxUs: whole.maxValue,
    windows: Array.from(windows, (window, second) => ({
      second,
      requests: window?.histogram.totalCount ?? 0,
      errors: window?.errors ?? 0,
      p50Us: window?.histogram.getValueAtPercentile(50) ?? 0,
      p95Us: window?.histogram.getValueAtPercentile(95) ?? 0,
      p99Us: window?.histogram.getValueAtPercentile(99) ?? 0,
    })),
    histogram: encodeIntoCompressedBase64(whole),
  };
}
