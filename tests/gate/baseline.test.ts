import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineFromReport, readBaseline, writeBaseline } from '../../harness/gate/baseline.ts';
import type { Baseline } from '../../harness/results/baseline.ts';
import { gateResults } from '../../harness/gate/verdict.ts';
import { InputFileError, UsageError } from '../../harness/errors.ts';
import { type CaseRecord, caseKey } from '../../harness/results/case-record.ts';
import type { RunReport } from '../../harness/results/run-report.ts';
import type { CaseResult } from '../../harness/results/case-record.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';
import { runReportOf } from '../reporters/run-report-fixture.ts';

function record(caseId: string, result: CaseResult, fingerprint: CaseRecord['fingerprint'] = { status: 200 }): CaseRecord {
  return { key: caseKey('cors', caseId, 'ns-a/web'), suite: 'cors', caseId, subject: 'ns-a/web', description: '', result, reason: result === 'FAILED' ? 'status: expected 200, observed 404' : '', durationMs: 1, fingerprint };
}

function baselineOf(cases: CaseRecord[]): Baseline {
  const report = runReportOf(cases, { runId: 'base', scenario: 's', scenarioHash: 'h' });
  return baselineFromReport(report, 'results.json');
}

describe('functional parity against a baseline', () => {
  it.each([
    { name: 'passed then, passes now', before: 'PASSED', now: 'PASSED', verdict: 'pass', reason: undefined },
    { name: 'passed then, fails now: a regression', before: 'PASSED', now: 'FAILED', verdict: 'fail', reason: /regressed \(passed in baseline base\)/ },
    { name: 'failed then and now: a note, not a regression', before: 'FAILED', now: 'FAILED', verdict: 'inconclusive', reason: undefined },
    { name: 'new case that fails', before: undefined, now: 'FAILED', verdict: 'fail', reason: /status: expected 200/ },
    { name: 'passed then, not supported now: a note', before: 'PASSED', now: 'NOT_SUPPORTED', verdict: 'inconclusive', reason: undefined },
  ] as const)('$name', ({ before, now, verdict, reason }) => {
    const baseline = baselineOf(before ? [record('x', before)] : [record('other', 'PASSED')]);
    const result = gateResults([record('x', now)], baseline);
    expect(result.verdict).toBe(verdict);
    if (reason) expect(result.reasons[0]?.message).toMatch(reason);
    else expect(result.reasons.filter((finding) => finding.subject !== 'run')).toEqual([]);
  });

  it('lists fingerprint differences even when both pass', () => {
    const baseline = baselineOf([record('x', 'PASSED', { status: 200, headers: { vary: 'Origin' } })]);
    const result = gateResults([record('x', 'PASSED', { status: 200, headers: { vary: 'Accept' } })], baseline);
    expect(result.verdict).toBe('pass');
    expect(result.notes).toEqual([{ subject: 'cors/x[ns-a/web]', message: 'fingerprint changed: header vary: "Origin" -> "Accept"' }]);
  });

  it('notes baseline cases of the suites that ran but were not run now', () => {
    const result = gateResults([record('x', 'PASSED')], baselineOf([record('x', 'PASSED'), record('gone', 'PASSED')]));
    expect(result.notes).toEqual([{ subject: 'cors/gone[ns-a/web]', message: 'in the baseline (PASSED) but not run now' }]);
  });

  it('an interrupted run cannot become a baseline', () => {
    const report = { status: 'interrupted', harnessErrors: [] } as unknown as RunReport;
    expect(() => baselineFromReport(report, 'r.json')).toThrow(/interrupted/);
  });
});

describe('baseline files', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch.remove());

  it('round-trips, and refuses to replace an existing file without force', async () => {
    const file = join(scratch.dir, 'b.json');
    const baseline = baselineOf([record('x', 'PASSED')]);
    await writeBaseline(file, baseline, { force: false });
    expect(await readBaseline(file)).toEqual(baseline);
    await expect(writeBaseline(file, baseline, { force: false })).rejects.toBeInstanceOf(UsageError);
    await writeBaseline(file, { ...baseline, runId: 'second' }, { force: true });
    expect((await readBaseline(file)).runId).toBe('second');
  });

  it.each([
    { name: 'not JSON', text: '{"kind": "meshgate-baseline", "ver', message: /cannot read baseline/ },
    { name: 'a newer format', text: JSON.stringify({ kind: 'meshgate-baseline', version: 9 }), message: /format version 9 is not supported/ },
    { name: 'a results file instead', text: JSON.stringify({ version: 1, cases: [] }), message: /not a meshgate baseline:\n {2}at kind/ },
    { name: 'an unknown result', text: JSON.stringify({ ...baselineOf([]), cases: [{ key: 'k', result: 'MAYBE' }] }), message: /at cases\.0\.result/ },
  ])('a corrupt or incompatible baseline is an input error naming the file: $name', async ({ text, message }) => {
    const file = join(scratch.dir, 'bad.json');
    await writeFile(file, text);
    const error = await readBaseline(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
    expect((error as InputFileError).exitCode).toBe(2);
  });
});
