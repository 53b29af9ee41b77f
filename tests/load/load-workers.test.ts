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
import { runMeshgate } from '../e2e/meshgate-cli.ts';

// Load workers against an echo backend on loopback, every answer checked against its identity.
let fixture: StartedEchoFixture;
let spec: Omit<LoadSpec, 'startAt'>;

beforeAll(async () => {
  fixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'web' });
  const gateway: GatewayAddress = { address: '127.0.0.1', httpPort: fixture.httpPort, httpsPort: 0 };
  spec = { version: 1, protocol: 'http', model: 'closed', level: 4, workers: 2, target: { gateway, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/web' }, warmupMs: 300, durationMs: 3000 };
});

afterAll(async () => {
  await fixture?.stop();
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

  it('N worker processes give the same total as one engine at the same total concurrency, within noise', async () => {
    // The single engine runs in a process of its own too, so the backend in this process serves both alike;
    // the two alternate (one, N, one, N) so that the machine's drift hits both.
    const rounds: Array<{ one: number; workers: LoadResult }> = [];
    for (let round = 0; round < 2; round++) rounds.push({ one: (await runLocalWorkers({ ...spec, workers: 1 })).rps, workers: await runLocalWorkers(spec) });
    const engine = rounds.reduce((sum, round) => sum + round.one, 0);
    const spread = rounds.reduce((sum, round) => sum + round.workers.rps, 0);
    for (const { workers } of rounds) {
      expect(workers.successRate).toBe(1);
      expect(workers.concurrency).toBe(spec.level);
      expect(workers.windows).toHaveLength(3);
    }
    // Between-run drift on a shared 2-core machine reaches tens of percent (docs: performance.md).
    const figures = rounds.map((round) => `one ${round.one.toFixed(0)}, ${spec.workers} workers ${round.workers.rps.toFixed(0)} req/s`).join('; ');
    expect(spread / engine, figures).toBeGreaterThan(0.5);
    expect(spread / engine, figures).toBeLessThan(2);
  }, 400_000);

  it('a worker given a bad spec exits 2 naming the field', async () => {
    const { exitCode, stderr } = await runMeshgate(['load-worker', '--spec', JSON.stringify({ ...spec, level: 1, startAt: Date.now() }), '--index', '0']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/concurrency 1 cannot be shared by 2 workers/);
  });
});
