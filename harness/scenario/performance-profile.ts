import type { Scenario } from './schema.ts';

/** quick: short levels, a smoke test of load (no verdict without a reference); gate: long enough for a verdict. */
export type ProfileName = 'quick' | 'gate';

/** How much worse a candidate may be, per metric: a share and an absolute floor. */
export interface PerformanceBudget {
  /** p95 latency may grow by this share (0.15 = +15 %). */
  p95Increase: number;
  /** Throughput may fall by this share (0.1 = -10 %). */
  throughputDecrease: number;
  /** A p95 increase below this many milliseconds never fails. */
  p95FloorMs: number;
  /** A throughput drop below this many requests per second never fails. */
  throughputFloorRps: number;
  /** Two-sided confidence of the interval on each effect. */
  confidence: number;
}

/** Level timing and rounds of one profile. */
export interface ProfileLevels {
  /** Measured seconds per level and round. */
  durationSeconds: number;
  /** Unmeasured seconds of load before each measurement. */
  warmupSeconds: number;
  /** Live A/B rounds per level. */
  rounds: number;
}

export interface ResolvedPerformance extends ProfileLevels {
  concurrency: number[];
  rates: number[];
  targets: string[];
  /** The profile whose levels are in force. */
  profile: ProfileName;
  /** The levels of each profile, so a flag can switch after the scenario was resolved. */
  profiles: Record<ProfileName, ProfileLevels>;
  budget: PerformanceBudget;
}

/** The seeds' budget (p95 +15 %, throughput -10 %) with a 0.5 ms floor, at Kayenta's 98 % confidence. */
export const defaultBudget: PerformanceBudget = { p95Increase: 0.15, throughputDecrease: 0.1, p95FloorMs: 0.5, throughputFloorRps: 0, confidence: 0.98 };

/**
 * Gate profile defaults: on a 2-core shared machine, paired rounds of 5 s showed
 * 3-8 % round-to-round ratio noise, and 8 rounds bring the detectable effect at
 * that noise under the 15 % budget (README, performance gate).
 */
const gateDefaults: ProfileLevels = { durationSeconds: 5, warmupSeconds: 1, rounds: 8 };

/** Applies defaults to the scenario's performance section. Pure. */
export function resolvePerformance(input: NonNullable<Scenario['performance']>, defaultTargets: string[]): ResolvedPerformance {
  const quick = { durationSeconds: input.durationSeconds ?? 10, warmupSeconds: input.warmupSeconds ?? 2, rounds: input.rounds ?? 4 };
  const gate = { ...gateDefaults, ...input.gate };
  const profile = input.profile ?? 'quick';
  return {
    concurrency: input.concurrency ?? [1, 10, 50, 100],
    rates: input.rates ?? [],
    targets: input.targets ?? defaultTargets,
    ...(profile === 'gate' ? gate : quick),
    profile,
    profiles: { quick, gate },
    budget: { ...defaultBudget, ...input.budget },
  };
}

/** The same performance section with another profile's levels in force. Pure. */
export function withProfile(performance: ResolvedPerformance, profile: ProfileName | undefined): ResolvedPerformance {
  return profile === undefined ? performance : { ...performance, ...performance.profiles[profile], profile };
}

/**
 * What the performance suite will cost, said before it starts: load levels
 * (targets x levels, an estimate from the scenario) times rounds times seconds.
 */
export function describeCost(performance: ResolvedPerformance, loadTargets: number, live: boolean): string {
  const levels = loadTargets * performance.concurrency.length + (performance.rates.length > 0 ? performance.rates.length : 0);
  const measurements = live ? performance.rounds * 2 : 1;
  const seconds = levels * measurements * (performance.durationSeconds + performance.warmupSeconds);
  const shape = live ? `${performance.rounds} A/B rounds x 2 gateways` : '1 run';
  return `performance profile ${performance.profile}: ${levels} load levels x ${shape} x ${performance.durationSeconds + performance.warmupSeconds} s = about ${Math.ceil(seconds / 60)} min of load`;
}
