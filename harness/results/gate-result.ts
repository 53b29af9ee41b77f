/** What the gate decided: `pass`, `fail`, or `inconclusive` (the evidence could not decide). */
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
