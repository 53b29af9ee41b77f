import { UsageError } from '../../harness/errors.ts';
import { type ResolvedApp, servedApps } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeWebSocket } from '../../harness/suite/probes.ts';
import {
  patternBytes,
  probeGrpcBidi,
  probeGrpcClientStream,
  probeGrpcPayload,
  probeGrpcServerStream,
  probeGrpcUnaryOutcome,
  probeWebSocketClose,
  probeWebSocketConcurrent,
  probeWebSocketIdle,
  probeWebSocketLargeMessages,
  probeWebSocketPing,
  sha256,
} from '../../harness/suite/stream-probes.ts';
import { appsOfKind } from '../../harness/suite/subjects.ts';
import type { LoadedTarget } from '../../harness/target.ts';

/** 1 MiB: far above nginx's proxy buffers, within the echo backend's 16 MiB message limit. */
const wsMessageBytes = 1024 * 1024;
const wsConnections = 100;
const closeCode = 4000;
const pingPayload = 'meshgate-ping';

/** The environment variable that sets how long `websocket-idle-hold` keeps its connection idle. */
export const wsIdleVariable = 'MESHGATE_WS_IDLE_MS';
const defaultIdleMs = 2_000;
/**
 * Upper bound of the idle time: meshgate run gives each case 600 s (vitest
 * testTimeout), so a longer hold could never be reported as a pass.
 */
export const maxIdleMs = 540_000;

/** The idle time from MESHGATE_WS_IDLE_MS (ms, 1..540000), default 2000; a bad value fails the case with a usage error. */
export function wsIdleMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[wsIdleVariable];
  if (raw === undefined || raw === '') return defaultIdleMs;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value < 1 || value > maxIdleMs) throw new UsageError(`${wsIdleVariable}=${raw}: expected milliseconds from 1 to ${maxIdleMs}`);
  return value;
}

const grpcStreamCount = 5;
const grpcMessages = ['one', 'two', 'three'];
const grpcDeadlineMs = 300;
const grpcDelayMs = 2_000;
/** 4 MiB: gRPC's usual default message limit, 4x nginx's default client_max_body_size (1m). */
const grpcPayload = patternBytes(4 * 1024 * 1024);
const grpcPayloadSha256 = sha256(grpcPayload);

/** NOT_FOUND: a status a gateway has no reason to produce itself. */
const grpcNotFound = 5;
const grpcDeadlineExceeded = 4;

const wssApps = (target: LoadedTarget): ResolvedApp[] => appsOfKind(target, 'ws').filter((app) => app.tls !== null);
/** Apps whose gateway route refuses cross-site WebSocket upgrades (Sealos' terminal). */
const guardedApps = (target: LoadedTarget): ResolvedApp[] => servedApps(target.resolved).filter((app) => app.webSocketGuard && app.tls !== null);
const grpcTlsApps = (target: LoadedTarget): ResolvedApp[] => appsOfKind(target, 'grpc').filter((app) => app.tls !== null);
const wss = (app: ResolvedApp) => ({ scheme: 'wss' as const, host: app.host });
const grpcs = (app: ResolvedApp) => ({ host: app.host });

/** WebSocket and gRPC in depth: large messages, control frames, close codes, concurrency, idle connections, every gRPC call kind, status, trailers and deadlines. */
export const streamingCases = [
  defineCase({
    id: 'websocket-large-message',
    description: `A ${wsMessageBytes / 1024 / 1024} MiB text and a ${wsMessageBytes / 1024 / 1024} MiB binary message echo intact over wss at the app's own backend.`,
    features: ['websocket', 'tls'],
    subjects: wssApps,
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { textBytes: wsMessageBytes, textEcho: true, binaryBytes: wsMessageBytes, binaryEcho: true } }),
    probe: (app, { gateway }) => probeWebSocketLargeMessages(gateway, wss(app), wsMessageBytes),
    // Megabytes echoed intact (or, below, a hundred sessions at once) are their own repetition: observed
    // until they match once. Their weight keeps a few of them in flight, not a dozen.
    convergence: { successes: 1 },
    weight: 4,
  }),
  defineCase({
    id: 'websocket-ping-pong',
    description: 'A ping over wss is answered by a pong carrying the same payload.',
    features: ['websocket', 'tls'],
    subjects: wssApps,
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { pong: true, pongPayloadEcho: true } }),
    probe: (app, { gateway }) => probeWebSocketPing(gateway, wss(app), pingPayload),
  }),
  defineCase({
    id: 'websocket-close-code',
    description: `A close the backend starts with code ${closeCode} and reason "requested" reaches the client with that code and reason.`,
    features: ['websocket', 'tls'],
    subjects: wssApps,
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { closeCode, closeReason: 'requested' } }),
    probe: (app, { gateway }) => probeWebSocketClose(gateway, wss(app), closeCode),
  }),
  defineCase({
    id: 'websocket-100-concurrent',
    description: `${wsConnections} concurrent wss connections all upgrade at the app's own backend and each echoes its own message, within one request timeout.`,
    features: ['websocket', 'tls'],
    subjects: wssApps,
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { connections: wsConnections, upgraded: wsConnections, echoed: wsConnections } }),
    probe: (app, { gateway }) => probeWebSocketConcurrent(gateway, wss(app), wsConnections),
    convergence: { successes: 1 },
    weight: 8,
  }),
  defineCase({
    id: 'websocket-idle-hold',
    description:
      `A wss connection held idle still echoes afterwards (the gateway's read timeout must outlast idle clients). ` +
      `The idle time is ${wsIdleVariable} in ms (default ${defaultIdleMs}, at most ${maxIdleMs}); observed once.`,
    features: ['websocket', 'tls'],
    subjects: wssApps,
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { closedWhileIdle: false, echoAfterIdle: true } }),
    probe: (app, { gateway, signal }) => probeWebSocketIdle(gateway, wss(app), wsIdleMs(), signal),
    convergence: { successes: 1, timeoutMs: 0 },
  }),
  defineCase({
    id: 'websocket-terminal-cross-site-refused',
    covers: ['webSocketGuard'],
    description: 'An app with a WebSocket guard (the terminal) refuses an upgrade with Sec-Fetch-Site: cross-site at the gateway: 403, no backend.',
    features: ['websocket', 'tls'],
    subjects: guardedApps,
    expect: () => ({ status: 403, backend: null }),
    probe: (app, { gateway }) => probeWebSocket(gateway, { ...wss(app), headers: { 'sec-fetch-site': 'cross-site' } }),
  }),
  defineCase({
    id: 'websocket-terminal-same-origin-upgrades',
    covers: ['webSocketGuard'],
    description: 'An app with a WebSocket guard (the terminal) upgrades a same-origin WebSocket (Sec-Fetch-Site: same-origin) at its own backend.',
    features: ['websocket', 'tls'],
    subjects: guardedApps,
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { textEcho: true, binaryEcho: true } }),
    probe: (app, { gateway }) => probeWebSocket(gateway, { ...wss(app), headers: { 'sec-fetch-site': 'same-origin' } }),
  }),
  defineCase({
    id: 'grpc-server-streaming',
    description: `A server stream with count=${grpcStreamCount} delivers ${grpcStreamCount} replies, indexed 0..${grpcStreamCount - 1} in order, from the app's own backend.`,
    features: ['grpc', 'tls'],
    subjects: grpcTlsApps,
    expect: (app) => ({
      status: 0,
      backend: app.id,
      error: null,
      details: { replies: grpcStreamCount, indexes: Array.from({ length: grpcStreamCount }, (_, index) => index).join(','), messageEcho: true },
    }),
    probe: (app, { gateway }) => probeGrpcServerStream(gateway, grpcs(app), grpcStreamCount),
  }),
  defineCase({
    id: 'grpc-client-streaming',
    description: `A client stream of ${grpcMessages.length} messages arrives whole: the backend's one reply joins them in order.`,
    features: ['grpc', 'tls'],
    subjects: grpcTlsApps,
    expect: (app) => ({ status: 0, backend: app.id, error: null, details: { joined: grpcMessages.join(',') } }),
    probe: (app, { gateway }) => probeGrpcClientStream(gateway, grpcs(app), grpcMessages),
  }),
  defineCase({
    id: 'grpc-bidi-streaming',
    description: `A bidi stream of ${grpcMessages.length} messages is echoed message by message, in order.`,
    features: ['grpc', 'tls'],
    subjects: grpcTlsApps,
    expect: (app) => ({ status: 0, backend: app.id, error: null, details: { echoes: grpcMessages.join(','), indexes: grpcMessages.map((_, index) => index).join(',') } }),
    probe: (app, { gateway }) => probeGrpcBidi(gateway, grpcs(app), grpcMessages),
  }),
  defineCase({
    id: 'grpc-status-and-trailers',
    description: `A backend failing with NOT_FOUND (${grpcNotFound}) reaches the client as NOT_FOUND, with its trailer x-echo-trailer intact.`,
    features: ['grpc', 'tls'],
    subjects: grpcTlsApps,
    expect: (app) => ({ status: grpcNotFound, backend: app.id, details: { trailer: String(grpcNotFound) } }),
    probe: (app, { gateway }) => probeGrpcUnaryOutcome(gateway, grpcs(app), { statusCode: grpcNotFound }),
  }),
  defineCase({
    id: 'grpc-deadline',
    description: `A call with a ${grpcDeadlineMs} ms deadline to a backend answering after ${grpcDelayMs} ms ends DEADLINE_EXCEEDED (${grpcDeadlineExceeded}) at the client.`,
    features: ['grpc', 'tls'],
    subjects: grpcTlsApps,
    expect: () => ({ status: grpcDeadlineExceeded }),
    probe: (app, { gateway }) => probeGrpcUnaryOutcome(gateway, grpcs(app), { delayMs: grpcDelayMs, deadlineMs: grpcDeadlineMs }),
  }),
  defineCase({
    id: 'grpc-4mib-message',
    description: `A ${grpcPayload.length / 1024 / 1024} MiB payload round-trips intact (length and SHA-256) through the gateway.`,
    features: ['grpc', 'tls'],
    subjects: grpcTlsApps,
    expect: (app) => ({ status: 0, backend: app.id, error: null, details: { payloadBytes: grpcPayload.length, payloadSha256: grpcPayloadSha256 } }),
    probe: (app, { gateway }) => probeGrpcPayload(gateway, grpcs(app), grpcPayload),
    convergence: { successes: 1 },
    weight: 4,
  }),
];
