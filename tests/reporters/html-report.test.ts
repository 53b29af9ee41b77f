import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../harness/load/closed-loop.ts';
import type { CaseRecord } from '../../harness/reporters/case-record.ts';
import { formatHtmlReport } from '../../harness/reporters/html-report.ts';
import { formatPerfCsv } from '../../harness/reporters/perf-csv.ts';
import { runReportOf } from './run-report-fixture.ts';

function load(concurrency: number, p95Us: number): LoadResult {
  const windows = [0, 1, 2].map((second) => ({ second, requests: 1000, errors: second === 2 ? 1 : 0, p50Us: p95Us / 2, p95Us, p99Us: p95Us * 2 }));
  return { protocol: 'http', failures: { error: 0, timeout: 0, status: 0, mismatch: 0 }, startedAt: '2026-01-01T12:00:00.000Z', concurrency, durationMs: 3000, requests: 3000, errors: 1, successRate: 2999 / 3000, rps: 1000, p50Us: p95Us / 2, p95Us, p99Us: p95Us * 2, maxUs: p95Us * 3, windows, histogram: '' };
}

function perfRecord(concurrency: number, p95Us: number): CaseRecord {
  const subject = `ns-a/web c=${concurrency}`;
  return { key: `performance/http-closed-loop[${subject}]`, suite: 'performance', caseId: 'http-closed-loop', subject, description: '', result: 'PASSED', reason: '', durationMs: 3000, measurements: { load: load(concurrency, p95Us) } };
}

const failed: CaseRecord = { key: 'cors/x[<script>]', suite: 'cors', caseId: 'x', subject: '<script>', description: '', result: 'FAILED', reason: 'header "a" <b>', durationMs: 1 };
const cases = [perfRecord(1, 800), perfRecord(10, 1600), failed];
const report = runReportOf(cases, { runId: 'r1', scenario: 's' });

describe('formatHtmlReport', () => {
  const html = formatHtmlReport(report);
  it('leads with the verdict and lists failed cases, escaped', () => {
    expect(html).toContain('meshgate: FAIL</h1>');
    expect(html).toContain('<code>cors/x[&lt;script&gt;]</code>: header &quot;a&quot; &lt;b&gt;');
    expect(html).not.toContain('<script>');
  });
  it('draws per-target percentile curves and per-second timelines', () => {
    expect(html).toContain('<h2>ns-a/web</h2>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<tr><td>c=10</td><td>1000</td><td>0.80</td><td>1.60</td><td>3.20</td><td>99.97 %</td></tr>');
  });
});

describe('formatPerfCsv', () => {
  it('writes one row per measured second with units in the header', () => {
    const lines = formatPerfCsv(cases, report.startedAt).trim().split('\n');
    expect(lines[0]).toBe('timestamp,service,protocol,concurrent_users,target_rate_rps,window_s,requests,errors,p50_latency_ms,p95_latency_ms,p99_latency_ms,success_rate,rps');
    expect(lines).toHaveLength(1 + 6);
    expect(lines[3]).toBe('2026-01-01T12:00:02.000Z,ns-a/web,http,1,,2,1000,1,0.4,0.8,1.6,0.999,1000');
  });
});
