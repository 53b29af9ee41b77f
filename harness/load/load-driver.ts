import type { GatewayAddress } from '../clients/http-client.ts';
import { timeouts } from '../timeouts.ts';
import { GrpcCallSlot, GrpcLoadChannel } from './grpc-load-driver.ts';
import { Http1LoadConnection } from './http1-load-connection.ts';
import { WebSocketLoadSession } from './websocket-load-session.ts';

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
  return { protocol: 'websocket', session: () => new WebSocketLoadSession(target, Buffer.alloc(messageBytes, 'm'), timeouts.requestMs), close: () => undefined };
}

/**
 * gRPC unary calls over one shared HTTP/2 connection, as gRPC clients (and ghz by
 * default) multiplex: each session is one call in flight on it.
 */
export function grpcUnaryDriver(target: LoadTarget): LoadDriver {
  const channel = new GrpcLoadChannel(target, 'm'.repeat(messageBytes));
  return { protocol: 'grpc', session: () => new GrpcCallSlot(channel), close: () => channel.close() };
}
