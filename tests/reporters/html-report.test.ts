import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../harness/results/case-record.ts';
import { formatHtmlReport } from '../../harness/reporters/html-report.ts';
import { formatPerfCsv } from '../../harness/reporters/perf-csv.ts';
import { linearTicks, logTicks } from '../../harness/reporters/svg-chart.ts';
import { load, perfRecord, runReportOf } from './run-report-fixture.ts';

const failed: CaseRecord = {
  key: 'cors/x[<script>]', suite: 'cors', caseId: 'x', subject: '<script>', description: 'preflight answered', result: 'FAILED', reason: 'header "a" <b>', durationMs: 1,
  expected: { status: 204 }, fingerprint: { status: 404 },
};
const unsupported: CaseRecord = { key: 'protocols/h2c[ns-a/web]', suite: 'protocols', caseId: 'h2c', subject: 'ns-a/web', description: '', result: 'NOT_SUPPORTED', reason: 'the target lacks h2c', durationMs: 0 };
const cases = [perfRecord(1, 800), perfRecord(10, 1600), perfRecord(200, 900, true), failed, unsupported];
const report = runReportOf(cases, { runId: 'r1', scenario: 's', options: { command: 'run', reports: 'reports' }, untranslated: [{ appId: 'ns-a/web', setting: 'bodySize', effect: 'no limit' }] });

describe('formatHtmlReport', () => {
  const html = formatHtmlReport(report);
  it('leads with the verdict and why, then the suites, then failures with expected vs observed, escaped', () => {
    expect(html).toContain('meshgate: FAIL</h1>');
    expect(html.indexOf('id="why"')).toBeLessThan(html.indexOf('id="suites"'));
    expect(html.indexOf('id="suites"')).toBeLessThan(html.indexOf('id="failures"'));
    expect(html).toMatch(/<tr data-case="cors\/x\[&lt;script&gt;\]">.*<pre>\{\n &quot;status&quot;: 204\n\}<\/pre>.*<pre>\{\n &quot;status&quot;: 404\n\}<\/pre>.*header &quot;a&quot; &lt;b&gt;/s);
    expect(html).not.toContain('<script');
    expect(html).toContain('<tr data-suite="performance"><td class="pass">performance</td><td class="num" data-count="PASSED">3</td>');
  });

  it('lists not-supported cases with the reason and the known gateway differences', () => {
    expect(html).toMatch(/<code>protocols\/h2c\[ns-a\/web\]<\/code><\/td><td>not supported<\/td><td>the target lacks h2c/);
    expect(html).toContain('<th>what the gateway does instead</th>');
    const withRecorded = formatHtmlReport({ ...report, knownDifferences: [{ id: 'preflight-without-vary', classification: 'accepted-gap', cases: 4, seen: 0 }] });
    expect(withRecorded).toContain('<tr><td>preflight-without-vary</td><td>accepted-gap</td><td>0 of 4 (not seen)</td></tr>');
  });

  it('plots closed and open model apart, HDR curves on log axes, every axis labelled with ticks', () => {
    expect(html).toContain('ns-a/web: latency by concurrency');
    expect(html).toContain('ns-a/web: latency by arrival rate');
    expect(html).toContain('>connections (closed model)</text>');
    expect(html).toContain('>arrival rate, requests/s (open model)</text>');
    expect(html).toContain('ns-a/web: HDR percentile curves');
    expect(html).toContain('>99.9 %</text>');
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
      expect(svg.match(/class="tick y"/g)?.length ?? 0, svg.slice(0, 120)).toBeGreaterThanOrEqual(3);
      expect(svg.match(/class="axis-label"/g)).toHaveLength(2);
    }
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('<tr data-case="performance/http-closed-loop[ns-a/web c=10]"><td>c=10</td><td>closed</td><td data-metric="rps">1000</td><td data-metric="p50">0.80</td><td data-metric="p95">1.60</td>');
  });

  it('sets the candidate beside its reference with delta and the p-value the gate states', () => {
    const withReference = [perfRecord(10, 2000, false, load(10, 1000))];
    const gated = runReportOf(withReference);
    gated.gate.notes.push({ subject: `${withReference[0]!.key} p95 latency`, message: 'within budget: 100.0 % worse (budget 15 %), p = 0.0312, baseline noise 1.0 %' });
    const page = formatHtmlReport(gated);
    expect(page).toMatch(/<tr data-case="performance\/http-closed-loop\[ns-a\/web c=10\]" data-metric="p95 latency"><td>[^<]+<\/td><td>p95 latency<\/td><td>1.00 ms<\/td><td>2.00 ms<\/td><td class="fail">\+100.0 %<\/td><td>0.0312<\/td><\/tr>/);
    expect(page).toContain('p95 ref');
  });

  it('ends with the options, machine and versions; references nothing outside the page', () => {
    expect(html.indexOf('id="run"')).toBeGreaterThan(html.indexOf('id="performance"'));
    expect(html).toContain('<tr><th>option command</th><td>run</td></tr>');
    expect(html).not.toMatch(/(src|href)=|url\(|@import/);
  });

  it('says an interrupted run has no verdict', () => {
    expect(formatHtmlReport({ ...report, status: 'interrupted' })).toContain('meshgate: INTERRUPTED</h1>');
  });
});

describe('axis ticks', () => {
  it('linear ticks are round and cover the data; log ticks span the decades', () => {
    expect(linearTicks(0, 7.3).map((tick) => tick.value)).toEqual([0, 2, 4, 6, 8]);
    expect(logTicks(0.3, 8).map((tick) => tick.text)).toEqual(['0.1', '0.2', '0.5', '1', '2', '5', '10']);
    expect(logTicks(0.3, 400).map((tick) => tick.text)).toEqual(['0.1', '1', '10', '100', '1,000']);
  });
});

describe('formatPerfCsv', () => {
  it('writes one row per measured second with units in the header; open-model rows have a rate, not users', () => {
    const lines = formatPerfCsv(cases, report.startedAt).trim().split('\n');
    expect(lines[0]).toBe('timestamp,service,protocol,concurrent_users,target_rate_rps,window_s,requests,errors,p50_latency_ms,p95_latency_ms,p99_latency_ms,success_rate,rps');
    expect(lines).toHaveLength(1 + 9);
    expect(lines[3]).toBe('2026-01-01T12:00:02.000Z,ns-a/web,http,1,,2,1000,1,0.4,0.8,1.6,0.999,1000');
    expect(lines[7]).toBe('2026-01-01T12:00:00.000Z,ns-a/web,http,,200,0,1000,0,0.45,0.9,1.8,1,1000');
  });
});
