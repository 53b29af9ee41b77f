import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { SerializedError } from 'vitest';
import { type CaseRecord, caseKey } from '../results/case-record.ts';

/**
 * A vitest reporter that turns finished tests into CaseRecords. Tests never write
 * files; the CLI writes reports from what this collects. One collector serves the
 * several vitest runs of a session, and keeps every case that finished even when
 * a run is cut off before it ends (an interrupt).
 */
export class ResultsCollector implements Reporter {
  /** Records of the runs that ended, each in its files' order. */
  private readonly ended: CaseRecord[] = [];
  /** Records of the run in progress, as its cases finish. */
  private readonly running = new Map<string, CaseRecord>();
  /** Errors outside any case (a suite file that failed to load): the harness failed, not the gateway. */
  harnessErrors: string[] = [];
  interrupted = false;

  get cases(): CaseRecord[] {
    return [...this.ended, ...this.running.values()];
  }

  onTestCaseResult(test: TestCase): void {
    const record = toRecord(test);
    if (record) this.running.set(test.id, record);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    if (reason === 'interrupted') this.interrupted = true;
    this.running.clear();
    this.ended.push(...modules.flatMap((module) => [...module.children.allTests()].map(toRecord)).filter((record) => record !== undefined));
    this.harnessErrors.push(
      ...errors.map((error) => error.message),
      ...modules.flatMap((module) => module.errors().map((error) => `${module.moduleId}: ${error.message}`)),
    );
  }
}

function toRecord(test: TestCase): CaseRecord | undefined {
  const meta = test.meta().meshgate;
  if (!meta) return undefined;
  const result = test.result();
  const base = {
    key: caseKey(meta.suite, meta.caseId, meta.subject),
    suite: meta.suite,
    caseId: meta.caseId,
    subject: meta.subject,
    description: meta.description,
    durationMs: meta.durationMs ?? Math.round(test.diagnostic()?.duration ?? 0),
    expected: meta.expected,
    fingerprint: meta.fingerprint,
    measurements: meta.measurements && Object.keys(meta.measurements).length > 0 ? meta.measurements : undefined,
    knownDifference: meta.knownDifference,
  };
  switch (result.state) {
    case 'passed':
      return { ...base, result: 'PASSED', reason: '' };
    case 'failed':
      return { ...base, result: 'FAILED', reason: result.errors.map((error) => error.message).join('; ') };
    case 'skipped':
      return { ...base, result: meta.outcome ?? 'SKIPPED', reason: meta.reason ?? 'skipped' };
    default:
      return { ...base, result: 'SKIPPED', reason: 'not run (the run was interrupted)' };
  }
}
