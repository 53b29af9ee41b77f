import type { HostParity } from './compare-answers.ts';
import type { ParityHost } from './parity-hosts.ts';
import type { ParityReport } from './run-parity.ts';
import { EnvironmentError } from '../errors.ts';

/** Worker `index` of `count` takes every count-th host from its index on: kinds and tenants spread evenly. */
export function shardOf<T>(items: readonly T[], index: number, count: number): T[] {
  return items.filter((_, position) => position % count === index);
}

/**
 * One report from the workers' reports: every host in the order of the host list, counts
 * summed, interrupted if any worker was. A host no worker reported is an error: a merge
 * with a hole in it would pass hosts nobody compared.
 */
export function mergeParityReports(parts: readonly ParityReport[], hosts: readonly ParityHost[]): ParityReport {
  const byHost = new Map<string, HostParity>(parts.flatMap((part) => part.hosts.map((host): [string, HostParity] => [host.host, host])));
  const interrupted = parts.some((part) => part.interrupted);
  const missing = hosts.filter((host) => !byHost.has(host.host));
  if (missing.length > 0 && !interrupted) throw new EnvironmentError(`${missing.length} hosts are in no worker's result (first: ${missing[0]!.host})`);
  const merged = hosts.flatMap((host) => byHost.get(host.host) ?? []);
  const count = (verdict: HostParity['verdict']) => merged.filter((parity) => parity.verdict === verdict).length;
  return {
    reference: parts[0]?.reference ?? '',
    candidate: parts[0]?.candidate ?? '',
    hosts: merged,
    counts: { same: count('same'), knownDifference: count('known-difference'), differs: count('differs'), unreachable: count('unreachable') },
    resumed: parts.reduce((sum, part) => sum + part.resumed, 0),
    interrupted,
  };
}
