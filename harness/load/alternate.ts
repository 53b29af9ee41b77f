import type { GatewayAddress } from '../clients/http-client.ts';
import type { AbRound, Measurements, RoundSummary } from '../results/measurements.ts';
import { mergeLoadResults } from './load-recorder.ts';
import type { LoadResult } from '../results/load-result.ts';

/**
 * Runs one load against the candidate gateway, or, when a reference gateway is
 * given, `rounds` A/B rounds, so that machine drift hits both sides of a round
 * alike. The order alternates (AB, BA, AB, ...) so that going second is not
 * always the candidate's. The merged results go to `measurements.load` and
 * `measurements.reference`, each round's summary to `measurements.rounds`.
 */
export async function measureLoad(
  run: (gateway: GatewayAddress) => Promise<LoadResult>,
  gateway: GatewayAddress,
  reference: GatewayAddress | undefined,
  measurements: Measurements,
  options: { rounds: number; signal?: AbortSignal },
): Promise<LoadResult> {
  if (!reference) return (measurements.load = await run(gateway));
  const candidates: LoadResult[] = [];
  const references: LoadResult[] = [];
  for (let round = 0; round < options.rounds && !options.signal?.aborted; round++) {
    if (round % 2 === 0) {
      references.push(await run(reference));
      candidates.push(await run(gateway));
    } else {
      candidates.push(await run(gateway));
      references.push(await run(reference));
    }
  }
  // An interrupted comparison has no result: its rounds are incomplete.
  options.signal?.throwIfAborted();
  const rounds: AbRound[] = candidates.map((candidate, index) => ({ reference: summarise(references[index]!), candidate: summarise(candidate) }));
  measurements.rounds = rounds;
  measurements.reference = mergeLoadResults(references);
  return (measurements.load = mergeLoadResults(candidates));
}

/** A run's figures the gate compares. */
export function summarise(load: LoadResult): RoundSummary {
  return { p95Us: load.p95Us, rps: load.rps };
}
