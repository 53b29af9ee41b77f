import { LoadRecorder, type LoadResult, type LoadTarget, gatewayPool, requestOnce } from './load-recorder.ts';

export type { LoadResult, LoadWindow } from './load-recorder.ts';

export interface ClosedLoopOptions extends LoadTarget {
  /** Connections, each with one request in flight (closed model: the next request waits for the answer). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  signal?: AbortSignal;
}

/**
 * Closed-model load: `concurrency` loops, each sending its next request when the
 * previous one is answered, for warm-up then the measured duration. Latency is
 * taken per response with process.hrtime (µs), not from a millisecond-floored tool.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const pool = gatewayPool(options, options.concurrency);
  const recorder = new LoadRecorder(options.warmupMs, options.durationMs);
  const loop = async () => {
    while (performance.now() < recorder.end && !options.signal?.aborted) {
      const sent = process.hrtime.bigint();
      const ok = await requestOnce(pool, options);
      recorder.record(Number(process.hrtime.bigint() - sent) / 1000, ok);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, loop));
  } finally {
    await pool.destroy();
  }
  return recorder.result(options.concurrency);
}
