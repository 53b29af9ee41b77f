import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.ts';
import { type TimeoutName, timeoutVariable, timeouts } from './timeouts.ts';

/**
 * A named wait: polls `probe` until it succeeds, within the named timeout. The
 * error says what was awaited, on which resource, for how long, the last failure
 * and the variable that raises the limit.
 */
export async function waitUntil(
  what: string,
  resource: string,
  timeout: TimeoutName,
  probe: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const timeoutMs = timeouts[timeout];
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
  throw new WaitTimeoutError(what, resource, timeoutMs, lastError, timeoutVariable(timeout));
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
