import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.ts';
import { type TimeoutName, type Timeouts, raiseTimeoutHint } from './timeouts.ts';

/** Which of the run's timeouts bounds a wait. */
export interface NamedTimeout {
  timeouts: Timeouts;
  name: TimeoutName;
}

/**
 * A named wait: polls `probe` until it succeeds, within the named timeout. The
 * error says what was awaited, on which resource, for how long, the last failure
 * and the flag or variable that raises the limit.
 */
export async function waitUntil(
  what: string,
  resource: string,
  timeout: NamedTimeout,
  probe: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const { timeouts } = timeout;
  const timeoutMs = timeouts[timeout.name];
  let lastError: unknown;
  const step = async (): Promise<PollStep<void>> => {
    try {
      await probe();
      return { done: true, value: undefined };
    } catch (error) {
      lastError = error;
      return { done: false };
    }
  };
  if (await poll(step, { timeoutMs, pollMs: timeouts.convergencePollMs, signal })) return;
  throw new WaitTimeoutError(what, resource, timeoutMs, lastError, raiseTimeoutHint(timeout.name));
}

/** One attempt's answer: the awaited value, or not yet (and whether to go on past the deadline, or try again without a pause). */
export type PollStep<T> = { done: true; value: T } | { done: false; /** A run of successes is under way: it may finish past the deadline. */ extend?: boolean; /** Try again at once. */ now?: boolean };

/** How long a poll may take, how often it tries, and how it is stopped. */
export interface PollOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between two attempts, ms. */
  pollMs: number;
  signal?: AbortSignal;
  /** At most this many attempts (default 10,000): every loop is bounded in count as in time. */
  maxAttempts?: number;
}

/**
 * The one poll loop of the harness (environment, cluster and convergence waits):
 * calls `step` until it is done, bounded by `timeoutMs` and `maxAttempts`, pausing
 * `pollMs` (never past the deadline) between attempts. Resolves with the value, or
 * undefined when the time or the attempts ran out; each caller words its own
 * timeout error. An aborted signal rejects with its reason.
 */
export async function poll<T>(step: (attempt: number) => Promise<PollStep<T>>, options: PollOptions): Promise<{ value: T } | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  const maxAttempts = options.maxAttempts ?? 10_000;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    const result = await step(attempt);
    if (result.done) return { value: result.value };
    const left = deadline - Date.now();
    if (left <= 0 && !result.extend) break;
    if (!result.now) await sleep(Math.max(0, Math.min(options.pollMs, left)), undefined, { signal: options.signal });
  }
  return undefined;
}

/** Succeeds once a TCP connection to host:port is accepted; one attempt is bounded by `timeoutMs`. */
export function tcpConnects(host: string, port: number, timeoutMs: number): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => socket.destroy(new Error(`connect to ${host}:${port} timed out`)));
      socket.once('error', reject);
    });
}
