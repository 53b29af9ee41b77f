// What `npm run gate-quality` should find for live A/B, predicted by the
// simulated gate (scripts/gate-simulation-model.ts) from the round-to-round noise
// measured on this machine with both gateways loaded at once (docs/gate-quality.md,
// "Round noise").
import { percent } from '../harness/statistics/round-statistics.ts';
import { defaultBudget } from '../harness/scenario/performance-profile.ts';
import { allowedHoldUs } from './gate-quality-rig.ts';
import { type SimulatedLevel, simulateCell } from './gate-simulation-model.ts';

/**
 * Per level of the fast backend, the standard deviation of one round's log ratio
 * between two like gateways loaded at once (2 s runs, the largest of the
 * measurements), and the reference's p95 and mean latency then (2026-12-06).
 */
const measured = [
  { level: 'c=4', noise: { p95: 0.027, rps: 0.019 }, p95Us: 2600, meanUs: 800 },
  { level: 'rate=500', noise: { p95: 0.134, rps: 0.001 }, p95Us: 2700, meanUs: 1100 },
];

/** Simulated gates per row: rates to about 1 %. */
const gates = 1000;

/**
 * Prints the predicted verdicts, rounds and seconds per level, for candidates as
 * the gate would measure them: clean, half the allowed effect and 1.6x it, the
 * allowed effect being the first budget a closed loop's slowdown reaches (its
 * throughput falls as its latency grows; an open loop's throughput does not).
 */
export function printSimulation(options: { seconds: number; warmupSeconds: number; rounds: number }): void {
  console.log(`Simulated live A/B (not measured): ${gates} gates per row (seeds 1-${gates}), ${options.seconds} s levels, both gateways at once, at most ${options.rounds} rounds\n`);
  console.log('| level | noise per round (p95, throughput) | candidate | fail | inconclusive | pass | median rounds | median time to a decision |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|');
  for (const { level, noise, p95Us, meanUs } of measured) {
    const closed = level.startsWith('c=');
    const allowed = allowedHoldUs({ p95Us, meanUs, closed });
    for (const [name, share] of [['clean', 0], ['half the allowed', 0.5], ['1.6x the allowed', 1.6]] as const) {
      const holdUs = allowed * share;
      const simulated: SimulatedLevel = { p95Us, p95Effect: holdUs / p95Us, rpsEffect: closed ? -holdUs / (meanUs + holdUs) : 0, noise, drift: 0.3, roundSeconds: options.seconds + options.warmupSeconds };
      const result = simulateCell(simulated, { maxRounds: options.rounds, maxSeconds: 60 }, gates);
      const { fail, inconclusive, pass } = result.counts;
      console.log(`| ${level} | ${percent(noise.p95)}, ${percent(noise.rps)} | ${name} | ${fail} | ${inconclusive} | ${pass} | ${result.medianRounds} | ${result.medianSeconds.toFixed(0)} s |`);
    }
  }
}
