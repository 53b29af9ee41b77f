// What `npm run gate-quality` should find for live A/B, predicted by the
// simulated gate (scripts/gate-simulation-model.ts) from the noise that the
// 2026-11-30 20-trial run measured on this machine (docs/gate-quality.md).
import jstat from 'jstat';
import { percent } from '../harness/statistics/round-statistics.ts';
import { defaultBudget } from '../harness/scenario/performance-profile.ts';
import { type SimulatedLevel, simulateCell } from './gate-simulation-model.ts';

/**
 * Per cell, the live A/B median detectable p95 effect of that run (6 rounds of
 * 1 s levels at c=10) and its p95. The detectable effect was
 * (t(0.99, 5) + t(0.8, 5)) x sd / sqrt(6), which gives each cell's round-to-round
 * log-ratio sd of p95.
 */
const measured = [
  { cell: 'fast-off', detectable: 0.178, p95Us: 2500 },
  { cell: 'fast-on', detectable: 0.295, p95Us: 4000 },
  { cell: '20ms-off', detectable: 0.086, p95Us: 23000 },
  { cell: '20ms-on', detectable: 0.093, p95Us: 27000 },
];

/** Simulated gates per row: rates to about 1 %. */
const gates = 1000;

/** Round-to-round log-ratio sd of p95 at 1 s levels, from a cell's detectable effect. */
export function noiseFromDetectable(detectable: number): number {
  return Math.log(1 + detectable) / ((jstat.studentt.inv(0.99, 5) + jstat.studentt.inv(0.8, 5)) / Math.sqrt(6));
}

/**
 * Prints the predicted verdicts, rounds and seconds per cell. Assumptions: the
 * noise shrinks with the square root of the level's length, throughput's noise is
 * half p95's, and the candidates are what the gate would measure (delivered, not
 * requested): clean, half the allowed effect, 1.5x the allowed effect.
 */
export function printSimulation(options: { seconds: number; rounds: number; level: string }): void {
  console.log(`Simulated live A/B (not measured): ${gates} gates per row (seeds 1-${gates}), ${options.seconds} s levels at ${options.level}, at most ${options.rounds} rounds\n`);
  console.log('| cell | p95 noise per round | candidate | fail | inconclusive | pass | median rounds | median time to a decision |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|');
  for (const { cell, detectable, p95Us } of measured) {
    const p95 = noiseFromDetectable(detectable) / Math.sqrt(options.seconds);
    const allowed = Math.max(defaultBudget.p95Increase, (defaultBudget.p95FloorMs * 1000) / p95Us);
    const candidates = [
      ['clean', 0, 0],
      ['half the allowed effect', allowed / 2, -defaultBudget.throughputDecrease / 2],
      ['1.5x the allowed effect', allowed * 1.5, 0],
    ] as const;
    for (const [name, p95Effect, rpsEffect] of candidates) {
      const level: SimulatedLevel = { p95Us, p95Effect, rpsEffect, noise: { p95, rps: p95 / 2 }, drift: 0.3, roundSeconds: 2 * (options.seconds + 0.5) };
      const result = simulateCell(level, { maxRounds: options.rounds, maxSeconds: Infinity }, gates);
      const { fail, inconclusive, pass } = result.counts;
      console.log(`| ${cell} | ${percent(p95)} | ${name} (+${percent(p95Effect)}) | ${fail} | ${inconclusive} | ${pass} | ${result.medianRounds} | ${result.medianSeconds.toFixed(0)} s |`);
    }
  }
}
