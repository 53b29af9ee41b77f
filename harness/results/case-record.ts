import type { DifferenceNote, Expectation, Observation } from './observation.ts';
import type { Measurements } from './measurements.ts';

/** The four outcomes a case can have. */
export const caseResults = ['PASSED', 'FAILED', 'SKIPPED', 'NOT_SUPPORTED'] as const;
export type CaseResult = (typeof caseResults)[number];

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
  /** Time the case ran (its probe and retries), not counting its wait for a slot. */
  durationMs: number;
  expected?: Expectation;
  fingerprint?: Observation;
  measurements?: Measurements;
  /** On Istio: the known gateway difference this case followed, and whether this run showed it. */
  knownDifference?: DifferenceNote;
}

/** What the case runtime returns: the records, and whether the run was cut off or the harness failed. */
export interface CasesOutcome {
  cases: CaseRecord[];
  interrupted: boolean;
  harnessErrors: string[];
}


/** One row of the known differences a run applied: how many of its cases showed it. */
export interface KnownDifferenceSeen {
  id: string;
  classification: DifferenceNote['classification'];
  cases: number;
  seen: number;
}

/** The known differences the cases followed, each with how often it was seen. Pure. */
export function knownDifferencesSeen(cases: readonly CaseRecord[]): KnownDifferenceSeen[] {
  const rows = new Map<string, KnownDifferenceSeen>();
  for (const { knownDifference: note } of cases) {
    if (!note) continue;
    const row = rows.get(note.id) ?? { id: note.id, classification: note.classification, cases: 0, seen: 0 };
    row.cases++;
    if (note.seen) row.seen++;
    rows.set(note.id, row);
  }
  return [...rows.values()];
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
