import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import { grpcUnaryDriver, httpDriver, websocketDriver } from '../../harness/load/load-driver.ts';
import type { LoadTarget } from '../../harness/load/load-session.ts';
import { mergeLoadResults } from '../../harness/load/load-recorder.ts';
import { runOpenLoop } from '../../harness/load/open-loop.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The load engines against echo backends with a known added latency. Bounds are
// generous: these check what is measured, not how fast the machine is.
const fixtures: StartedEchoFixture[] = [];
let slow: GatewayAddress;
let failing: GatewayAddress;
let fast: StartedEchoFixture;

const http = (gateway: GatewayAddress, extra: Partial<LoadTarget> = {}) => httpDriver({ gateway, scheme: 'http', host: 'a.test', ...extra });

beforeAll(async () => {
  const slowFixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'slow', latencyMs: 50 });
  const failingFixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'failing', errorRate: 1 });
  fast = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'fast' });
  fixtures.push(slowFixture, failingFixture, fast);
  slow = { address: '127.0.0.1', httpPort: slowFixture.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
  failing = { address: '127.0.0.1', httpPort: failingFixture.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
});
afterAll(() => Promise.all(fixtures.map((fixture) => fixture.stop())));

describe('closed-loop load', () => {
  it('measures the backend latency in µs, per second and in a mergeable histogram', async () => {
    const result = await runClosedLoop({ driver: http(slow), concurrency: 2, warmupMs: 200, durationMs: 2000 });
    expect(result.protocol).toBe('http');
    expect(result.p50Us).toBeGreaterThanOrEqual(50_000);
    expect(result.p50Us).toBeLessThan(150_000);
    expect(result.rps).toBeGreaterThan(10);
    expect(result.rps).toBeLessThanOrEqual(2 / 0.05 + 1);
    expect(result.windows.map((window) => window.second)).toEqual([0, 1]);
    expect(result.successRate).toBe(1);
    expect(result.histogram.length).toBeGreaterThan(10);
  });

  it('counts non-2xx answers, answers from another backend, and refused connections, each by kind', async () => {
    const status = await runClosedLoop({ driver: http(failing), concurrency: 2, warmupMs: 0, durationMs: 500 });
    expect(status.requests).toBeGreaterThan(0);
    expect(status.successRate).toBe(0);
    expect(status.failures.status).toBe(status.requests);

    const fastGateway = { address: '127.0.0.1', httpPort: fast.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
    const mismatch = await runClosedLoop({ driver: http(fastGateway, { expectBackend: 'ns-b/fast' }), concurrency: 2, warmupMs: 0, durationMs: 300 });
    expect(mismatch.failures.mismatch).toBe(mismatch.requests);
    const right = await runClosedLoop({ driver: http(fastGateway, { expectBackend: 'ns-a/fast' }), concurrency: 2, warmupMs: 0, durationMs: 300 });
    expect(right.successRate).toBe(1);

    // Port 1 on loopback: nothing listens, every connect is refused.
    const refused = await runClosedLoop({ driver: http({ address: '127.0.0.1', httpPort: 1, httpsPort: 0, requestMs: defaultTimeouts.requestMs }), concurrency: 1, warmupMs: 0, durationMs: 200 });
    expect(refused.requests).toBeGreaterThan(0);
    expect(refused.failures.error).toBe(refused.requests);
  });

  it('reads chunked and sized bodies whole, so keep-alive framing stays in step', async () => {
    const gateway = { address: '127.0.0.1', httpPort: fast.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
    for (const path of ['/?chunks=3', '/?size=200000', '/']) {
      const result = await runClosedLoop({ driver: http(gateway, { path, expectBackend: 'ns-a/fast' }), concurrency: 2, warmupMs: 0, durationMs: 300 });
      expect(result.requests, path).toBeGreaterThan(5);
      expect(result.successRate, path).toBe(1);
    }
  });

  it('round-trips WebSocket messages and gRPC unary calls, checking every echo', async () => {
    const ws = await runClosedLoop({ driver: websocketDriver({ gateway: { address: '127.0.0.1', httpPort: fast.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs }, scheme: 'http', host: 'a.test' }), concurrency: 4, warmupMs: 100, durationMs: 500 });
    expect(ws.protocol).toBe('websocket');
    // Counts only show that exchanges happened: a busy machine managed 20 in this half second.
    expect(ws.requests).toBeGreaterThan(5);
    expect(ws.successRate).toBe(1);
    const grpcGateway = { address: '127.0.0.1', httpPort: fast.grpcPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
    const grpc = await runClosedLoop({ driver: grpcUnaryDriver({ gateway: grpcGateway, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/fast' }), concurrency: 4, warmupMs: 100, durationMs: 500 });
    expect(grpc.protocol).toBe('grpc');
    expect(grpc.requests).toBeGreaterThan(5);
    expect(grpc.successRate).toBe(1);
    const wrongBackend = await runClosedLoop({ driver: grpcUnaryDriver({ gateway: grpcGateway, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/other' }), concurrency: 1, warmupMs: 0, durationMs: 200 });
    expect(wrongBackend.failures.mismatch).toBe(wrongBackend.requests);
  });
});

describe('open-loop load', () => {
  it('sends at the asked rate when the backend keeps up', async () => {
    const result = await runOpenLoop({ driver: http(slow), rate: 50, maxSessions: 20, warmupMs: 200, durationMs: 2000 });
    expect(result.targetRate).toBe(50);
    expect(result.requests).toBeGreaterThanOrEqual(90);
    expect(result.requests).toBeLessThanOrEqual(110);
    expect(result.p50Us).toBeLessThan(150_000);
  });

  it('counts queueing from the intended send time: no coordinated omission', async () => {
    // Two connections to a 50 ms backend serve 40 req/s; asked for 100, requests queue and wait longer and longer.
    const closed = await runClosedLoop({ driver: http(slow), concurrency: 2, warmupMs: 0, durationMs: 2000 });
    const open = await runOpenLoop({ driver: http(slow), rate: 100, maxSessions: 2, warmupMs: 0, durationMs: 2000 });
    // The closed loop does not queue: its tail is the backend's 50 ms plus what a busy machine adds (seen: 250 ms).
    expect(closed.p99Us).toBeLessThan(500_000);
    expect(open.p99Us).toBeGreaterThan(5 * closed.p99Us);
  });
});

describe('mergeLoadResults', () => {
  it('adds counts, renumbers windows and merges histograms exactly', async () => {
    const one = await runClosedLoop({ driver: http(slow), concurrency: 1, warmupMs: 0, durationMs: 1000 });
    const two = await runClosedLoop({ driver: http(failing), concurrency: 1, warmupMs: 0, durationMs: 1000 });
    const merged = mergeLoadResults([one, two]);
    expect(merged.requests).toBe(one.requests + two.requests);
    expect(merged.failures.status).toBe(two.requests);
    expect(merged.windows.map((window) => window.second)).toEqual([0, 1]);
    expect(merged.durationMs).toBe(2000);
    // HDR histograms keep 3 significant digits: the merged maximum is exact to that precision.
    const max = Math.max(one.maxUs, two.maxUs);
    expect(Math.abs(merged.maxUs - max) / max).toBeLessThan(0.001);
  });
});
