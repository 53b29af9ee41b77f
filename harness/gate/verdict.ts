import type { CaseRecord } from '../reporters/case-record.ts';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface GateFinding {
  /** Case key or metric the finding is about. */
  subject: string;
  message: string;
}

export interface GateResult {
  verdict: Verdict;
  /** Why the verdict is not pass. */
  reasons: GateFinding[];
  /** Differences worth reading that do not change the verdict. */
  notes: GateFinding[];
}

/**
 * The verdict from one run's results alone: any failed case fails the gate; a
 * run with no case that passed decides nothing. Pure.
 */
export function gateResults(cases: CaseRecord[]): GateResult {
  const reasons = cases.filter((record) => record.result === 'FAILED').map((record) => ({ subject: record.key, message: record.reason }));
  if (reasons.length > 0) return { verdict: 'fail', reasons, notes: [] };
  if (!cases.some((record) => record.result === 'PASSED')) {
    return { verdict: 'inconclusive', reasons: [{ subject: 'run', message: 'no case passed: nothing was verified' }], notes: [] };
  }
  return { verdict: 'pass', reasons: [], notes: [] };
}

/** Exit codes: 0 pass, 1 the gate did not pass (fail or inconclusive). Harness errors exit 2 elsewhere. */
export function exitCodeFor(verdict: Verdict): 0 | 1 {
  return verdict === 'pass' ? 0 : 1;
}
