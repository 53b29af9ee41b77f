import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadDriver, LoadSession, Outcome } from './load-session.ts';
import { LoadRecorder } from './load-recorder.ts';
import type { LoadResult } from '../results/load-result.ts';

export interface OpenLoopOptions {
  /** The protocol's client; the run closes it when done. */
  driver: LoadDriver;
  /** Exchanges started per second, whatever the answers do (open model). */
  rate: number;
  /** Sessions at most; exchanges beyond them queue, and the queueing counts as latency. */
  maxSessions: number;
  warmupMs: number;
  durationMs: number;
  signal?: AbortSignal;
  /** Keep each window's histogram in the result (load workers send them back to be merged). */
  keepWindowHistograms?: boolean;
}

/** Sessions an open-model run may use: enough for the rate at a 100 ms latency (at least 10). */
export const sessionsForRate = (rate: number) => Math.max(10, Math.ceil(rate / 10));

/** Scheduler tick: exchanges due within it are started together, ms. */
const tickMs = 1;

/**
 * Open-model load at a constant arrival rate, as wrk2 does: exchange i is due at
 * start + i / rate, and its latency runs from that intended time, not from when
 * it was actually sent. A gateway that stalls cannot hide the exchanges that
 * queued behind the stall (no coordinated omission).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const { driver, rate, signal } = options;
  const recorder = new LoadRecorder(options.warmupMs, options.durationMs);
  const sessions = new SessionPool(driver, options.maxSessions);
  const start = recorder.measureFrom - options.warmupMs;
  const total = Math.floor(((options.warmupMs + options.durationMs) / 1000) * rate);
  const inFlight = new Set<Promise<void>>();
  try {
    for (let next = 0; next < total && !signal?.aborted; ) {
      const now = performance.now();
      for (; next < total && start + (next * 1000) / rate <= now; next++) {
        const intended = start + (next * 1000) / rate;
        const exchange = sessions.run((session) => new Promise<Outcome>((resolve) => session.exchange(resolve))).then((outcome) => {
          const done = performance.now();
          recorder.record((done - intended) * 1000, outcome, done);
        });
        inFlight.add(exchange);
        void exchange.finally(() => inFlight.delete(exchange));
      }
      await sleep(tickMs);
    }
    // The last exchanges get the usual request bound to finish; what is still out then is not waited for.
    await Promise.race([Promise.all(inFlight), sleep(driver.requestMs)]);
  } finally {
    sessions.close();
    driver.close();
  }
  return recorder.result(driver.protocol, options.maxSessions, rate, options.keepWindowHistograms);
}

/** Up to `max` sessions made on demand; callers beyond them wait in order for a free one. */
class SessionPool {
  private readonly all: LoadSession[] = [];
  private readonly idle: LoadSession[] = [];
  private readonly waiting: Array<(session: LoadSession) => void> = [];

  constructor(
    private readonly driver: LoadDriver,
    private readonly max: number,
  ) {}

  async run<T>(use: (session: LoadSession) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await use(session);
    } finally {
      const next = this.waiting.shift();
      if (next) next(session);
      else this.idle.push(session);
    }
  }

  close(): void {
    for (const session of this.all) session.close();
  }

  private acquire(): Promise<LoadSession> | LoadSession {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.length < this.max) {
      const session = this.driver.session();
      this.all.push(session);
      return session;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
