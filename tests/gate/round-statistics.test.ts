import { describe, expect, it } from 'vitest';
import { type EffectBudget, judgeAgainstRuns, judgePairedRounds } from '../../harness/statistics/round-statistics.ts';

/** Deterministic standard normal draws (Park-Miller + Box-Muller): the same "noisy machine" every run. */
function normals(seed: number): () => number {
  let state = seed;
  const uniform = () => (state = (state * 16807) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const latency: EffectBudget = { relative: 0.15, floor: 500 };
const throughput: EffectBudget = { relative: 0.1, floor: 0 };

/**
 * Rounds of a live A/B: a machine whose speed drifts by `drift` (log sd) from
 * round to round, hitting both sides of a round alike, plus `noise` per side.
 */
function abRounds(seed: number, rounds: number, effect: number, drift = 0.4, noise = 0.03, level = 2000) {
  const draw = normals(seed);
  return Array.from({ length: rounds }, () => {
    const machine = Math.exp(drift * draw());
    return { reference: level * machine * Math.exp(noise * draw()), candidate: level * (1 + effect) * machine * Math.exp(noise * draw()) };
  });
}

function tally(verdicts: string[]): Record<string, number> {
  return verdicts.reduce<Record<string, number>>((counts, verdict) => ({ ...counts, [verdict]: (counts[verdict] ?? 0) + 1 }), {});
}

describe('judgePairedRounds (live A/B)', () => {
  it('drift alone never fails: 200 trials of 6 rounds with 40 % round-to-round drift', () => {
    const verdicts = Array.from({ length: 200 }, (_, trial) => judgePairedRounds(abRounds(trial + 1, 6, 0), 'higher-is-worse', latency).verdict);
    expect(tally(verdicts).fail ?? 0).toBe(0);
    expect(tally(verdicts).pass ?? 0).toBeGreaterThan(150);
  });

  it('an effect above budget and floor fails (+40 % on a 5 ms p95, 6 rounds, drifting machine)', () => {
    const verdicts = Array.from({ length: 200 }, (_, trial) => judgePairedRounds(abRounds(trial + 1, 6, 0.4, 0.4, 0.03, 5000), 'higher-is-worse', latency).verdict);
    expect(tally(verdicts).fail).toBeGreaterThanOrEqual(190);
    expect(tally(verdicts).pass ?? 0).toBe(0);
  });

  it('an effect above the relative budget but under the absolute floor never fails (+30 % of 1 ms = 0.3 ms < 0.5 ms)', () => {
    const verdicts = Array.from({ length: 100 }, (_, trial) => judgePairedRounds(abRounds(trial + 1, 6, 0.3, 0.4, 0.03, 1000), 'higher-is-worse', latency));
    expect(verdicts.every((judgement) => judgement.verdict !== 'fail')).toBe(true);
    expect(verdicts[0]?.allowed).toBeGreaterThan(0.3);
  });

  it('too few rounds is inconclusive, saying how many are needed', () => {
    const judgement = judgePairedRounds(abRounds(1, 2, 1), 'higher-is-worse', latency);
    expect(judgement.verdict).toBe('inconclusive');
    expect(judgement.reason).toBe('2 rounds; at least 3 are needed');
    expect(judgement.roundsNeeded).toBe(3);
  });

  it('noise larger than the budget is inconclusive, never pass or fail, with the detectable effect and rounds needed', () => {
    const judgement = judgePairedRounds(abRounds(3, 4, 0.1, 0.4, 0.3), 'higher-is-worse', latency);
    expect(judgement.verdict).toBe('inconclusive');
    expect(judgement.detectable).toBeGreaterThan(judgement.allowed);
    expect(judgement.roundsNeeded).toBeGreaterThan(4);
    expect(judgement.reason).toMatch(/^too noisy to judge: .* detectable \d+\.\d %, 4 rounds; about \d+ rounds would be needed at this noise \(\d+ more\)$/);
  });

  it('throughput: lower is worse (-30 % fails, +30 % passes)', () => {
    expect(judgePairedRounds(abRounds(5, 6, -0.3), 'lower-is-worse', throughput).verdict).toBe('fail');
    expect(judgePairedRounds(abRounds(5, 6, 0.3), 'lower-is-worse', throughput).verdict).toBe('pass');
  });
});

describe('judgeAgainstRuns (stored baseline of k runs)', () => {
  const runs = (seed: number, count: number, spread: number, level = 2000) => {
    const draw = normals(seed);
    return Array.from({ length: count }, () => level * Math.exp(spread * draw()));
  };

  it('drift between runs never fails a clean candidate: it widens the interval instead', () => {
    const verdicts = Array.from({ length: 200 }, (_, trial) => judgeAgainstRuns(runs(trial + 1, 3, 0.3), runs(trial + 1000, 1, 0.3), 'higher-is-worse', latency).verdict);
    expect(tally(verdicts).fail ?? 0).toBeLessThanOrEqual(2);
    expect(tally(verdicts).inconclusive).toBeGreaterThan(190);
  });

  it('a steady machine (1 % between runs) with k = 5 passes clean and fails +40 %', () => {
    expect(judgeAgainstRuns(runs(7, 5, 0.01), runs(8, 1, 0.01), 'higher-is-worse', latency).verdict).toBe('pass');
    expect(judgeAgainstRuns(runs(7, 5, 0.01), runs(8, 1, 0.01, 2800), 'higher-is-worse', latency).verdict).toBe('fail');
  });

  it('a baseline too small for its noise says how many runs, and how many more, would decide', () => {
    const judgement = judgeAgainstRuns(runs(7, 3, 0.02), runs(8, 1, 0.02), 'higher-is-worse', latency);
    expect(judgement.verdict).toBe('inconclusive');
    const [, needed, more] = /about (\d+) baseline runs would be needed at this noise \((\d+) more\)$/.exec(judgement.reason) ?? [];
    expect(Number(needed), judgement.reason).toBe(judgement.roundsNeeded);
    expect(Number(more)).toBe(judgement.roundsNeeded! - 3);
  });

  it('a baseline of 2 runs decides nothing', () => {
    const judgement = judgeAgainstRuns(runs(7, 2, 0.01), runs(8, 1, 0.01, 4000), 'higher-is-worse', latency);
    expect(judgement.verdict).toBe('inconclusive');
    expect(judgement.reason).toBe('2 baseline runs; at least 3 are needed');
  });
});
