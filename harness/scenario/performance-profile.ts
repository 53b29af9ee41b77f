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
  /** Most live A/B rounds per level: rounds are added until the gate decides, or this many (`--gate-max-rounds`). */
  rounds: number;
  /** Most minutes of live A/B load per level (`--gate-max-minutes`): undecided then, the gate says inconclusive. */
  maxMinutes: number;
}

/** Bounds given on the command line, over the profile's. */
export interface SequenceFlags {
  /** `--gate-max-rounds`. */
  maxRounds?: number;
  /** `--gate-max-minutes`. */
  maxMinutes?: number;
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
 * Live A/B rounds are added until the gate decides (docs/gate-quality.md). At the
 * 3-9 % round-to-round noise of this 2-core machine a clean fast level decides in
 * 4-8 rounds; the bounds stop a level that cannot: about 1 minute a level in the
 * quick profile, 4 in the gate profile (5 s levels).
 */
const quickBounds = { rounds: 10, maxMinutes: 1 };
const gateDefaults: ProfileLevels = { durationSeconds: 5, warmupSeconds: 1, rounds: 20, maxMinutes: 4 };

/** Applies defaults to the scenario's performance section. Pure. */
export function resolvePerformance(input: NonNullable<Scenario['performance']>, defaultTargets: string[]): ResolvedPerformance {
  const quick = { durationSeconds: input.durationSeconds ?? 10, warmupSeconds: input.warmupSeconds ?? 2, rounds: input.rounds ?? quickBounds.rounds, maxMinutes: quickBounds.maxMinutes };
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

/** The same performance section with another profile's levels in force, and the command line's bounds over them. Pure. */
export function withProfile(performance: ResolvedPerformance, profile: ProfileName | undefined, bounds: SequenceFlags = {}): ResolvedPerformance {
  const levels = profile === undefined ? performance : { ...performance, ...performance.profiles[profile], profile };
  return { ...levels, rounds: bounds.maxRounds ?? levels.rounds, maxMinutes: bounds.maxMinutes ?? levels.maxMinutes };
}

/** A load level: closed model at a concurrency, or open model at an arrival rate (per second). */
export interface LoadLevel {
  model: 'closed' | 'open';
  level: number;
}

/**
 * Whether live A/B judges this level of a load target. The gate profile judges
 * every level. The quick profile judges one level a target, so that the default
 * `validate` with a compare target decides within about half a minute a target: the
 * closed-model concurrency nearest 10. An open-model level is not it: at the
 * quick profile's rates and seconds its p95 rests on too few answers (500 req/s
 * for 2 s: the 50 slowest) to settle in a few rounds. The other levels run once,
 * on the candidate, for their success rate.
 */
export function isJudgedLevel(performance: ResolvedPerformance, { model, level }: LoadLevel): boolean {
  if (performance.profile === 'gate') return true;
  const nearest = performance.concurrency.reduce((best, candidate) => (Math.abs(candidate - 10) < Math.abs(best - 10) ? candidate : best));
  return model === 'closed' && level === nearest;
}

/**
 * What the performance suite will cost at most, said before it starts: load
 * levels (targets x levels, an estimate from the scenario) times rounds times
 * seconds (a live A/B round loads both gateways at once); live A/B stops a level
 * early once it is decided, and the quick profile judges one level a target
 * (`isJudgedLevel`).
 */
export function describeCost(performance: ResolvedPerformance, loadTargets: number, live: boolean): string {
  const levels = loadTargets * performance.concurrency.length + (performance.rates.length > 0 ? performance.rates.length : 0);
  const run = performance.durationSeconds + performance.warmupSeconds;
  if (!live) return `performance profile ${performance.profile}: ${levels} load levels x 1 run x ${run} s = about ${Math.ceil((levels * run) / 60)} min of load`;
  const judged = performance.profile === 'gate' ? levels : loadTargets;
  const perLevel = Math.min(performance.rounds * run, performance.maxMinutes * 60);
  const once = levels - judged;
  const shape = `${judged} ${performance.profile === 'gate' ? 'load levels' : 'judged load levels (one a target)'} x up to ${performance.rounds} A/B rounds (both gateways at once, until decided, at most ${performance.maxMinutes} min a level) x ${run} s`;
  const rest = once > 0 ? ` + ${once} levels x 1 run x ${run} s` : '';
  return `performance profile ${performance.profile}: ${shape}${rest} = at most about ${Math.ceil((judged * perLevel + once * run) / 60)} min of load`;
}
