import type { GatewayAddress } from '../clients/http-client.ts';
import type { AbRound, Decided, Measurements, RoundSummary, SequenceStop } from '../results/measurements.ts';
import { mergeLoadResults } from './load-recorder.ts';
import type { LoadResult } from '../results/load-result.ts';

/** When a live A/B level stops adding rounds. */
export interface SequenceBounds {
  /** Most A/B rounds. */
  maxRounds: number;
  /** Most milliseconds of load for the level; a round that would end past it is not started. */
  maxMs: number;
  /** The stopping rule, read after every round: decided, or undefined while more rounds may tell. */
  decide: (rounds: AbRound[]) => Decided | undefined;
}

/**
 * Runs one load against the candidate gateway, or, when a reference gateway is
 * given, A/B rounds until `bounds.decide` settles or a bound is reached. In each
 * round both gateways take the same load at the same time, as a canary is
 * compared with a baseline deployed beside it and serving the same traffic at
 * the same time (Spinnaker's canary best practices): whatever slows the machine
 * during the round (a stall, a neighbour, drift) hits both sides of its ratio.
 * Which side starts first alternates round by round, so that starting first is
 * not always the candidate's. Loaded together, the two share what they share
 * (here a CPU and the load generator), and that can be uneven: so each side is
 * first measured alone once, and `measurements.together` keeps the share of its
 * solo figure each kept beside the other (the gate refuses a ratio taken while
 * one side took the other's resources). The merged results go to
 * `measurements.load` and `measurements.reference`, each round's summary to
 * `measurements.rounds`, how it ended to `measurements.sequence`.
 */
export async function measureLoad(
  run: (gateway: GatewayAddress) => Promise<LoadResult>,
  gateway: GatewayAddress,
  reference: GatewayAddress | undefined,
  measurements: Measurements,
  options: { bounds: SequenceBounds; signal?: AbortSignal },
): Promise<LoadResult> {
  if (!reference) return (measurements.load = await run(gateway));
  const { bounds, signal } = options;
  const candidates: LoadResult[] = [];
  const references: LoadResult[] = [];
  const rounds: AbRound[] = [];
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const alone = { reference: await run(reference), candidate: await run(gateway) };
  let stoppedBy: SequenceStop['stoppedBy'] | undefined;
  while (stoppedBy === undefined && !signal?.aborted) {
    // Both start now, in the order written: the reference first in even rounds.
    const started = rounds.length % 2 === 0 ? { ref: run(reference), candidate: run(gateway) } : { candidate: run(gateway), ref: run(reference) };
    const [ref, candidate] = await Promise.all([started.ref, started.candidate]);
    references.push(ref);
    candidates.push(candidate);
    rounds.push({ reference: summarise(ref), candidate: summarise(candidate) });
    // The next round would take about as long as the mean round so far.
    stoppedBy = bounds.decide(rounds) ?? (rounds.length >= bounds.maxRounds ? 'max-rounds' : elapsed() * (1 + 1 / rounds.length) > bounds.maxMs ? 'max-minutes' : undefined);
  }
  // An interrupted comparison has no result: its rounds are incomplete.
  signal?.throwIfAborted();
  measurements.rounds = rounds;
  measurements.sequence = { rounds: rounds.length, maxRounds: bounds.maxRounds, stoppedBy: stoppedBy!, seconds: elapsed() / 1000 };
  measurements.reference = mergeLoadResults(references);
  measurements.load = mergeLoadResults(candidates);
  measurements.together = { reference: keptShare(alone.reference, measurements.reference), candidate: keptShare(alone.candidate, measurements.load) };
  return measurements.load;
}

/**
 * The share of its solo figure a side kept when loaded beside the other: its
 * throughput in a closed loop, the inverse of its p95 in an open one (whose
 * throughput is the schedule's).
 */
function keptShare(alone: LoadResult, together: LoadResult): number {
  return together.targetRate === undefined ? together.rps / alone.rps : alone.p95Us / together.p95Us;
}

/** A run's figures the gate compares. */
export function summarise(load: LoadResult): RoundSummary {
  return { p95Us: load.p95Us, rps: load.rps };
}
