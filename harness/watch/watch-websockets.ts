import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { type GatewayAddress, errorCode } from '../clients/http-client.ts';
import type { ResolvedApp } from '../scenario/resolve.ts';
import { appProtocol } from '../suite/app-probe.ts';
import { openWebSocket } from '../suite/probes.ts';
import type { HeldConnection } from './watch-mark.ts';

/** How long and how often to hold; `onDrop` hears of each connection that ended before the watch did. */
export interface HoldOptions {
  durationMs: number;
  intervalMs: number;
  signal: AbortSignal;
  onDrop?: (connection: HeldConnection) => void;
}

/**
 * Holds one WebSocket open to every WebSocket app for the whole watch, as a
 * tenant's terminal or chat does, echoing a message every `intervalMs`. A
 * connection that closes, errs or stops echoing (no echo within the request
 * timeout) ends, and a new one is opened at once, then every `intervalMs`:
 * `connections` tells how long each lasted and how long reconnecting took.
 * Bounded: at most durationMs / intervalMs + 1 attempts per app.
 */
export async function holdWebSockets(apps: ResolvedApp[], gateway: GatewayAddress, options: HoldOptions, connections: HeldConnection[]): Promise<void> {
  const attempts = Math.ceil(options.durationMs / options.intervalMs) + 1;
  await Promise.all(
    apps
      .filter((app) => appProtocol(app) === 'ws' || appProtocol(app) === 'wss')
      .map(async (app) => {
        for (let attempt = 0; attempt < attempts && !options.signal.aborted; attempt++) {
          const opened = await holdOnce(openWebSocket(gateway, { scheme: appProtocol(app) as 'ws' | 'wss', host: app.host }), app.host, { ...options, echoMs: gateway.requestMs }, connections);
          if (!opened) await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
        }
      }),
  );
}

/** One connection, until it ends or the watch does; resolves whether it opened. */
function holdOnce(socket: WebSocket, host: string, options: HoldOptions & { echoMs: number }, connections: HeldConnection[]): Promise<boolean> {
  return new Promise((resolve) => {
    let connection: HeldConnection | undefined;
    let waitingSince: number | null = null;
    let ticker: NodeJS.Timeout | undefined;
    const finish = (why: string | null) => {
      clearInterval(ticker);
      options.signal.removeEventListener('abort', stop);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      // The watch ending is not a drop: the connection stays open in the record.
      if (connection && why !== null) {
        Object.assign(connection, { closedAt: Date.now(), why });
        options.onDrop?.(connection);
      }
      resolve(connection !== undefined);
    };
    const stop = () => finish(null);
    options.signal.addEventListener('abort', stop, { once: true });
    socket.once('open', () => {
      connection = { host, openedAt: Date.now(), closedAt: null, why: null };
      connections.push(connection);
      ticker = setInterval(() => {
        if (waitingSince === null) {
          waitingSince = Date.now();
          socket.send('watch');
        } else if (Date.now() - waitingSince > options.echoMs) finish(`no echo within ${options.echoMs} ms`);
      }, options.intervalMs);
    });
    socket.on('message', () => (waitingSince = null));
    socket.once('unexpected-response', (_request, response) => finish(`status ${response.statusCode}`));
    socket.once('error', (error) => finish(errorCode(error)));
    socket.once('close', (code: number) => finish(`closed ${code}`));
  });
}
