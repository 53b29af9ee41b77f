import type { SequenceStop } from './measurements.ts';

/** What the gate decided: `pass`, `fail`, or `inconclusive` (the evidence could not decide). */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface GateFinding {
  /** Case key or metric the finding is about. */
  subject: string;
  message: string;
}

/** How one live A/B level's rounds ended: the rounds it needed and why it stopped. */
export interface LevelSequence extends SequenceStop {
  /** The load case's key. */
  subject: string;
}

export interface GateResult {
  verdict: Verdict;
  /** Why the verdict is not pass. */
  reasons: GateFinding[];
  /** Differences worth reading that do not change the verdict. */
  notes: GateFinding[];
  /** Live A/B only: each level's rounds and why it stopped (decided, or a bound reached). */
  sequences?: LevelSequence[];
}
