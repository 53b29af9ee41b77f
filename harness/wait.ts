import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.ts';
import { timeouts } from './timeouts.ts';

/**
 * A named wait: polls `probe` until it succeeds, within `timeoutMs`. The error
 * says what was awaited, on which resource, for how long, and the last failure.
 */
export async function waitUntil(
  what: string,
  resource: string,
  timeoutMs: number,
  probe: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
    signal?.throwIfAborted();
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(timeouts.convergencePollMs, undefined, { signal });
  }
  throw new WaitTimeoutError(what, resource, timeoutMs, lastError);
}

/** Succeeds once a TCP connection to host:port is accepted. */
export function tcpConnects(host: string, port: number): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port, timeout: timeouts.requestMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => socket.destroy(new Error(`connect to ${host}:${port} timed out`)));
      socket.once('error', reject);
    });
}
