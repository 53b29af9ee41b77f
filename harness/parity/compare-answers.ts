import type { Answers } from './host-probes.ts';

/** One field whose answers differ between the reference and the candidate, classed. */
export interface FieldDifference {
  field: string;
  reference: string | null;
  candidate: string | null;
  class: 'known-difference' | 'differs';
  /** The known-differences row that explains it. */
  row?: string;
}

export interface HostParity {
  host: string;
  /** `unreachable`: a gateway answered none of the host's probes, so nothing was compared (the run cannot pass). */
  verdict: 'same' | 'known-difference' | 'differs' | 'unreachable';
  /** Why a host is unreachable. */
  reason?: string;
  differences: FieldDifference[];
  /** Fields the reference itself answered differently twice (A/A): not compared. */
  noisy: string[];
}

/** A difference the known-differences table accounts for: the field, and what each gateway answers there. */
export interface ParityRule {
  row: string;
  field: RegExp;
  reference: string;
  candidate: string;
}

/**
 * Differences between the gateways that known-differences rows explain. Only rows
 * a client sees in an answer parity reads are here; tests/parity/ holds each row id
 * to suites/known-differences.ts.
 */
export const parityRules: readonly ParityRule[] = [
  // ingress-nginx answers a CORS preflight itself with 204 (nginx.tmpl's cors block); Envoy's CORS filter with 200.
  { row: 'cors-preflight-200', field: /^preflight (allowed|foreign) status$/, reference: '204', candidate: '200' },
];

/** The fields whose values differ between two answers of the same gateway, or that only one has. */
export function noisyFields(first: Answers, second: Answers): string[] {
  return fieldsOf(first, second).filter((field) => first[field] !== second[field]);
}

/**
 * Compares the candidate's answers with the reference's, leaving out the fields the
 * reference's own A/A answers showed to vary. A difference is a known difference
 * when a rule matches it and the table accepts its row (`accepted-gap`); any other,
 * a row the table marks blocking or translated included, differs.
 */
export function compareHost(host: string, reference: Answers, candidate: Answers, noisy: readonly string[], rows: ReadonlyMap<string, string>): HostParity {
  const skip = new Set(noisy);
  const differences: FieldDifference[] = [];
  for (const field of fieldsOf(reference, candidate)) {
    if (skip.has(field) || reference[field] === candidate[field]) continue;
    const [ref, cand] = [reference[field] ?? null, candidate[field] ?? null];
    const rule = parityRules.find((candidateRule) => candidateRule.field.test(field) && candidateRule.reference === ref && candidateRule.candidate === cand);
    const accepted = rule !== undefined && rows.get(rule.row) === 'accepted-gap';
    differences.push({ field, reference: ref, candidate: cand, class: accepted ? 'known-difference' : 'differs', ...(rule ? { row: rule.row } : {}) });
  }
  const verdict = differences.some((difference) => difference.class === 'differs') ? 'differs' : differences.length > 0 ? 'known-difference' : 'same';
  return { host, verdict, differences, noisy: [...noisy] };
}

function fieldsOf(first: Answers, second: Answers): string[] {
  return [...new Set([...Object.keys(first), ...Object.keys(second)])].sort();
}
