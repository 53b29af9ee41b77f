import { describe, expect, it } from 'vitest';
import { mannWhitneyGreater } from '../../harness/gate/mann-whitney.ts';
import { defaultBudget, gatePerformance } from '../../harness/gate/performance-gate.ts';
import type { Baseline } from '../../harness/gate/baseline.ts';
import type { LoadResult } from '../../harness/load/closed-loop.ts';
import type { CaseRecord } from '../../harness/reporters/case-record.ts';

/** Deterministic jitter: the same "noisy" series every run. */
function series(center: number, spread: number, count: number, seed = 1): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 16807) % 2147483647;
    return center * (1 + spread * ((state / 2147483647) * 2 - 1));
  });
}

function load(p95Us: number[], requests: number[]): LoadResult {
  const windows = p95Us.map((p95, second) => ({ second, requests: Math.round(requests[second]!), errors: 0, p50Us: p95 / 2, p95Us: p95, p99Us: p95 * 2 }));
  return { protocol: 'http', failures: { error: 0, timeout: 0, status: 0, mismatch: 0 }, startedAt: '', concurrency: 10, durationMs: windows.length * 1000, requests: 0, errors: 0, successRate: 1, rps: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0, windows, histogram: '' };
}

const key = 'performance/http-closed-loop[ns-a/web c=10]';
function record(result: LoadResult): CaseRecord {
  return { key, suite: 'performance', caseId: 'http-closed-loop', subject: 'ns-a/web c=10', description: '', result: 'PASSED', reason: '', durationMs: 0, measurements: { load: result } };
}
function baseline(result: LoadResult): Baseline {
  return { kind: 'meshgate-baseline', version: 1, createdAt: '', runId: 'b', environment: 'local', scenario: 's', scenarioHash: 'h', cases: [{ key, result: 'PASSED', measurements: { load: result } }] };
}

describe('mannWhitneyGreater', () => {
  it.each([
    { a: [1, 2, 3, 4, 5, 6, 7, 8], b: [11, 12, 13, 14, 15, 16, 17, 18], below: 0.002 },
    { a: [1, 3, 5, 7, 9, 11, 13, 15], b: [2, 4, 6, 8, 10, 12, 14, 16], above: 0.2 },
    { a: [11, 12, 13, 14, 15, 16, 17, 18], b: [1, 2, 3, 4, 5, 6, 7, 8], above: 0.99 },
  ])('p-value for $b against $a', ({ a, b, below, above }) => {
    const { pValue } = mannWhitneyGreater(a, b);
    if (below !== undefined) expect(pValue).toBeLessThan(below);
    if (above !== undefined) expect(pValue).toBeGreaterThan(above);
  });
});

describe('gatePerformance', () => {
  const steady = load(series(1000, 0.03, 10), series(5000, 0.03, 10, 7));
  it.each([
    { name: 'the same distribution passes', candidate: load(series(1000, 0.03, 10, 3), series(5000, 0.03, 10, 9)), failures: 0, inconclusive: 0 },
    { name: '+30 % p95 fails', candidate: load(series(1300, 0.03, 10, 3), series(5000, 0.03, 10, 9)), failures: 1, inconclusive: 0 },
    { name: '+5 % p95 is within budget', candidate: load(series(1050, 0.03, 10, 3), series(5000, 0.03, 10, 9)), failures: 0, inconclusive: 0 },
    { name: '-30 % throughput fails', candidate: load(series(1000, 0.03, 10, 3), series(3500, 0.03, 10, 9)), failures: 1, inconclusive: 0 },
    { name: 'three windows decide nothing', candidate: load(series(1300, 0.03, 3, 3), series(5000, 0.03, 3, 9)), failures: 0, inconclusive: 2 },
  ])('$name', ({ candidate, failures, inconclusive }) => {
    const findings = gatePerformance([record(candidate)], baseline(steady), defaultBudget);
    expect(findings.failures).toHaveLength(failures);
    expect(findings.inconclusive).toHaveLength(inconclusive);
  });

  it('a baseline noisier than the budget is inconclusive, with the reason', () => {
    const noisy = load(series(1000, 0.6, 10), series(5000, 0.03, 10, 7));
    const findings = gatePerformance([record(load(series(1300, 0.03, 10, 3), series(5000, 0.03, 10, 9)))], baseline(noisy));
    expect(findings.inconclusive[0]?.message).toMatch(/^baseline noise \d+\.\d % exceeds the 15 % budget/);
  });
});
