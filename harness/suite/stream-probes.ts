import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import WebSocket from 'ws';
import { type EchoClient, type EchoReply, bidi, clientStream, createEchoClient, serverStream, unary } from '../clients/grpc-echo-client.ts';
import { type GatewayAddress, backendOf, errorCode } from '../clients/http-client.ts';
import type { Observation } from '../results/observation.ts';
import { type WebSocketProbeSpec, openWebSocket } from './probes.ts';

/**
 * Probes of streaming protocols in depth: WebSocket (large messages, ping/pong,
 * close codes, many connections, idle connections) and gRPC (server, client and
 * bidi streams, status and trailers, deadlines, large messages). Like the probes
 * of probes.ts, each performs real exchanges through the gateway, is bounded in
 * time, closes everything it opened, and returns what it saw as an Observation
 * whose details are stable across runs (no random values, no timings).
 */

// ---------------------------------------------------------------------------
// WebSocket
// ---------------------------------------------------------------------------

/** Where a WebSocket probe connects: `ws` uses the gateway's HTTP port, `wss` its TLS port (host as SNI). */
export type WebSocketTarget = Pick<WebSocketProbeSpec, 'scheme' | 'host' | 'path' | 'headers'>;

/** An open WebSocket and the backend named in its 101 response. */
interface Opened {
  socket: WebSocket;
  backend: string | null;
  /** Ends the probe once: clears its timer, drops listeners, terminates the socket. */
  finish(observation: Observation): void;
  /** Registers a clean-up to run when the probe ends, however it ends. */
  defer(cleanup: () => void): void;
}

/**
 * Connects, and calls `onOpen` once upgraded. The whole exchange is bounded by
 * `limitMs`; a refused upgrade, a connection error, an abort or the time limit
 * end it with an observation of their own. The socket is always terminated.
 */
function withWebSocket(gateway: GatewayAddress, target: WebSocketTarget, limitMs: number, onOpen: (opened: Opened) => void, signal?: AbortSignal): Promise<Observation> {
  return new Promise((resolve) => {
    const socket = openWebSocket(gateway, target);
    let backend: string | null = null;
    let upgraded = false;
    let settled = false;
    const cleanups: Array<() => void> = [];
    const finish = (observation: Observation) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const cleanup of cleanups) cleanup();
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(observation);
    };
    const onAbort = () => finish({ status: upgraded ? 101 : undefined, backend, error: 'ABORTED' });
    const timer = setTimeout(() => finish({ status: upgraded ? 101 : undefined, backend, error: 'ETIMEDOUT' }), limitMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('upgrade', (response) => {
      upgraded = true;
      backend = backendOf(response.headers['x-echo-backend'] as string | undefined);
    });
    socket.once('unexpected-response', (_request, response) =>
      finish({ status: response.statusCode, backend: backendOf(response.headers['x-echo-backend'] as string | undefined), error: null }),
    );
    socket.once('error', (error) => finish({ status: upgraded ? 101 : undefined, backend, error: errorCode(error) }));
    // A close nobody asked for (probes that expect one replace this listener).
    socket.once('close', (code) => finish({ status: 101, backend, error: `WS_CLOSED_${code}` }));
    socket.once('open', () => onOpen({ socket, backend, finish, defer: (cleanup) => cleanups.push(cleanup) }));
  });
}

/** `bytes` of deterministic, non-uniform text: a reordered or corrupted echo cannot match it. */
export function patternText(bytes: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let text = '';
  for (let index = 0; text.length < bytes; index++) text += `${alphabet[index % alphabet.length]}${alphabet.slice(0, index % 29)}`;
  return text.slice(0, bytes);
}

/** `bytes` of deterministic, non-uniform binary data. */
export function patternBytes(bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  for (let index = 0; index < bytes; index++) buffer[index] = (index * 31 + (index >> 8)) & 0xff;
  return buffer;
}

/** Hex SHA-256 of `data`. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Echoes one text and one binary message of `bytes` each; details say whether both came back intact. */
export function probeWebSocketLargeMessages(gateway: GatewayAddress, target: WebSocketTarget, bytes: number): Promise<Observation> {
  const text = patternText(bytes);
  const binary = patternBytes(bytes);
  return withWebSocket(gateway, target, gateway.requestMs, ({ socket, backend, finish }) => {
    const echoes: Array<{ data: Buffer; binary: boolean }> = [];
    socket.on('message', (data: Buffer, isBinary) => {
      echoes.push({ data, binary: isBinary });
      if (echoes.length < 2) return;
      const [textEcho, binaryEcho] = echoes as [{ data: Buffer; binary: boolean }, { data: Buffer; binary: boolean }];
      finish({
        status: 101,
        backend,
        error: null,
        details: {
          textBytes: textEcho.data.length,
          textEcho: !textEcho.binary && textEcho.data.toString('utf8') === text,
          binaryBytes: binaryEcho.data.length,
          binaryEcho: binaryEcho.binary && binaryEcho.data.equals(binary),
        },
      });
    });
    socket.send(text);
    socket.send(binary);
  });
}

/** Sends a ping with `payload`; details say whether a pong came back with the same payload. */
export function probeWebSocketPing(gateway: GatewayAddress, target: WebSocketTarget, payload: string): Promise<Observation> {
  return withWebSocket(gateway, target, gateway.requestMs, ({ socket, backend, finish }) => {
    socket.once('pong', (data: Buffer) => finish({ status: 101, backend, error: null, details: { pong: true, pongPayloadEcho: data.toString('utf8') === payload } }));
    socket.ping(payload);
  });
}

/** Asks the echo backend to close with `code` (`close:<code>`); details carry the close code and reason the client got. */
export function probeWebSocketClose(gateway: GatewayAddress, target: WebSocketTarget, code: number): Promise<Observation> {
  return withWebSocket(gateway, target, gateway.requestMs, ({ socket, backend, finish }) => {
    socket.removeAllListeners('close');
    socket.once('close', (closeCode: number, reason: Buffer) => finish({ status: 101, backend, error: null, details: { closeCode, closeReason: reason.toString('utf8') } }));
    socket.send(`close:${code}`);
  });
}

/** Echoes `message` once (text); details.echo says whether it came back unchanged. */
export function probeWebSocketEcho(gateway: GatewayAddress, target: WebSocketTarget, message: string): Promise<Observation> {
  return withWebSocket(gateway, target, gateway.requestMs, ({ socket, backend, finish }) => {
    socket.once('message', (data: Buffer, isBinary) => finish({ status: 101, backend, error: null, details: { echo: !isBinary && data.toString('utf8') === message } }));
    socket.send(message);
  });
}

/**
 * Opens `count` connections at once, each echoing its own message
 * (`meshgate-<n>`); all are bounded by one request timeout and closed after.
 * `backend` is the one backend that answered (several: joined by ','), `error`
 * the distinct errors (joined), details how many upgraded and echoed intact.
 */
export async function probeWebSocketConcurrent(gateway: GatewayAddress, target: WebSocketTarget, count: number): Promise<Observation> {
  const observations = await Promise.all(Array.from({ length: count }, (_, index) => probeWebSocketEcho(gateway, target, `meshgate-${index}`)));
  const backends = distinct(observations.map((observation) => observation.backend ?? null));
  const errors = distinct(observations.map((observation) => observation.error ?? null));
  return {
    status: observations.every((observation) => observation.status === 101) ? 101 : observations.find((observation) => observation.status !== 101)?.status,
    backend: backends.length === 0 ? null : backends.join(','),
    error: errors.length === 0 ? null : errors.join(','),
    details: {
      connections: count,
      upgraded: observations.filter((observation) => observation.status === 101).length,
      echoed: observations.filter((observation) => observation.details?.echo === true).length,
    },
  };
}

/**
 * Upgrades, holds the connection idle for `idleMs`, then echoes one message.
 * Bounded by `idleMs` plus one request timeout; `signal` ends the wait early.
 * details.closedWhileIdle says whether the connection was dropped during the wait.
 */
export function probeWebSocketIdle(gateway: GatewayAddress, target: WebSocketTarget, idleMs: number, signal?: AbortSignal): Promise<Observation> {
  const message = 'meshgate-after-idle';
  return withWebSocket(
    gateway,
    target,
    idleMs + gateway.requestMs,
    ({ socket, backend, finish, defer }) => {
      let idle = true;
      socket.removeAllListeners('close');
      socket.once('close', (code: number) => finish({ status: 101, backend, error: `WS_CLOSED_${code}`, details: { closedWhileIdle: idle, echoAfterIdle: false } }));
      socket.once('message', (data: Buffer, isBinary) =>
        finish({ status: 101, backend, error: null, details: { closedWhileIdle: false, echoAfterIdle: !isBinary && data.toString('utf8') === message } }),
      );
      const wait = setTimeout(() => {
        idle = false;
        socket.send(message);
      }, idleMs);
      // The wait must not outlive the probe (a close, an abort or the time limit may end it first).
      defer(() => clearTimeout(wait));
    },
    signal,
  );
}

function distinct(values: Array<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))].sort();
}

// ---------------------------------------------------------------------------
// gRPC
// ---------------------------------------------------------------------------

/** Where a gRPC probe connects. */
export interface GrpcTarget {
  /** Tenant host: SNI and `:authority`. */
  host: string;
  /**
   * `tls` (default): the gateway's TLS port, verified with `gateway.ca`.
   * `h2c`: plain HTTP/2 on `gateway.httpPort` (a backend reached directly, in the harness's own tests).
   */
  transport?: 'tls' | 'h2c';
}

function grpcClient(gateway: GatewayAddress, target: GrpcTarget): EchoClient {
  if (target.transport === 'h2c') return createEchoClient({ address: `${gateway.address}:${gateway.httpPort}`, authority: target.host });
  return createEchoClient({ address: `${gateway.address}:${gateway.httpsPort}`, tls: { ca: gateway.ca ?? '', servername: target.host } });
}

/** Runs one call on a fresh channel and always closes it; a failed call becomes an observation. */
async function withGrpcClient(gateway: GatewayAddress, target: GrpcTarget, call: (client: EchoClient) => Promise<Observation>): Promise<Observation> {
  const client = grpcClient(gateway, target);
  try {
    return await call(client);
  } catch (error) {
    return grpcFailure(error);
  } finally {
    client.close();
  }
}

/**
 * A failed call: its gRPC status in `status`, the status name in `error`
 * (stable, unlike the details text), the backend named in its metadata, and
 * the `x-echo-trailer` trailer in details.
 */
function grpcFailure(error: unknown): Observation {
  const { code, metadata } = error as Partial<grpc.ServiceError>;
  if (typeof code !== 'number') return { backend: null, error: errorCode(error) };
  const first = (key: string) => {
    const value = metadata?.get(key)[0];
    return value === undefined ? null : value.toString();
  };
  return { status: code, backend: backendOf(first('x-echo-backend') ?? undefined), error: grpc.status[code] ?? `GRPC_${code}`, details: { trailer: first('x-echo-trailer') } };
}

function backendsOf(replies: EchoReply[]): string | null {
  const backends = distinct(replies.map((reply) => `${reply.backend.namespace}/${reply.backend.app}`));
  return backends.length === 0 ? null : backends.join(',');
}

/**
 * ServerStream with `count` replies, `delayMs` apart (the call's deadline allows for them);
 * details: how many replies and their indexes, in arrival order.
 */
export function probeGrpcServerStream(gateway: GatewayAddress, target: GrpcTarget, count: number, delayMs = 0): Promise<Observation> {
  return withGrpcClient(gateway, target, async (client) => {
    const result = await serverStream(client, { message: 'meshgate', count, delayMs }, { deadlineMs: count * delayMs + gateway.requestMs });
    return {
      status: result.status.code,
      backend: backendsOf(result.replies),
      error: null,
      details: {
        replies: result.replies.length,
        indexes: result.replies.map((reply) => reply.index).join(','),
        messageEcho: result.replies.every((reply) => reply.message === 'meshgate'),
      },
    };
  });
}

/** ClientStream of `messages`; details.joined is the one reply's message (the backend joins them with ','). */
export function probeGrpcClientStream(gateway: GatewayAddress, target: GrpcTarget, messages: string[]): Promise<Observation> {
  return withGrpcClient(gateway, target, async (client) => {
    const result = await clientStream(client, messages.map((message) => ({ message })), { deadlineMs: gateway.requestMs });
    return { status: result.status.code, backend: backendsOf([result.reply]), error: null, details: { joined: result.reply.message } };
  });
}

/** Bidi with `messages`; details: the echoes and their indexes, in arrival order. */
export function probeGrpcBidi(gateway: GatewayAddress, target: GrpcTarget, messages: string[]): Promise<Observation> {
  return withGrpcClient(gateway, target, async (client) => {
    const result = await bidi(client, messages.map((message) => ({ message })), { deadlineMs: gateway.requestMs });
    return {
      status: result.status.code,
      backend: backendsOf(result.replies),
      error: null,
      details: { echoes: result.replies.map((reply) => reply.message).join(','), indexes: result.replies.map((reply) => reply.index).join(',') },
    };
  });
}

/**
 * A Unary call, for status, trailer and deadline cases: the request's
 * `statusCode` and `delayMs` ask the backend to fail or wait; `deadlineMs`
 * (default the request timeout) bounds the call. details.trailer is the
 * `x-echo-trailer` the client received, or null.
 */
export function probeGrpcUnaryOutcome(
  gateway: GatewayAddress,
  target: GrpcTarget,
  request: { statusCode?: number; delayMs?: number; deadlineMs?: number },
): Promise<Observation> {
  return withGrpcClient(gateway, target, async (client) => {
    const result = await unary(client, { message: 'meshgate', statusCode: request.statusCode, delayMs: request.delayMs }, { deadlineMs: request.deadlineMs ?? gateway.requestMs });
    const trailer = result.trailers.get('x-echo-trailer')[0];
    return { status: result.status.code, backend: backendsOf([result.reply]), error: null, details: { trailer: trailer === undefined ? null : trailer.toString() } };
  });
}

/** A Unary call carrying `payload`; details: the echoed payload's length and SHA-256. */
export function probeGrpcPayload(gateway: GatewayAddress, target: GrpcTarget, payload: Buffer): Promise<Observation> {
  return withGrpcClient(gateway, target, async (client) => {
    const result = await unary(client, { message: 'meshgate', payload }, { deadlineMs: gateway.requestMs });
    return {
      status: result.status.code,
      backend: backendsOf([result.reply]),
      error: null,
      details: { payloadBytes: result.reply.payload.length, payloadSha256: sha256(result.reply.payload) },
    };
  });
}
