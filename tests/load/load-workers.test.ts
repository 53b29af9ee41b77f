import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { newHistogram } from '../../harness/load/load-recorder.ts';
import type { LoadResult } from '../../harness/results/load-result.ts';
import type { LoadSpec } from '../../harness/load/workers/load-spec.ts';
import { runLocalWorkers } from '../../harness/load/workers/local-workers.ts';
import { mergeWorkerResults } from '../../harness/load/workers/merge-workers.ts';
import { runWorker } from '../../harness/load/workers/run-worker.ts';
import { meshgate } from '../e2e/meshgate-cli.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// Load workers against an echo backend on loopback, every answer checked against its identity.
let fixture: StartedEchoFixture;
/** The same backend answering after 20 ms. */
let slowFixture: StartedEchoFixture;
let spec: Omit<LoadSpec, 'startAt'>;

beforeAll(async () => {
  fixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'web' });
  slowFixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'web', latencyMs: 20 });
  const gateway: GatewayAddress = { address: '127.0.0.1', httpPort: fixture.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
  spec = { version: 1, protocol: 'http', model: 'closed', level: 4, workers: 2, target: { gateway, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/web' }, warmupMs: 300, durationMs: 3000 };
});

afterAll(async () => {
  await fixture?.stop();
  await slowFixture?.stop();
});

describe('load workers', () => {
  it('merge exactly: the merged histogram is the sum of the parts, window by window too', async () => {
    const full = { ...spec, durationMs: 2000, startAt: Date.now() + 200 };
    const parts = await Promise.all([runWorker(full, 0), runWorker(full, 1)]);
    expect(parts.map((part) => part.result.concurrency)).toEqual([2, 2]);
    const merged = mergeWorkerResults(parts, 2);
    const sum = newHistogram();
    for (const part of parts) sum.add(decodeFromCompressedBase64(part.result.histogram));
    const decoded = decodeFromCompressedBase64(merged.histogram);
    expect(decoded.totalCount).toBe(parts[0]!.result.requests + parts[1]!.result.requests);
    for (const percentile of [50, 90, 95, 99, 99.9, 100]) expect(decoded.getValueAtPercentile(percentile)).toBe(sum.getValueAtPercentile(percentile));
    expect(merged.requests).toBe(decoded.totalCount);
    expect(merged.concurrency).toBe(4);
    expect(merged.durationMs).toBe(2000);
    expect(merged.windows.map((window) => window.second)).toEqual([0, 1]);
    merged.windows.forEach((window, second) => {
      expect(window.requests).toBe(parts[0]!.result.windows[second]!.requests + parts[1]!.result.windows[second]!.requests);
      const both = newHistogram();
      for (const part of parts) both.add(decodeFromCompressedBase64(part.result.windowHistograms[second]!));
      expect(window.p99Us).toBe(both.getValueAtPercentile(99));
    });
  });

  it('refuses to merge a missing or late worker', async () => {
    const full = { ...spec, durationMs: 500, startAt: Date.now() };
    const part = await runWorker(full, 0);
    expect(() => mergeWorkerResults([part], 2)).toThrow(/1 of 2 load workers sent a result/);
    expect(() => mergeWorkerResults([part, { ...part, index: 1, lateMs: 2500 }], 2)).toThrow(/worker\(s\) 1 \(\+2500 ms\) started after the common start/);
  });

  it('N worker processes give the same total as one engine at the same total concurrency, never more than the backend allows', async () => {
    // A 20 ms backend bounds a closed loop at level / 20 ms (Little's law): 200 req/s at 4, whichever process
    // sends, so the load generators' share of a busy machine's CPU cannot decide the figure (on a fast
    // backend two worker processes out-ran one engine 1.6-2.9x beside a loaded neighbour). The two
    // alternate (one, N, one, N, ...) so that the machine's drift hits both.
    const gateway: GatewayAddress = { address: '127.0.0.1', httpPort: slowFixture.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
    const slow = { ...spec, durationMs: 2000, target: { ...spec.target, gateway } };
    const ceiling = slow.level / 0.020;
    const rounds: Array<{ one: LoadResult; workers: LoadResult }> = [];
    for (let round = 0; round < 3; round++) rounds.push({ one: await runLocalWorkers({ ...slow, workers: 1 }, defaultTimeouts), workers: await runLocalWorkers(slow, defaultTimeouts) });
    const figures = rounds.map((round) => `one ${round.one.rps.toFixed(0)}, ${spec.workers} workers ${round.workers.rps.toFixed(0)} req/s`).join('; ');
    for (const { one, workers } of rounds) {
      expect(workers.successRate).toBe(1);
      expect(workers.concurrency).toBe(spec.level);
      expect(workers.windows).toHaveLength(2);
      // A result counted twice (or a worker running the whole level) would exceed what the backend can serve.
      expect(Math.max(one.rps, workers.rps), figures).toBeLessThanOrEqual(ceiling * 1.02);
    }
    // A lost worker halves the total; the median of the paired ratios must stay within a quarter of 1.
    const ratio = rounds.map((round) => round.workers.rps / round.one.rps).sort((a, b) => a - b)[1]!;
    expect(ratio, figures).toBeGreaterThan(0.8);
    expect(ratio, figures).toBeLessThan(1.25);
  }, 400_000);

  it('a worker given a bad spec exits 2 naming the field', async () => {
    const { exitCode, stderr } = await meshgate(['load-worker', '--spec', JSON.stringify({ ...spec, level: 1, startAt: Date.now() }), '--index', '0']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/concurrency 1 cannot be shared by 2 workers/);
  });
});
