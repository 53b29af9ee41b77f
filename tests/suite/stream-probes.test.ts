import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import { startEchoFixture, type StartedEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import {
  patternBytes,
  patternText,
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
import { maxIdleMs, wsIdleMs, wsIdleVariable } from '../../suites/protocols/streaming-cases.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/**
 * The streaming probes against a healthy echo backend reached directly (plain
 * ws:// and h2c gRPC, no gateway): what each observes when nothing is broken.
 */
const identity = { tenant: 't1', namespace: 'ns-t1', app: 'stream', instance: 's1' };
const backend = 'ns-t1/stream';
const host = 'stream.example.test';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('stream probes against the echo fixture', { timeout: 20_000 }, () => {
  let fixture: StartedEchoFixture;
  let ws: GatewayAddress;
  let grpc: GatewayAddress;
  const wsTarget = { scheme: 'ws' as const, host };
  const grpcTarget = { host, transport: 'h2c' as const };

  beforeAll(async () => {
    fixture = await startEchoFixture(identity);
    ws = { address: '127.0.0.1', httpPort: fixture.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
    grpc = { address: '127.0.0.1', httpPort: fixture.grpcPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  describe('WebSocket', () => {
    it('echoes 1 MiB text and binary messages intact', async () => {
      const bytes = 1024 * 1024;
      expect(await probeWebSocketLargeMessages(ws, wsTarget, bytes)).toEqual({
        status: 101,
        backend,
        error: null,
        details: { textBytes: bytes, textEcho: true, binaryBytes: bytes, binaryEcho: true },
      });
    });

    it('gets a pong with the ping payload', async () => {
      expect(await probeWebSocketPing(ws, wsTarget, 'meshgate-ping')).toEqual({ status: 101, backend, error: null, details: { pong: true, pongPayloadEcho: true } });
    });

    it('sees the close code and reason the backend sends', async () => {
      expect(await probeWebSocketClose(ws, wsTarget, 4000)).toEqual({ status: 101, backend, error: null, details: { closeCode: 4000, closeReason: 'requested' } });
    });

    it('upgrades and echoes on 100 concurrent connections', async () => {
      expect(await probeWebSocketConcurrent(ws, wsTarget, 100)).toEqual({
        status: 101,
        backend,
        error: null,
        details: { connections: 100, upgraded: 100, echoed: 100 },
      });
    });

    it('echoes after an idle wait', async () => {
      expect(await probeWebSocketIdle(ws, wsTarget, 300)).toEqual({ status: 101, backend, error: null, details: { closedWhileIdle: false, echoAfterIdle: true } });
    });

    it('stops an idle wait as soon as the signal aborts', async () => {
      const started = Date.now();
      const observation = await probeWebSocketIdle(ws, wsTarget, 60_000, AbortSignal.timeout(200));
      expect(observation).toMatchObject({ status: 101, backend, error: 'ABORTED' });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('observes a connection error instead of hanging', async () => {
      const nowhere = { ...ws, httpPort: await closedPort() };
      expect(await probeWebSocketPing(nowhere, wsTarget, 'x')).toEqual({ status: undefined, backend: null, error: 'ECONNREFUSED' });
    });

    it('generates deterministic, non-uniform payloads', () => {
      expect(patternText(1000)).toBe(patternText(1000));
      expect(patternText(1000)).toHaveLength(1000);
      expect(new Set(patternText(1000)).size).toBeGreaterThan(10);
      expect(sha256(patternBytes(4096))).toBe(sha256(patternBytes(4096)));
      expect(new Set(patternBytes(4096)).size).toBe(256);
    });
  });

  describe('gRPC (h2c)', () => {
    it('server stream: count=5 gives 5 replies indexed 0..4 from the backend', async () => {
      expect(await probeGrpcServerStream(grpc, grpcTarget, 5)).toEqual({
        status: 0,
        backend,
        error: null,
        details: { replies: 5, indexes: '0,1,2,3,4', messageEcho: true },
      });
    });

    it('client stream: messages arrive joined', async () => {
      expect(await probeGrpcClientStream(grpc, grpcTarget, ['one', 'two', 'three'])).toEqual({ status: 0, backend, error: null, details: { joined: 'one,two,three' } });
    });

    it('bidi: messages echoed in order', async () => {
      expect(await probeGrpcBidi(grpc, grpcTarget, ['one', 'two', 'three'])).toEqual({
        status: 0,
        backend,
        error: null,
        details: { echoes: 'one,two,three', indexes: '0,1,2' },
      });
    });

    it('a requested status arrives with its trailer and the backend', async () => {
      expect(await probeGrpcUnaryOutcome(grpc, grpcTarget, { statusCode: 5 })).toEqual({ status: 5, backend, error: 'NOT_FOUND', details: { trailer: '5' } });
    });

    it('an OK call has no trailer', async () => {
      expect(await probeGrpcUnaryOutcome(grpc, grpcTarget, {})).toEqual({ status: 0, backend, error: null, details: { trailer: null } });
    });

    it('a deadline shorter than the delay gives DEADLINE_EXCEEDED', async () => {
      const started = Date.now();
      expect(await probeGrpcUnaryOutcome(grpc, grpcTarget, { delayMs: 2_000, deadlineMs: 300 })).toEqual({
        status: 4,
        backend: null,
        error: 'DEADLINE_EXCEEDED',
        details: { trailer: null },
      });
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('a 4 MiB payload round-trips intact', async () => {
      const payload = patternBytes(4 * 1024 * 1024);
      expect(await probeGrpcPayload(grpc, grpcTarget, payload)).toEqual({
        status: 0,
        backend,
        error: null,
        details: { payloadBytes: payload.length, payloadSha256: sha256(payload) },
      });
    });

    it('an unreachable server is UNAVAILABLE, not a hang', async () => {
      const nowhere = { ...grpc, httpPort: await closedPort() };
      expect(await probeGrpcServerStream(nowhere, grpcTarget, 1)).toMatchObject({ status: 14, backend: null, error: 'UNAVAILABLE' });
    });
  });
});

describe(`${wsIdleVariable}`, () => {
  it('defaults to 2000 ms', () => {
    expect(wsIdleMs({})).toBe(2_000);
    expect(wsIdleMs({ [wsIdleVariable]: '' })).toBe(2_000);
  });

  it('accepts milliseconds up to the bound', () => {
    expect(wsIdleMs({ [wsIdleVariable]: '1' })).toBe(1);
    expect(wsIdleMs({ [wsIdleVariable]: String(maxIdleMs) })).toBe(maxIdleMs);
  });

  it.each(['0', '-5', '1.5', '2s', String(maxIdleMs + 1)])('rejects %s with a usage error', (value) => {
    expect(() => wsIdleMs({ [wsIdleVariable]: value })).toThrow(/MESHGATE_WS_IDLE_MS/);
  });
});
