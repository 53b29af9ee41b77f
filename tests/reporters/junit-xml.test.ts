import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../harness/results/case-record.ts';
import { formatJunitXml, runErrors } from '../../harness/reporters/junit-xml.ts';
import { runReportOf } from './run-report-fixture.ts';

const passed: CaseRecord = { key: 'cors/a[x]', suite: 'cors', caseId: 'a', subject: 'x', description: '', result: 'PASSED', reason: '', durationMs: 1500 };
const failed: CaseRecord = { ...passed, key: 'cors/b[x]', caseId: 'b', result: 'FAILED', reason: 'status: expected 204, observed <404> & "more"\u0007' };
const notSupported: CaseRecord = { ...passed, key: 'ssl/c[x]', suite: 'ssl', caseId: 'c', result: 'NOT_SUPPORTED', reason: 'the target lacks h2c' };
const notRun: CaseRecord = { ...passed, key: 'ssl/d[x]', suite: 'ssl', caseId: 'd', result: 'SKIPPED', reason: 'not run (the run was interrupted)' };

describe('junit.xml', () => {
  it('one testsuite per suite: failures with the reason, skipped with result and reason, escaped', () => {
    const xml = formatJunitXml('r1', [passed, failed, notSupported], []);
    expect(xml).toContain('<testsuites name="meshgate r1" tests="3" failures="1" errors="0" time="4.500">');
    expect(xml).toContain('<testsuite name="cors" tests="2" failures="1" errors="0" skipped="0" time="3.000">');
    expect(xml).toContain('<testcase classname="cors" name="a [x]" time="1.500"/>');
    expect(xml).toContain('<failure message="status: expected 204, observed &lt;404&gt; &amp; &quot;more&quot;" type="FAILED">status: expected 204, observed &lt;404&gt; &amp; "more"</failure>');
    expect(xml).toContain('<skipped message="NOT_SUPPORTED: the target lacks h2c"/>');
    expect(xml).not.toContain('<error');
  });

  it('an interrupted run carries an <error>, however many cases passed', () => {
    const report = runReportOf([passed, notRun], { status: 'interrupted' });
    const xml = formatJunitXml(report.runId, report.cases, runErrors(report));
    expect(xml).toMatch(/<testsuites [^>]*tests="3" failures="0" errors="1"/);
    expect(xml).toContain('<error message="the run was interrupted: 1 case(s) did not run; there is no verdict" type="E_INTERRUPTED">');
    expect(runErrors(runReportOf([passed]))).toEqual([]);
    expect(runErrors(runReportOf([passed], { harnessErrors: ['suites/x.suite.ts: boom'] }))).toEqual([{ code: 'E_SUITE', message: 'a suite could not run: suites/x.suite.ts: boom' }]);
  });
});
