import type { CaseRecord, CaseResult } from '../results/case-record.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';

/**
 * What a case's test leaves in vitest's task meta: the CaseRecord's fields as far
 * as the case knows them (the collector adds key, result and reason), and how
 * many attempts it took.
 */
export type CaseMeta = Pick<CaseRecord, 'suite' | 'caseId' | 'subject' | 'description'> &
  Partial<Pick<CaseRecord, 'reason' | 'expected' | 'fingerprint' | 'measurements' | 'knownDifference'>> & {
    /** Set when the outcome is not visible as pass/fail: NOT_SUPPORTED or SKIPPED. */
    outcome?: Extract<CaseResult, 'NOT_SUPPORTED' | 'SKIPPED'>;
    attempts?: number;
    /** Time the case ran once it had its slots; vitest's own duration also counts the wait for them. */
    durationMs?: number;
  };

declare module '@vitest/runner' {
  interface TaskMeta {
    meshgate?: CaseMeta;
  }
}

declare module 'vitest' {
  interface ProvidedContext {
    /** The module exporting the run's SuiteCatalogue as `catalogue` (a file path). */
    catalogueModule: string;
    /** The suites to register, in order. */
    suites: string[];
    /** The target under test, as read from its file. */
    target: LoadedTarget;
    /** The reference target of a live A/B comparison (--compare-target), if any. */
    compareTarget: LoadedTarget | null;
    /** Slots of functional work at once (--concurrency). */
    concurrency: number;
    /** The run's timeouts (defaults < MESHGATE_TIMEOUT_* < --timeouts), resolved once in the CLI. */
    timeouts: Timeouts;
  }
}
