import type { Expectation, Observation } from '../suite/expectation.ts';
import type { CaseResult, Measurements } from '../suite/gateway-case.ts';

/** One case's outcome, as written to results.json and compared by the gate. */
export interface CaseRecord {
  /** `<suite>/<case-id>[<subject>]`: stable across runs. */
  key: string;
  suite: string;
  caseId: string;
  subject: string;
  description: string;
  result: CaseResult;
  /** Why it failed, was skipped or not supported; empty when it passed. */
  reason: string;
  durationMs: number;
  expected?: Expectation;
  fingerprint?: Observation;
  measurements?: Measurements;
}

export function caseKey(suite: string, caseId: string, subject: string): string {
  return `${suite}/${caseId}[${subject}]`;
}

/** Counts per result, in the enum's order. */
export function countResults(cases: CaseRecord[]): Record<CaseResult, number> {
  const counts: Record<CaseResult, number> = { PASSED: 0, FAILED: 0, SKIPPED: 0, NOT_SUPPORTED: 0 };
  for (const record of cases) counts[record.result]++;
  return counts;
}
