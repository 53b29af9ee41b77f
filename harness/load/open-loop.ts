import { setTimeout as sleep } from 'node:timers/promises';
import { timeouts } from '../timeouts.ts';
import { LoadRecorder, type LoadResult, type LoadTarget, gatewayPool, requestOnce } from './load-recorder.ts';

export interface OpenLoopOptions extends LoadTarget {
  /** Requests started per second, whatever the answers do (open model). */
  rate: number;
  /** Connections at most; requests beyond them queue, and the queueing counts as latency. */
  maxConnections: number;
  warmupMs: number;
  durationMs: number;
  signal?: AbortSignal;
}

/** Scheduler tick: requests due within it are started together, ms. */
const tickMs = 1;

/**
 * Open-model load at a constant arrival rate, as wrk2 does: request i is due at
 * start + i / rate, and its latency runs from that intended time, not from when
 * it was actually sent. A gateway that stalls cannot hide the requests that
 * queued behind the stall (no coordinated omission).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const pool = gatewayPool(options, options.maxConnections);
  const recorder = new LoadRecorder(options.warmupMs, options.durationMs);
  const start = recorder.measureFrom - options.warmupMs;
  const total = Math.floor(((options.warmupMs + options.durationMs) / 1000) * options.rate);
  const inFlight = new Set<Promise<void>>();
  try {
    for (let next = 0; next < total && !options.signal?.aborted; ) {
      const now = performance.now();
      for (; next < total && start + (next * 1000) / options.rate <= now; next++) {
        const intended = start + (next * 1000) / options.rate;
        const request = requestOnce(pool, options).then((ok) => {
          const done = performance.now();
          recorder.record((done - intended) * 1000, ok, done);
        });
        inFlight.add(request);
        void request.finally(() => inFlight.delete(request));
      }
      await sleep(tickMs);
    }
    // The last requests get the usual request bound to finish; what is still out then is not waited for.
    await Promise.race([Promise.all(inFlight), sleep(timeouts.requestMs)]);
  } finally {
    await pool.destroy();
  }
  return recorder.result(options.maxConnections, options.rate);
}
