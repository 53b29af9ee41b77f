import type { GatewayAddress } from '../clients/http-client.ts';
import type { Measurements } from '../suite/gateway-case.ts';
import { type LoadResult, mergeLoadResults } from './load-recorder.ts';

/** Rounds of a live A/B comparison: reference, candidate, reference, candidate, ... */
export const abRounds = 4;

/**
 * Runs one load against the candidate gateway, or, when a reference gateway is
 * given, alternates reference and candidate for `abRounds` rounds so that machine
 * drift hits both alike; the merged results go to `measurements.load` and
 * `measurements.reference`, where the gate compares them.
 */
export async function measureLoad(
  run: (gateway: GatewayAddress) => Promise<LoadResult>,
  gateway: GatewayAddress,
  reference: GatewayAddress | undefined,
  measurements: Measurements,
  signal?: AbortSignal,
): Promise<LoadResult> {
  if (!reference) return (measurements.load = await run(gateway));
  const candidates: LoadResult[] = [];
  const references: LoadResult[] = [];
  for (let round = 0; round < abRounds && !signal?.aborted; round++) {
    references.push(await run(reference));
    candidates.push(await run(gateway));
  }
  measurements.reference = mergeLoadResults(references);
  return (measurements.load = mergeLoadResults(candidates));
}
