import type { Reporter, TestCase } from 'vitest/node';

const marks = { passed: '✓', failed: '✗', skipped: '○', pending: '…' } as const;

/** One line per finished case on stderr, so stdout stays clean for --json. */
export class ProgressReporter implements Reporter {
  private done = 0;

  constructor(private readonly write: (line: string) => void) {}

  onTestCaseResult(test: TestCase): void {
    const meta = test.meta().meshgate;
    if (!meta) return;
    this.done++;
    const result = test.result();
    const note = result.state === 'failed' ? `  ${result.errors[0]?.message.split('\n')[0] ?? ''}` : result.state === 'skipped' ? `  (${meta.outcome ?? 'SKIPPED'}: ${meta.reason ?? ''})` : '';
    const ms = Math.round(test.diagnostic()?.duration ?? 0);
    this.write(`${String(this.done).padStart(4)} ${marks[result.state]} ${meta.suite} ${meta.caseId} [${meta.subject}] ${ms}ms${note}`);
  }
}
