import type { LoadedTarget } from '../target.ts';
import type { Expectation, Observation } from '../results/observation.ts';
import { compare } from './expectation.ts';
import type { DifferenceClass, DifferenceNote } from '../results/observation.ts';

/**
 * A known behaviour difference between the two gateways, as data: the cases it
 * touches, what each gateway does (with sources), and what the cutover makes of it.
 * `translated`: meshgate's Istio objects reproduce ingress-nginx (same expectation).
 * `accepted-gap`: Istio differs in a way the cutover accepts (`istio` expectation).
 * `blocking-gap`: Istio differs and the cutover must not pass (same expectation: the case fails).
 */
export interface KnownDifference {
  id: string;
  /** Case ids this difference shows in. */
  cases: string[];
  ingressNginx: string;
  istio: string;
  /** Links to the sources each behaviour was read from. */
  sources: string[];
  classification: DifferenceClass;
  /** For an accepted gap: the expectation on Istio, from the ingress-nginx one. */
  istioExpectation?: (expected: Expectation) => Expectation;
}

/** Which gateway a target fronts, from what it reports serving it (`istio/1.24`, `nginx/1.22.1`). */
export function gatewayFamily(target: LoadedTarget): 'istio' | 'ingress-nginx' {
  return /^istio\b/i.test(target.gateway.software ?? '') ? 'istio' : 'ingress-nginx';
}

/**
 * The expectation a case holds a target to: ingress-nginx's, or on Istio the one an
 * accepted gap of `differences` gives it. Returns the note to record with the result.
 */
export function expectationFor(
  family: 'istio' | 'ingress-nginx',
  caseId: string,
  expected: Expectation,
  differences: readonly KnownDifference[],
): { expected: Expectation; note?: DifferenceNote } {
  if (family !== 'istio') return { expected };
  const row = differences.find((difference) => difference.cases.includes(caseId));
  if (!row) return { expected };
  const note = { id: row.id, classification: row.classification };
  return { expected: row.istioExpectation ? row.istioExpectation(expected) : expected, note };
}

/** Whether `observed` departs from ingress-nginx's expectation: the difference was seen. */
export function differenceSeen(ingressExpected: Expectation, observed: Observation): boolean {
  return compare(ingressExpected, observed).length > 0;
}

/** Every way `differences` is inconsistent with the cases that exist; empty when it is sound. */
export function checkKnownDifferences(differences: readonly KnownDifference[], caseIds: readonly string[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const claimed = new Map<string, string>();
  for (const row of differences) {
    if (ids.has(row.id)) problems.push(`${row.id}: duplicate id`);
    ids.add(row.id);
    if (row.sources.length === 0) problems.push(`${row.id}: no source`);
    if (row.classification === 'accepted-gap' && row.cases.length > 0 && !row.istioExpectation) problems.push(`${row.id}: an accepted gap without an Istio expectation`);
    if (row.classification !== 'accepted-gap' && row.istioExpectation) problems.push(`${row.id}: only an accepted gap changes the expectation`);
    for (const caseId of row.cases) {
      if (!caseIds.includes(caseId)) problems.push(`${row.id}: names case ${caseId}, which does not exist`);
      const other = claimed.get(caseId);
      if (other) problems.push(`${row.id}: case ${caseId} is already named by ${other}`);
      claimed.set(caseId, row.id);
    }
  }
  return problems;
}
