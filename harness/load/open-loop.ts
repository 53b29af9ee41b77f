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
  const sessions = new SessionPool(driver, options.maxSessions, (intended, outcome) => {
    const done = performance.now();
    recorder.record((done - intended) * 1000, outcome, done);
  });
  const start = recorder.measureFrom - options.warmupMs;
  const total = Math.floor(((options.warmupMs + options.durationMs) / 1000) * rate);
  try {
    for (let next = 0; next < total && !signal?.aborted; ) {
      const now = performance.now();
      for (; next < total && start + (next * 1000) / rate <= now; next++) sessions.start(start + (next * 1000) / rate);
      await sleep(tickMs);
    }
    // The last exchanges get the usual request bound to finish; what is still out then is not waited for.
    await Promise.race([sessions.drained(), sleep(driver.requestMs)]);
  } finally {
    sessions.close();
    driver.close();
  }
  return recorder.result(driver.protocol, options.maxSessions, rate, options.keepWindowHistograms);
}

/** A session and the one callback that takes all its answers. */
interface Slot {
  session: LoadSession;
  /** performance.now() at which the exchange in flight was due. */
  intended: number;
  answered: (outcome: Outcome) => void;
}

/**
 * Up to `max` sessions made on demand; exchanges beyond them wait in order for a
 * free one. No promise or closure per exchange: at high rates they showed in the CPU.
 */
class SessionPool {
  private readonly all: Slot[] = [];
  private readonly idle: Slot[] = [];
  /** Due times of exchanges waiting for a session, oldest first. */
  private readonly waiting: number[] = [];
  /** Exchanges started or waiting and not answered yet. */
  private open = 0;
  private onDrained: (() => void) | undefined;

  constructor(
    private readonly driver: LoadDriver,
    private readonly max: number,
    private readonly record: (intended: number, outcome: Outcome) => void,
  ) {}

  /** Starts the exchange due at `intended` (performance.now() ms) on a free session, or queues it. */
  start(intended: number): void {
    this.open++;
    const slot = this.idle.pop() ?? this.newSlot();
    if (slot) this.send(slot, intended);
    else this.waiting.push(intended);
  }

  /** Resolves once every exchange started has been answered. */
  drained(): Promise<void> {
    return this.open === 0 ? Promise.resolve() : new Promise((resolve) => (this.onDrained = resolve));
  }

  close(): void {
    for (const { session } of this.all) session.close();
  }

  private newSlot(): Slot | undefined {
    if (this.all.length >= this.max) return undefined;
    const slot: Slot = { session: this.driver.session(), intended: 0, answered: (outcome) => this.answered(slot, outcome) };
    this.all.push(slot);
    return slot;
  }

  private send(slot: Slot, intended: number): void {
    slot.intended = intended;
    slot.session.exchange(slot.answered);
  }

  private answered(slot: Slot, outcome: Outcome): void {
    this.record(slot.intended, outcome);
    this.open--;
    const next = this.waiting.shift();
    if (next === undefined) this.idle.push(slot);
    else this.send(slot, next);
    if (this.open === 0) this.onDrained?.();
  }
}
