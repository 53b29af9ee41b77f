import type { GatewayAddress } from '../clients/http-client.ts';
import { GrpcCallSlot, GrpcLoadChannel } from './grpc-load-driver.ts';
import { Http1LoadConnection } from './http1-load-connection.ts';
import type { LoadDriver, LoadTarget } from './load-session.ts';
import { WebSocketLoadSession } from './websocket-load-session.ts';

/** HTTP/1.1 GETs, one keep-alive connection per session. */
export function httpDriver(target: LoadTarget): LoadDriver {
  const { requestMs } = target.gateway;
  return { protocol: 'http', requestMs, session: () => new Http1LoadConnection(target, requestMs), close: () => undefined };
}

/** Bytes of each WebSocket and gRPC message: a small chat or RPC message. */
const messageBytes = 64;

/** WebSocket message round trips: each session holds one WebSocket and waits for the echo of every message. */
export function websocketDriver(target: LoadTarget): LoadDriver {
  const { requestMs } = target.gateway;
  return { protocol: 'websocket', requestMs, session: () => new WebSocketLoadSession(target, Buffer.alloc(messageBytes, 'm'), requestMs), close: () => undefined };
}

/**
 * gRPC unary calls over one shared HTTP/2 connection, as gRPC clients (and ghz by
 * default) multiplex: each session is one call in flight on it.
 */
export function grpcUnaryDriver(target: LoadTarget): LoadDriver {
  const channel = new GrpcLoadChannel(target, 'm'.repeat(messageBytes));
  return { protocol: 'grpc', requestMs: channel.timeoutMs, session: () => new GrpcCallSlot(channel), close: () => channel.close() };
}
