import { describe, expect, it } from 'vitest';
import { type CaseRecord, caseKey, knownDifferencesSeen } from '../../harness/results/case-record.ts';
import type { RunReport } from '../../harness/results/run-report.ts';
import { formatSummaryMarkdown } from '../../harness/reporters/summary-markdown.ts';
import type { CaseResult } from '../../harness/results/case-record.ts';
import { runReportOf } from './run-report-fixture.ts';

function record(suite: string, caseId: string, subject: string, result: CaseResult, reason = ''): CaseRecord {
  return { key: caseKey(suite, caseId, subject), suite, caseId, subject, description: `${caseId} on ${subject}`, result, reason, durationMs: 7 };
}


const routingPass = record('routing', 'host-routes', 'ns-a/web', 'PASSED');
const routingPass2 = record('routing', 'host-routes', 'ns-a/api', 'PASSED');
const routingFail = record('routing', 'squatter', 'ns-c/squatter', 'FAILED', 'backend: expected ns-a/web, observed "ns-c/squatter"');
const tlsPass = record('tls', 'sni-cert', 'ns-a/web', 'PASSED');
const corsFail = record('cors', 'preflight', 'ns-a/terminal', 'FAILED', 'status: expected 204, observed 200');
const h2c = record('protocols', 'h2c', 'ns-a/web', 'NOT_SUPPORTED', 'the target lacks feature h2c');
const skippedLoad = record('load', 'throughput', 'ns-a/web', 'SKIPPED', 'excluded by --case');

describe('formatSummaryMarkdown', () => {
  it.each<{ name: string; report: RunReport; headline: string }>([
    { name: 'pass', report: runReportOf([routingPass, tlsPass]), headline: '# meshgate: ✅ PASS' },
    { name: 'fail', report: runReportOf([routingPass, routingFail]), headline: '# meshgate: ❌ FAIL' },
    { name: 'inconclusive', report: runReportOf([h2c]), headline: '# meshgate: ❔ INCONCLUSIVE' },
    { name: 'interrupted (whatever the gate says)', report: runReportOf([routingPass], { status: 'interrupted' }), headline: '# meshgate: ⚠️ INTERRUPTED (no verdict)' },
    { name: 'interrupted with failures', report: runReportOf([routingFail], { status: 'interrupted' }), headline: '# meshgate: ⚠️ INTERRUPTED (no verdict)' },
  ])('puts the verdict on the first line: $name', ({ report: run, headline }) => {
    const text = formatSummaryMarkdown(run);
    expect(text.split('\n')[0]).toBe(headline);
    expect(text.endsWith('\n')).toBe(true);
  });

  it.each<{ suite: string; row: string }>([
    { suite: 'routing', row: '| routing | 2 | 1 | 0 | 0 |' },
    { suite: 'tls', row: '| tls | 1 | 0 | 0 | 0 |' },
    { suite: 'cors', row: '| cors | 0 | 1 | 0 | 0 |' },
    { suite: 'protocols', row: '| protocols | 0 | 0 | 0 | 1 |' },
    { suite: 'load', row: '| load | 0 | 0 | 1 | 0 |' },
  ])('counts the $suite suite', ({ row }) => {
    const text = formatSummaryMarkdown(runReportOf([routingPass, routingPass2, routingFail, tlsPass, corsFail, h2c, skippedLoad]));
    expect(text.split('\n')).toContain(row);
  });

  it('lists suites in the order they first appear', () => {
    const text = formatSummaryMarkdown(runReportOf([tlsPass, routingPass, tlsPass]));
    const rows = text.split('\n').filter((line) => /^\| (tls|routing) \|/.test(line));
    expect(rows).toEqual(['| tls | 2 | 0 | 0 | 0 |', '| routing | 1 | 0 | 0 | 0 |']);
  });

  it('explains a failure under "Why", naming each failed case', () => {
    const text = formatSummaryMarkdown(runReportOf([routingPass, routingFail, corsFail]));
    const why = text.split('## Why\n\n')[1]!;
    expect(why).toContain('- `routing/squatter[ns-c/squatter]`: backend: expected ns-a/web, observed "ns-c/squatter"');
    expect(why).toContain('- `cors/preflight[ns-a/terminal]`: status: expected 204, observed 200');
  });

  it('has no Why, Notes or Not run here sections when everything passed', () => {
    const text = formatSummaryMarkdown(runReportOf([routingPass, tlsPass]));
    expect(text).not.toContain('## Why');
    expect(text).not.toContain('## Notes');
    expect(text).not.toContain('## Not run here');
  });

  it('lists NOT_SUPPORTED and SKIPPED cases under "Not run here" without failing the gate', () => {
    const run = runReportOf([routingPass, h2c, skippedLoad]);
    expect(run.gate.verdict).toBe('pass');
    const text = formatSummaryMarkdown(run);
    const notRun = text.split('## Not run here\n\n')[1]!;
    expect(notRun).toContain('- ➖ `protocols/h2c[ns-a/web]`: the target lacks feature h2c');
    expect(notRun).toContain('- ⏭️ `load/throughput[ns-a/web]`: excluded by --case');
    expect(text).not.toContain('## Why');
  });

  it('lists what the gateway could not express, so a parity difference comes with its explanation', () => {
    const untranslated = [{ appId: 'ns-a/web', setting: 'nginx.ingress.kubernetes.io/proxy-body-size: 32m', effect: 'no body limit | reaches the backend' }];
    const text = formatSummaryMarkdown(runReportOf([routingPass], { gatewaySoftware: 'istio/1.24.2', untranslated }));
    expect(text).toContain('## Not translated to istio/1.24.2\n\n| app | setting | what the gateway does instead |\n|---|---|---|\n| ns-a/web | `nginx.ingress.kubernetes.io/proxy-body-size: 32m` | no body limit \\| reaches the backend |');
    expect(formatSummaryMarkdown(runReportOf([routingPass]))).not.toContain('Not translated');
  });

  it('lists the known gateway differences the cases followed, seen and not seen', () => {
    const followed = (subject: string, seen: boolean): CaseRecord => ({ ...record('cors', 'preflight-allowed-origin', subject, 'PASSED'), knownDifference: { id: 'preflight-answered-by-envoy', classification: 'accepted-gap', seen } });
    const quiet: CaseRecord = { ...record('protocols', 'http10', 'no-host', 'PASSED'), knownDifference: { id: 'http10-upgrade-required', classification: 'accepted-gap', seen: false } };
    const cases = [followed('ns-a/terminal', true), followed('ns-a/adminer', false), quiet, routingPass];
    const differences = knownDifferencesSeen(cases);
    expect(differences).toEqual([
      { id: 'preflight-answered-by-envoy', classification: 'accepted-gap', cases: 2, seen: 1 },
      { id: 'http10-upgrade-required', classification: 'accepted-gap', cases: 1, seen: 0 },
    ]);
    const text = formatSummaryMarkdown(runReportOf(cases, { knownDifferences: differences }));
    expect(text).toContain('## Known gateway differences\n\n| difference | class | cases that showed it |\n|---|---|---|\n| `preflight-answered-by-envoy` | accepted-gap | 1 of 2 |\n| `http10-upgrade-required` | accepted-gap | 0 of 1 (not seen) |');
    expect(formatSummaryMarkdown(runReportOf([routingPass]))).not.toContain('Known gateway differences');
  });

  it('prints gate notes', () => {
    const run = runReportOf([routingPass], { gate: { verdict: 'pass', reasons: [], notes: [{ subject: 'load/p99', message: 'p99 up 4% on the baseline' }] } });
    expect(formatSummaryMarkdown(run)).toContain('## Notes\n\n- `load/p99`: p99 up 4% on the baseline');
  });

  it('renders a whole failing run', () => {
    const run = runReportOf([routingPass, routingFail, tlsPass, corsFail, h2c, skippedLoad]);
    expect(formatSummaryMarkdown(run)).toMatchInlineSnapshot(`
      "# meshgate: ❌ FAIL

      - run: \`20260101-120000-abcd\` (2026-01-01T12:00:00.000Z to 2026-01-01T12:01:30.000Z)
      - environment: local, gateway nginx 1.22.1 (nginx/1.22.1)
      - machine: 2 x Test CPU, 24 GiB, linux 6.1, node 20.20.2; meshgate 0.1.0
      - scenario: sealos-default
      - baseline: none (every case must pass)

      | suite | passed | failed | skipped | not supported |
      |---|---:|---:|---:|---:|
      | routing | 1 | 1 | 0 | 0 |
      | tls | 1 | 0 | 0 | 0 |
      | cors | 0 | 1 | 0 | 0 |
      | protocols | 0 | 0 | 0 | 1 |
      | load | 0 | 0 | 1 | 0 |

      ## Why

      - \`routing/squatter[ns-c/squatter]\`: backend: expected ns-a/web, observed "ns-c/squatter"
      - \`cors/preflight[ns-a/terminal]\`: status: expected 204, observed 200

      ## Not run here

      - ➖ \`protocols/h2c[ns-a/web]\`: the target lacks feature h2c
      - ⏭️ \`load/throughput[ns-a/web]\`: excluded by --case
      "
    `);
  });
});
