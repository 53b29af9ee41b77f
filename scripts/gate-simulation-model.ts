// A simulated live A/B gate with a known effect and known noise, pure and
// seeded: what the sequential rule (harness/statistics/ab-decision.ts) decides,
// after how many rounds and seconds. The tests hold its error rates to the
// stated alpha; `npm run gate-quality -- --simulate` prints the predicted table.
import type { AbRound, SequenceStop } from '../harness/results/measurements.ts';
import { decision, judgeRounds } from '../harness/statistics/ab-decision.ts';
import { type PerformanceBudget, defaultBudget } from '../harness/scenario/performance-profile.ts';

/** Deterministic standard normal draws (Park-Miller + Box-Muller): the same "noisy machine" for a seed. */
export function normals(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  const uniform = () => (state = (state * 16807) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface SimulatedLevel {
  /** The reference's p95 in µs: sets how much the 0.5 ms floor allows. */
  p95Us: number;
  /** The candidate's true p95 change (0.3 = +30 %). */
  p95Effect: number;
  /** The candidate's true throughput change (-0.2 = 20 % fewer req/s). */
  rpsEffect: number;
  /** Standard deviation of one round's log ratio candidate/reference: p95 and throughput. */
  noise: { p95: number; rps: number };
  /** Log sd of the machine's speed from round to round; it hits both sides of a round alike. */
  drift: number;
  /** Seconds one A/B round takes (two runs with their warm-ups). */
  roundSeconds: number;
}

export interface SimulatedBounds {
  maxRounds: number;
  maxSeconds: number;
}

export interface SimulatedGate {
  verdict: 'pass' | 'fail' | 'inconclusive';
  stop: SequenceStop;
}

/** One round's summaries: both sides drift together, each with its own half of the ratio noise. */
function drawRound(level: SimulatedLevel, draw: () => number, p95Effect: number, rpsEffect: number): AbRound {
  const machine = level.drift * draw();
  const side = (effect: number, sd: number) => (1 + effect) * Math.exp(machine + (sd / Math.SQRT2) * draw());
  return {
    reference: { p95Us: level.p95Us * side(0, level.noise.p95), rps: 1000 * side(0, level.noise.rps) },
    candidate: { p95Us: level.p95Us * side(p95Effect, level.noise.p95), rps: 1000 * side(rpsEffect, level.noise.rps) },
  };
}

/** A whole sequential gate on one level, as harness/load/ab-rounds.ts runs it, judged as the gate judges it. */
export function simulateGate(level: SimulatedLevel, bounds: SimulatedBounds, seed: number, budget: PerformanceBudget = defaultBudget): SimulatedGate {
  const draw = normals(seed);
  const design = { maxRounds: bounds.maxRounds };
  const rounds: AbRound[] = [];
  let stoppedBy: SequenceStop['stoppedBy'] | undefined;
  while (stoppedBy === undefined) {
    rounds.push(drawRound(level, draw, level.p95Effect, level.rpsEffect));
    const seconds = rounds.length * level.roundSeconds;
    stoppedBy = decision(rounds, budget, design) ?? (rounds.length >= bounds.maxRounds ? 'max-rounds' : seconds + level.roundSeconds > bounds.maxSeconds ? 'max-minutes' : undefined);
  }
  const verdicts = judgeRounds(rounds, budget, design).map(({ judgement }) => judgement.verdict);
  const verdict = verdicts.includes('fail') ? 'fail' : verdicts.every((one) => one === 'pass') ? 'pass' : 'inconclusive';
  return { verdict, stop: { rounds: rounds.length, maxRounds: bounds.maxRounds, stoppedBy, seconds: rounds.length * level.roundSeconds } };
}

/** Verdict counts and median rounds and seconds of `trials` simulated gates (seeds 1..trials). */
export function simulateCell(level: SimulatedLevel, bounds: SimulatedBounds, trials: number, budget: PerformanceBudget = defaultBudget) {
  const gates = Array.from({ length: trials }, (_, trial) => simulateGate(level, bounds, trial + 1, budget));
  const counts = { fail: 0, inconclusive: 0, pass: 0 };
  for (const gate of gates) counts[gate.verdict]++;
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return { counts, medianRounds: median(gates.map((gate) => gate.stop.rounds)), medianSeconds: median(gates.map((gate) => gate.stop.seconds)) };
}
