import type { GatewayCase } from './gateway-case.ts';
import type { KnownDifference } from './known-difference.ts';

/**
 * The content a run is made of, passed in by whoever composes meshgate (the
 * framework never imports suites/): every suite's cases by name, the known
 * gateway differences Istio targets are held to, and where the cases live.
 */
export interface SuiteCatalogue {
  /** Every suite's cases by suite name: the one list of suites. */
  suites: Readonly<Record<string, ReadonlyArray<GatewayCase<any>>>>;
  knownDifferences: readonly KnownDifference[];
  /** The folder the cases are written in: its hash tells a baseline of another catalogue apart. */
  dir: string;
}
