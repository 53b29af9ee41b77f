import { describe, expect, it } from 'vitest';
import type { Baseline } from '../../harness/results/baseline.ts';
import { gatePerformance } from '../../harness/gate/performance-gate.ts';
import { gateResults } from '../../harness/gate/verdict.ts';
import type { AbRound } from '../../harness/results/measurements.ts';
import type { LoadResult } from '../../harness/results/load-result.ts';
import type { CaseRecord } from '../../harness/results/case-record.ts';
import { defaultBudget } from '../../harness/scenario/performance-profile.ts';

function load(p95Us: number, rps: number): LoadResult {
  return { protocol: 'http', failures: { error: 0, timeout: 0, status: 0, mismatch: 0 }, startedAt: '', concurrency: 10, durationMs: 5000, requests: rps * 5, errors: 0, successRate: 1, rps, p50Us: p95Us / 2, p95Us, p99Us: p95Us * 2, maxUs: p95Us * 3, windows: [], histogram: '' };
}

const key = 'performance/http-closed-loop[ns-a/web c=10]';
function record(result: LoadResult, rounds?: AbRound[]): CaseRecord {
  return { key, suite: 'performance', caseId: 'http-closed-loop', subject: 'ns-a/web c=10', description: '', result: 'PASSED', reason: '', durationMs: 0, measurements: { load: result, ...(rounds ? { rounds } : {}) } };
}
function baseline(samples: Array<[number, number]>): Baseline {
  return {
    kind: 'meshgate-baseline', version: 1, createdAt: '', runId: 'b', environment: 'local', scenario: 's', scenarioHash: 'h',
    cases: [{ key, result: 'PASSED', measurements: { load: load(5000, 2000) }, samples: samples.map(([p95Us, rps], index) => ({ runId: `r${index}`, p95Us, rps })) }],
  };
}

/** Rounds whose machine speed halves and doubles between rounds; the candidate is `factor` slower in p95. */
function drifting(factor: number, count = 8): AbRound[] {
  return Array.from({ length: count }, (_, index) => {
    const machine = [1, 0.5, 1.6, 0.8, 1.2, 0.6, 1.9, 1.1][index % 8]!;
    const jitter = 1 + ((index * 37) % 7) / 300;
    return { reference: { p95Us: 5000 * machine, rps: 2000 / machine }, candidate: { p95Us: 5000 * machine * factor * jitter, rps: 2000 / machine / jitter } };
  });
}

describe('gatePerformance', () => {
  it('live A/B: drift between rounds alone passes', () => {
    const findings = gatePerformance([record(load(5000, 2000), drifting(1))], undefined, defaultBudget);
    expect(findings.failures).toEqual([]);
    expect(findings.inconclusive).toEqual([]);
    expect(findings.notes.map((note) => note.message)).toEqual([expect.stringMatching(/^live A\/B: within budget/), expect.stringMatching(/^live A\/B: within budget/)]);
  });

  it('live A/B: +40 % p95 (2 ms over a 5 ms p95, above budget and floor) fails, naming budget and detectable effect', () => {
    const findings = gatePerformance([record(load(5000, 2000), drifting(1.4))], undefined, defaultBudget);
    expect(findings.failures).toEqual([{ subject: `${key} p95 latency`, message: expect.stringMatching(/^live A\/B: worse than allowed: 4\d\.\d % worse .* allowed 15\.0 %, detectable \d\.\d %, 8 rounds$/) }]);
  });

  it('live A/B: +40 % of a 1 ms p95 (0.4 ms) stays under the 0.5 ms floor and does not fail', () => {
    const rounds = drifting(1.4).map(({ reference, candidate }) => ({ reference: { ...reference, p95Us: reference.p95Us / 5 }, candidate: { ...candidate, p95Us: candidate.p95Us / 5 } }));
    expect(gatePerformance([record(load(1000, 2000), rounds)], undefined, defaultBudget).failures).toEqual([]);
  });

  it('live A/B: two rounds are inconclusive', () => {
    const findings = gatePerformance([record(load(5000, 2000), drifting(2, 2))], undefined, defaultBudget);
    expect(findings.failures).toEqual([]);
    expect(findings.inconclusive.map((finding) => finding.message)).toEqual(['live A/B: 2 rounds; at least 3 are needed', 'live A/B: 2 rounds; at least 3 are needed']);
  });

  it('stored baseline: three steady runs pass a clean run and fail a +40 % one', () => {
    const steady = baseline([[5000, 2000], [5050, 1990], [4980, 2010]]);
    expect(gatePerformance([record(load(5010, 2000))], steady, defaultBudget)).toMatchObject({ failures: [], inconclusive: [], judged: 1 });
    expect(gatePerformance([record(load(7000, 2000))], steady, defaultBudget).failures).toHaveLength(1);
  });

  it('stored baseline: runs that drift apart make a verdict inconclusive, never a failure', () => {
    const drifted = baseline([[5000, 7000], [9000, 4000], [6500, 5200]]);
    const findings = gatePerformance([record(load(8000, 4200))], drifted, defaultBudget);
    expect(findings.failures).toEqual([]);
    expect(findings.inconclusive[0]?.message).toMatch(/^against baseline runs: too noisy to judge: .*3 baseline runs; /);
  });

  it('stored baseline of one run (an old baseline) is inconclusive and says how to add runs', () => {
    const findings = gatePerformance([record(load(5000, 2000))], baseline([[5000, 2000]]), defaultBudget);
    expect(findings.inconclusive[0]?.message).toBe('against baseline runs: 1 baseline runs; at least 3 are needed (add runs with `meshgate baseline save --append`)');
  });

  it('stored baseline: a load case the baseline does not have is a note, not a verdict', () => {
    const findings = gatePerformance([{ ...record(load(5000, 2000)), key: 'performance/http-closed-loop[ns-a/web c=50]' }], baseline([[5000, 2000]]), defaultBudget);
    expect(findings).toMatchObject({ failures: [], inconclusive: [], judged: 0, notes: [{ message: 'not in the baseline: performance not judged' }] });
  });
});

describe('gateResults: how performance was gated is said', () => {
  it('the quick profile without a baseline or compare target says "not gated"', () => {
    const result = gateResults([record(load(5000, 2000))]);
    expect(result.verdict).toBe('pass');
    expect(result.notes[0]).toEqual({ subject: 'performance', message: 'not gated (quick profile): no baseline or compare target covers the load cases; they only checked their success rate' });
  });

  it('a gated run writes the budget and floor into the report', () => {
    const result = gateResults([record(load(5000, 2000), drifting(1))], undefined, { budget: defaultBudget, profile: 'gate' });
    expect(result.notes[0]).toEqual({ subject: 'performance', message: 'gated (gate profile) on 1 load cases; budget p95 +15.0 % (never below +0.5 ms), throughput -10.0 %, 98 % confidence' });
  });

  it('an inconclusive performance judgement makes the verdict inconclusive, not pass', () => {
    expect(gateResults([record(load(5000, 2000), drifting(2, 2))]).verdict).toBe('inconclusive');
  });
});
