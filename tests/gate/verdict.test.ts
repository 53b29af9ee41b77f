import { describe, expect, it } from 'vitest';
import { exitCodeFor, gateResults } from '../../harness/gate/verdict.ts';
import type { GateResult, Verdict } from '../../harness/results/gate-result.ts';
import { type CaseRecord, caseKey } from '../../harness/results/case-record.ts';
import type { CaseResult } from '../../harness/results/case-record.ts';

/** A case record with the given outcome; the reason is empty for PASSED as the collector writes it. */
function record(suite: string, caseId: string, subject: string, result: CaseResult, reason = ''): CaseRecord {
  return { key: caseKey(suite, caseId, subject), suite, caseId, subject, description: `${caseId} on ${subject}`, result, reason, durationMs: 5 };
}

const passed = record('routing', 'host-routes', 'ns-a/web', 'PASSED');
const passed2 = record('tls', 'sni-cert', 'ns-a/web', 'PASSED');
const failed = record('routing', 'host-routes', 'ns-b/web', 'FAILED', 'backend: expected ns-b/web, observed "ns-a/web"');
const failed2 = record('cors', 'preflight', 'ns-a/terminal', 'FAILED', 'status: expected 204, observed 200');
const skipped = record('load', 'throughput', 'ns-a/web', 'SKIPPED', 'excluded by --case');
const unsupported = record('routing', 'h2c', 'ns-a/web', 'NOT_SUPPORTED', 'the target lacks feature h2c');

describe('gateResults', () => {
  it.each<{ name: string; cases: CaseRecord[]; result: GateResult }>([
    { name: 'all passed', cases: [passed, passed2], result: { verdict: 'pass', reasons: [], notes: [] } },
    { name: 'passed with NOT_SUPPORTED and SKIPPED', cases: [passed, unsupported, skipped], result: { verdict: 'pass', reasons: [], notes: [] } },
    {
      name: 'one failed among passes',
      cases: [passed, failed, passed2],
      result: { verdict: 'fail', reasons: [{ subject: 'routing/host-routes[ns-b/web]', message: failed.reason }], notes: [] },
    },
    {
      name: 'every failure is a reason, in order',
      cases: [failed2, passed, failed, unsupported],
      result: {
        verdict: 'fail',
        reasons: [
          { subject: 'cors/preflight[ns-a/terminal]', message: failed2.reason },
          { subject: 'routing/host-routes[ns-b/web]', message: failed.reason },
        ],
        notes: [],
      },
    },
    {
      name: 'failed and nothing passed is still fail',
      cases: [failed, skipped],
      result: { verdict: 'fail', reasons: [{ subject: failed.key, message: failed.reason }], notes: [] },
    },
    { name: 'no cases at all', cases: [], result: { verdict: 'inconclusive', reasons: [{ subject: 'run', message: 'no case passed: nothing was verified' }], notes: [] } },
    { name: 'only NOT_SUPPORTED', cases: [unsupported], result: { verdict: 'inconclusive', reasons: [{ subject: 'run', message: 'no case passed: nothing was verified' }], notes: [] } },
    {
      name: 'only SKIPPED and NOT_SUPPORTED',
      cases: [skipped, unsupported],
      result: { verdict: 'inconclusive', reasons: [{ subject: 'run', message: 'no case passed: nothing was verified' }], notes: [] },
    },
  ])('$name -> $result.verdict', ({ cases, result }) => {
    expect(gateResults(cases)).toEqual(result);
  });
});

describe('exitCodeFor', () => {
  it.each<[Verdict, number]>([
    ['pass', 0],
    ['fail', 1],
    ['inconclusive', 1],
  ])('%s exits %d', (verdict, code) => {
    expect(exitCodeFor(verdict)).toBe(code);
  });
});

describe('caseKey', () => {
  it.each([
    ['routing', 'host-routes', 'ns-a/web', 'routing/host-routes[ns-a/web]'],
    ['tls', 'unknown-sni', 'gateway', 'tls/unknown-sni[gateway]'],
  ])('%s %s %s -> %s', (suite, caseId, subject, key) => {
    expect(caseKey(suite, caseId, subject)).toBe(key);
  });
});
