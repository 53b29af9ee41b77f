import type { GatewayAddress } from '../clients/http-client.ts';
import type WebSocket from 'ws';
import { openWebSocket } from '../suite/probes.ts';
import { timeouts } from '../timeouts.ts';
import { GrpcCallSlot, GrpcLoadChannel } from './grpc-load-driver.ts';
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

/**
 * A client with at most one exchange in flight: an HTTP connection, a WebSocket, a
 * gRPC call slot. A callback, not a promise: at wrk's rate the promise per request shows.
 */
export interface LoadSession {
  /** Starts one exchange; `done` is called once with its outcome, never synchronously. */
  exchange(done: (outcome: Outcome) => void): void;
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
  return { protocol: 'websocket', session: () => new WebSocketSession(target), close: () => undefined };
}

class WebSocketSession implements LoadSession {
  private readonly socket: WebSocket;
  private readonly opened: Promise<boolean>;
  /** The upgrade answer names the backend; every message on a socket to the wrong one is a mismatch. */
  private rightBackend: boolean;
  private readonly message = Buffer.alloc(messageBytes, 'm');

  constructor(target: LoadTarget) {
    this.socket = openWebSocket(target.gateway, { scheme: target.scheme === 'https' ? 'wss' : 'ws', host: target.host, path: target.path });
    this.socket.on('error', () => undefined);
    this.rightBackend = target.expectBackend === undefined;
    this.socket.once('upgrade', (response) => {
      this.rightBackend ||= String(response.headers['x-echo-backend'] ?? '').startsWith(`${target.expectBackend}/`);
    });
    this.opened = new Promise<boolean>((resolve) => {
      this.socket.once('open', () => resolve(true));
      this.socket.once('close', () => resolve(false));
    });
  }

  exchange(done: (outcome: Outcome) => void): void {
    // A closed socket fails at once; the pause keeps a session without a socket from spinning.
    void this.roundTrip().then((outcome) => (outcome === 'error' ? setImmediate(done, outcome) : done(outcome)));
  }

  close(): void {
    this.socket.terminate();
  }

  private async roundTrip(): Promise<Outcome> {
    const { socket, message } = this;
    if (!(await this.opened) || socket.readyState !== socket.OPEN) return 'error';
    if (!this.rightBackend) return 'mismatch';
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
  }
}

/**
 * gRPC unary calls over one shared HTTP/2 connection, as gRPC clients (and ghz by
 * default) multiplex: each session is one call in flight on it.
 */
export function grpcUnaryDriver(target: LoadTarget): LoadDriver {
  const channel = new GrpcLoadChannel(target, 'm'.repeat(messageBytes));
  return { protocol: 'grpc', session: () => new GrpcCallSlot(channel), close: () => channel.close() };
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
