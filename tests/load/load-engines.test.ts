import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import { runOpenLoop } from '../../harness/load/open-loop.ts';

// The load engines against an echo backend with a known added latency. Bounds are
// generous: these check what is measured, not how fast the machine is.
const fixtures: StartedEchoFixture[] = [];
let slow: GatewayAddress;
let failing: GatewayAddress;

beforeAll(async () => {
  const slowFixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'slow', latencyMs: 50 });
  const failingFixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'failing', errorRate: 1 });
  fixtures.push(slowFixture, failingFixture);
  slow = { address: '127.0.0.1', httpPort: slowFixture.httpPort, httpsPort: 0 };
  failing = { address: '127.0.0.1', httpPort: failingFixture.httpPort, httpsPort: 0 };
});
afterAll(() => Promise.all(fixtures.map((fixture) => fixture.stop())));

describe('closed-loop load', () => {
  it('measures the backend latency in µs, per second and in a mergeable histogram', async () => {
    const result = await runClosedLoop({ gateway: slow, scheme: 'http', host: 'a.test', concurrency: 2, warmupMs: 200, durationMs: 2000 });
    expect(result.p50Us).toBeGreaterThanOrEqual(50_000);
    expect(result.p50Us).toBeLessThan(150_000);
    expect(result.rps).toBeGreaterThan(10);
    expect(result.rps).toBeLessThanOrEqual(2 / 0.05 + 1);
    expect(result.windows.map((window) => window.second)).toEqual([0, 1]);
    expect(result.successRate).toBe(1);
    expect(result.histogram.length).toBeGreaterThan(10);
  });

  it('counts non-2xx answers as errors', async () => {
    const result = await runClosedLoop({ gateway: failing, scheme: 'http', host: 'a.test', concurrency: 2, warmupMs: 0, durationMs: 500 });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.successRate).toBe(0);
  });
});

describe('open-loop load', () => {
  it('sends at the asked rate when the backend keeps up', async () => {
    const result = await runOpenLoop({ gateway: slow, scheme: 'http', host: 'a.test', rate: 50, maxConnections: 20, warmupMs: 200, durationMs: 2000 });
    expect(result.targetRate).toBe(50);
    expect(result.requests).toBeGreaterThanOrEqual(90);
    expect(result.requests).toBeLessThanOrEqual(110);
    expect(result.p50Us).toBeLessThan(150_000);
  });

  it('counts queueing from the intended send time: no coordinated omission', async () => {
    // Two connections to a 50 ms backend serve 40 req/s; asked for 100, requests queue and wait longer and longer.
    const closed = await runClosedLoop({ gateway: slow, scheme: 'http', host: 'a.test', concurrency: 2, warmupMs: 0, durationMs: 2000 });
    const open = await runOpenLoop({ gateway: slow, scheme: 'http', host: 'a.test', rate: 100, maxConnections: 2, warmupMs: 0, durationMs: 2000 });
    expect(closed.p99Us).toBeLessThan(150_000);
    expect(open.p99Us).toBeGreaterThan(5 * closed.p99Us);
  });
});

describe('mergeLoadResults', () => {
  it('adds counts, renumbers windows and merges histograms exactly', async () => {
    const { mergeLoadResults } = await import('../../harness/load/load-recorder.ts');
    const one = await runClosedLoop({ gateway: slow, scheme: 'http', host: 'a.test', concurrency: 1, warmupMs: 0, durationMs: 1000 });
    const two = await runClosedLoop({ gateway: slow, scheme: 'http', host: 'a.test', concurrency: 1, warmupMs: 0, durationMs: 1000 });
    const merged = mergeLoadResults([one, two]);
    expect(merged.requests).toBe(one.requests + two.requests);
    expect(merged.windows.map((window) => window.second)).toEqual([0, 1]);
    expect(merged.durationMs).toBe(2000);
    // HDR histograms keep 3 significant digits: the merged maximum is exact to that precision.
    const max = Math.max(one.maxUs, two.maxUs);
    expect(Math.abs(merged.maxUs - max) / max).toBeLessThan(0.001);
  });
});
