import type { CaseRecord } from '../results/case-record.ts';
import type { RunReport } from '../results/run-report.ts';

/** What stopped a run before every case could give a result (interrupted, a harness error). */
export interface RunError {
  /** Stable error code, e.g. E_INTERRUPTED (errors.ts). */
  code: string;
  message: string;
}

/**
 * junit.xml in the schema CI systems read (Jenkins/GitLab/GitHub's JUnit
 * format): one <testsuite> per suite, <failure> for FAILED, <skipped> for
 * SKIPPED and NOT_SUPPORTED (with the reason). A run that did not complete
 * gets a `meshgate` suite holding one <error> testcase, so CI shows it failed
 * however many cases passed before it stopped. Pure.
 */
export function formatJunitXml(runId: string, cases: CaseRecord[], errors: RunError[]): string {
  const suites = [...new Set(cases.map((record) => record.suite))].map((suite) => formatSuite(suite, cases.filter((record) => record.suite === suite)));
  if (errors.length > 0) suites.push(formatErrorSuite(errors));
  const failures = cases.filter((record) => record.result === 'FAILED').length;
  const time = seconds(cases.reduce((sum, record) => sum + record.durationMs, 0));
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="meshgate ${attribute(runId)}" tests="${cases.length + (errors.length > 0 ? 1 : 0)}" failures="${failures}" errors="${errors.length > 0 ? 1 : 0}" time="${time}">
${suites.join('\n')}
</testsuites>
`;
}

/** What junit.xml must show as errors for a report: an interrupted run (E_INTERRUPTED), suites that could not run (E_SUITE). */
export function runErrors(report: Pick<RunReport, 'status' | 'harnessErrors' | 'counts'>): RunError[] {
  const errors: RunError[] = [];
  if (report.status === 'interrupted') {
    errors.push({ code: 'E_INTERRUPTED', message: `the run was interrupted: ${report.counts.SKIPPED} case(s) did not run; there is no verdict` });
  }
  for (const message of report.harnessErrors) errors.push({ code: 'E_SUITE', message: `a suite could not run: ${message}` });
  return errors;
}

function formatSuite(suite: string, cases: CaseRecord[]): string {
  const count = (result: CaseRecord['result']) => cases.filter((record) => record.result === result).length;
  const skipped = count('SKIPPED') + count('NOT_SUPPORTED');
  const time = seconds(cases.reduce((sum, record) => sum + record.durationMs, 0));
  return `  <testsuite name="${attribute(suite)}" tests="${cases.length}" failures="${count('FAILED')}" errors="0" skipped="${skipped}" time="${time}">
${cases.map(formatCase).join('\n')}
  </testsuite>`;
}

function formatCase(record: CaseRecord): string {
  const open = `    <testcase classname="${attribute(record.suite)}" name="${attribute(`${record.caseId} [${record.subject}]`)}" time="${seconds(record.durationMs)}"`;
  if (record.result === 'PASSED') return `${open}/>`;
  if (record.result === 'FAILED') {
    return `${open}>\n      <failure message="${attribute(record.reason.split('\n')[0] ?? '')}" type="FAILED">${text(record.reason)}</failure>\n    </testcase>`;
  }
  return `${open}>\n      <skipped message="${attribute(`${record.result}: ${record.reason}`)}"/>\n    </testcase>`;
}

function formatErrorSuite(errors: RunError[]): string {
  const first = errors[0]!;
  return `  <testsuite name="meshgate" tests="1" failures="0" errors="1" skipped="0" time="0">
    <testcase classname="meshgate" name="run completed">
      <error message="${attribute(first.message)}" type="${attribute(first.code)}">${text(errors.map((error) => `[${error.code}] ${error.message}`).join('\n'))}</error>
    </testcase>
  </testsuite>`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** XML 1.0 forbids most control characters even escaped: drop them, then escape markup. */
function text(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function attribute(value: string): string {
  return text(value).replaceAll('"', '&quot;').replaceAll('\n', '&#10;');
}
