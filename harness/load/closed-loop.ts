import type { LoadDriver, LoadSession, Outcome } from './load-session.ts';
import { LoadRecorder } from './load-recorder.ts';
import type { LoadResult } from '../results/load-result.ts';

export interface ClosedLoopOptions {
  /** The protocol's client; the run closes it when done. */
  driver: LoadDriver;
  /** Sessions, each with one exchange in flight (closed model: the next waits for the answer). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  signal?: AbortSignal;
  /** Keep each window's histogram in the result (load workers send them back to be merged). */
  keepWindowHistograms?: boolean;
}

/**
 * Closed-model load: `concurrency` sessions, each starting its next exchange when
 * the previous one is answered, for warm-up then the measured duration. Latency is
 * taken per answer with performance.now() (sub-µs), not from a millisecond-floored tool.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const { driver, concurrency, signal } = options;
  const recorder = new LoadRecorder(options.warmupMs, options.durationMs);
  const sessions = Array.from({ length: concurrency }, () => driver.session());
  // One callback per session, not a closure per exchange; an answer's clock reading is also the next send time.
  const loop = (session: LoadSession) =>
    new Promise<void>((finished) => {
      let sent = 0;
      const send = (now: number) => {
        if (signal?.aborted || now >= recorder.end) return finished();
        sent = now;
        session.exchange(answered);
      };
      const answered = (outcome: Outcome) => {
        const done = performance.now();
        recorder.record((done - sent) * 1000, outcome, done);
        send(done);
      };
      send(performance.now());
    });
  try {
    await Promise.all(sessions.map(loop));
  } finally {
    for (const session of sessions) session.close();
    driver.close();
  }
  return recorder.result(driver.protocol, concurrency, undefined, options.keepWindowHistograms);
}
