import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeAlpn, probeGrpcUnary, probeH2c, probeHttp, probeWebSocket } from '../../harness/suite/probes.ts';
import { appsOfKind, httpApps, httpsApps, preferredScheme } from '../../harness/suite/subjects.ts';

/** 64 KiB: larger than nginx's default in-memory body buffer, within every app's limit. */
const uploadBytes = 64 * 1024;

/** Protocols through the gateway: HTTP/1.1, HTTP/2, WebSocket, gRPC. */
export const protocolCases = [
  defineCase({
    id: 'http1-post-body-reaches-backend',
    description: 'An HTTP/1.1 POST arrives at the backend with its method, path and whole body.',
    features: ['http1'],
    subjects: httpApps,
    expect: () => ({ status: 200, details: { method: 'POST', path: '/upload', bodyBytes: uploadBytes } }),
    probe: async (app, { gateway }) => {
      const observation = await probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, method: 'POST', path: '/upload', body: Buffer.alloc(uploadBytes, 1) });
      const echo = observation.echo;
      return { ...observation, details: { method: echo?.method ?? null, path: echo?.path ?? null, bodyBytes: echo?.bodyBytes ?? null } };
    },
  }),
  defineCase({
    id: 'http2-negotiated-by-alpn',
    description: 'The TLS port negotiates HTTP/2 by ALPN for every TLS host.',
    features: ['http2', 'tls'],
    subjects: httpsApps,
    expect: () => ({ error: null, details: { alpn: 'h2' } }),
    probe: (app, { gateway }) => probeAlpn(gateway, app.host),
  }),
  defineCase({
    id: 'h2c-prior-knowledge',
    description: 'Cleartext HTTP/2 with prior knowledge on the target\'s h2c port reaches the backend (only where the gateway offers h2c).',
    features: ['h2c'],
    subjects: httpApps,
    expect: (app) => ({ status: 200, backend: app.id, error: null }),
    probe: (app, { gateway, target }) => probeH2c(gateway.address, target.gateway.h2cPort ?? 0, app.host, gateway.requestMs),
  }),
  defineCase({
    id: 'websocket-echo-wss',
    covers: ['kind'],
    description: 'A WebSocket over TLS upgrades (101) at its own backend and echoes text and binary messages.',
    features: ['websocket', 'tls'],
    subjects: (target) => appsOfKind(target, 'ws').filter((app) => app.tls !== null),
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { textEcho: true, binaryEcho: true } }),
    probe: (app, { gateway }) => probeWebSocket(gateway, { scheme: 'wss', host: app.host }),
  }),
  defineCase({
    id: 'websocket-echo-ws',
    description: 'A WebSocket over plain HTTP upgrades at its own backend and echoes text and binary messages.',
    features: ['websocket'],
    subjects: (target) => appsOfKind(target, 'ws').filter((app) => !app.sslRedirect),
    expect: (app) => ({ status: 101, backend: app.id, error: null, details: { textEcho: true, binaryEcho: true } }),
    probe: (app, { gateway }) => probeWebSocket(gateway, { scheme: 'ws', host: app.host }),
  }),
  defineCase({
    id: 'grpc-unary-tls-edge',
    covers: ['kind'],
    description: 'A gRPC unary call with TLS at the edge reaches its own backend; message, metadata and :authority arrive intact.',
    features: ['grpc', 'tls'],
    subjects: (target) => appsOfKind(target, 'grpc').filter((app) => app.tls !== null),
    expect: (app) => ({ status: 0, backend: app.id, error: null, details: { messageEcho: true, metadataEcho: true, authority: app.host } }),
    probe: (app, { gateway }) => probeGrpcUnary(gateway, app.host, 'meshgate'),
  }),
];
