import type { AbRound, Decided, RoundSummary, SequenceStop } from '../results/measurements.ts';
import type { PerformanceBudget } from '../scenario/performance-profile.ts';
import { type Direction, type EffectBudget, type Judgement, type StatisticsOptions, defaultStatistics, judgePairedRounds } from './round-statistics.ts';

/**
 * The live A/B decision, shared by the load (which adds rounds until it is
 * decided, harness/load/ab-rounds.ts) and the gate (which reports it), so both
 * read the same rounds the same way. Pure.
 */

/** A metric the gate judges per load case. */
export interface RoundMetric {
  name: string;
  value: (summary: RoundSummary) => number;
  direction: Direction;
  budget: (budget: PerformanceBudget) => EffectBudget;
}

export const roundMetrics: RoundMetric[] = [
  { name: 'p95 latency', value: (s) => s.p95Us, direction: 'higher-is-worse', budget: (b) => ({ relative: b.p95Increase, floor: b.p95FloorMs * 1000 }) },
  { name: 'throughput', value: (s) => s.rps, direction: 'lower-is-worse', budget: (b) => ({ relative: b.throughputDecrease, floor: b.throughputFloorRps }) },
];

/** Each bound of the budget's two-sided confidence (0.98 -> 0.99 one-sided). */
export function statisticsFor(budget: PerformanceBudget): StatisticsOptions {
  return { ...defaultStatistics, confidence: 1 - (1 - budget.confidence) / 2 };
}

/** The design of a live A/B: the most rounds it could take. */
export interface AbDesign {
  maxRounds: number;
}

/** Every metric's judgement of live A/B rounds. */
export function judgeRounds(rounds: AbRound[], budget: PerformanceBudget, design: AbDesign): Array<{ metric: RoundMetric; judgement: Judgement }> {
  return roundMetrics.map((metric) => {
    const pairs = rounds.map((round) => ({ reference: metric.value(round.reference), candidate: metric.value(round.candidate) }));
    return { metric, judgement: judgePairedRounds(pairs, metric.direction, metric.budget(budget), statisticsFor(budget), design) };
  });
}

/**
 * The stopping rule: decided when any metric fails (the gate fails whatever the
 * others say) or every metric passes; undefined while more rounds may tell.
 */
export function decision(rounds: AbRound[], budget: PerformanceBudget, design: AbDesign): Decided | undefined {
  const verdicts = judgeRounds(rounds, budget, design).map(({ judgement }) => judgement.verdict);
  if (verdicts.includes('fail')) return 'decided-fail';
  return verdicts.every((verdict) => verdict === 'pass') ? 'decided-pass' : undefined;
}

/** Why a sequence stopped, in words. */
export function describeStop(stop: SequenceStop): string {
  const why = { 'decided-pass': 'decided', 'decided-fail': 'decided', 'max-rounds': 'undecided at the round bound', 'max-minutes': 'undecided at the time bound' }[stop.stoppedBy];
  return `${stop.rounds} rounds in ${Math.round(stop.seconds)} s, ${why}`;
}
