import { createEchoClient, unary } from '../clients/grpc-echo-client.ts';
import type { GatewayAddress } from '../clients/http-client.ts';
import { openWebSocket } from '../suite/probes.ts';
import { timeouts } from '../timeouts.ts';
import { Http1LoadConnection } from './http1-load-connection.ts';

/** Where load goes: the gateway, the scheme, and the tenant host (Host header or :authority, and SNI). */
export interface LoadTarget {
  gateway: GatewayAddress;
  scheme: 'http' | 'https';
  host: string;
  path?: string;
  /** `<namespace>/<app>` that must answer; an answer from any other backend counts as a mismatch. */
  expectBackend?: string;
}

/**
 * How one exchange ended: answered as expected, a connection error, no answer in
 * time, a non-success status, or a success from the wrong backend / with the wrong echo.
 */
export type Outcome = 'ok' | 'error' | 'timeout' | 'status' | 'mismatch';

/** A client with at most one exchange in flight: an HTTP connection, a WebSocket, a gRPC call slot. */
export interface LoadSession {
  exchange(): Promise<Outcome>;
  close(): void;
}

/** Makes the sessions of one run, in the protocol being measured; `close()` ends what they share. */
export interface LoadDriver {
  readonly protocol: 'http' | 'websocket' | 'grpc';
  session(): LoadSession;
  close(): void;
}

/** HTTP/1.1 GETs, one keep-alive connection per session. */
export function httpDriver(target: LoadTarget): LoadDriver {
  return { protocol: 'http', session: () => new Http1LoadConnection(target, timeouts.requestMs), close: () => undefined };
}

/** Bytes of each WebSocket and gRPC message: a small chat or RPC message. */
const messageBytes = 64;

/** WebSocket message round trips: each session holds one WebSocket and waits for the echo of every message. */
export function websocketDriver(target: LoadTarget): LoadDriver {
  return {
    protocol: 'websocket',
    session: () => {
      const socket = openWebSocket(target.gateway, { scheme: target.scheme === 'https' ? 'wss' : 'ws', host: target.host, path: target.path });
      socket.on('error', () => undefined);
      // The upgrade answer names the backend; every message on a socket to the wrong one is a mismatch.
      let rightBackend = target.expectBackend === undefined;
      socket.once('upgrade', (response) => {
        rightBackend ||= String(response.headers['x-echo-backend'] ?? '').startsWith(`${target.expectBackend}/`);
      });
      const opened = new Promise<boolean>((resolve) => {
        socket.once('open', () => resolve(true));
        socket.once('close', () => resolve(false));
      });
      const message = Buffer.alloc(messageBytes, 'm');
      return {
        exchange: async () => {
          if (!(await opened) || socket.readyState !== socket.OPEN) return 'error';
          if (!rightBackend) return 'mismatch';
          return withTimeout<Outcome>((resolve) => {
            const onMessage = (data: Buffer) => resolve(Buffer.isBuffer(data) && data.equals(message) ? 'ok' : 'mismatch');
            const onClose = () => resolve('error');
            socket.once('message', onMessage);
            socket.once('close', onClose);
            socket.send(message);
            return () => {
              socket.off('message', onMessage);
              socket.off('close', onClose);
            };
          });
        },
        close: () => socket.terminate(),
      };
    },
    close: () => undefined,
  };
}

const grpcDeadlineExceeded = 4;
const grpcUnavailable = 14;

/**
 * gRPC unary calls over one shared HTTP/2 channel, as gRPC clients (and ghz by
 * default) multiplex: each session is one call in flight on it.
 */
export function grpcUnaryDriver(target: LoadTarget): LoadDriver {
  const { gateway, scheme, host } = target;
  const client =
    scheme === 'https'
      ? createEchoClient({ address: `${gateway.address}:${gateway.httpsPort}`, tls: { ca: gateway.ca ?? '', servername: host } })
      : createEchoClient({ address: `${gateway.address}:${gateway.httpPort}`, authority: host });
  const message = 'm'.repeat(messageBytes);
  const exchange = async (): Promise<Outcome> => {
    try {
      const { reply } = await unary(client, { message });
      const backend = `${reply.backend?.namespace}/${reply.backend?.app}`;
      return reply.message === message && (target.expectBackend === undefined || backend === target.expectBackend) ? 'ok' : 'mismatch';
    } catch (error) {
      const code = (error as { code?: number }).code;
      return code === grpcDeadlineExceeded ? 'timeout' : code === grpcUnavailable ? 'error' : 'status';
    }
  };
  return { protocol: 'grpc', session: () => ({ exchange, close: () => undefined }), close: () => client.close() };
}

/** Resolves with what `start` settles on, or 'timeout' after the request bound; `start` returns its cleanup. */
function withTimeout<T>(start: (resolve: (value: T) => void) => () => void): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    const finish = (value: T | 'timeout') => {
      clearTimeout(timer);
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => finish('timeout'), timeouts.requestMs);
    const cleanup = start(finish);
  });
}
