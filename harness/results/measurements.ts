import type { LoadResult } from './load-result.ts';

/** One live A/B round, summarised: the gate's unit of evidence (harness/statistics/round-statistics.ts). */
export interface RoundSummary {
  p95Us: number;
  rps: number;
}

export interface AbRound {
  reference: RoundSummary;
  candidate: RoundSummary;
}

/** The stopping rule's answer once the rounds settle pass or fail. */
export type Decided = 'decided-pass' | 'decided-fail';

/** How a live A/B level's sequence of rounds ended (harness/statistics/ab-decision.ts). */
export interface SequenceStop {
  /** A/B rounds measured. */
  rounds: number;
  /** The most rounds it could have taken: the group-sequential design the gate reads the rounds with. */
  maxRounds: number;
  /** Decided (the interval settled pass or fail), or a bound reached first: undecided, the gate says inconclusive. */
  stoppedBy: Decided | 'max-rounds' | 'max-minutes';
  /** Seconds of load the level took. */
  seconds: number;
}

/**
 * A load case's figures for one level: its result (histograms, per-second
 * windows, failures by kind), with --compare-target the reference's result and
 * each A/B round's summary, and how the load generator was pinned to CPUs.
 */
export interface LoadMeasurements {
  load?: LoadResult;
  /** The live A/B reference's merged result (--compare-target or dual mode). */
  reference?: LoadResult;
  /** Each live A/B round, summarised: the gate's unit of evidence. */
  rounds?: AbRound[];
  /** How the sequence of A/B rounds ended. */
  sequence?: SequenceStop;
  /**
   * Live A/B: the share of its solo figure each side kept when both were loaded
   * together (throughput, or the inverse of p95 in an open loop): far apart, the
   * two took resources from each other unevenly (harness/load/ab-rounds.ts).
   */
  together?: { reference: number; candidate: number };
  /** Why a level that had a live reference was not A/B-judged (the quick profile judges one level a target). */
  unjudged?: string;
  /** CPUs of the gateway and the load generator, or null when the machine was not split. */
  pinning?: { gateway: string; load: string } | null;
}

/** A certificate case's figures. */
export interface CertificateMeasurements {
  /** When the served certificate expires (ISO 8601). */
  notAfter?: string;
  /** Whole days until then. */
  daysLeft?: number;
}

/** What a measured case attaches to its result; results.json carries it as written. */
export interface Measurements extends LoadMeasurements, CertificateMeasurements {
  /** Worth reading, not a failure: the gate lists it as a note. */
  warning?: string;
}

/** The load result a performance case (or a baseline's copy of it) left in its measurements, if any. */
export function loadResultOf(holder: { measurements?: Measurements }): LoadResult | undefined {
  const load = holder.measurements?.load;
  return load && Array.isArray(load.windows) ? load : undefined;
}
