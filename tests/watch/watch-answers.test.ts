import { describe, expect, it } from 'vitest';
import { failureKind, judgeAnswer, nearestRank } from '../../harness/watch/watch-answers.ts';
import { gateWatch } from '../../harness/watch/watch-gate.ts';

describe('failureKind', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:443', 'refused'],
    ['gRPC 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:8443', 'refused'],
    ['ECONNRESET: socket hang up', 'reset'],
    ['closed 1006 before the echo', 'reset'],
    ['ETIMEDOUT', 'stall'],
    ['gRPC 4 DEADLINE_EXCEEDED: Deadline exceeded', 'stall'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match', 'tls'],
    ['EPROTO: wrong version number', 'tls'],
    ['answered by ns-b/web', 'wrong backend'],
    ['status 502 (expected 200)', 'status'],
    ['gRPC 12 UNIMPLEMENTED', 'status'],
    ['something new', 'other'],
  ])('%s is %s', (text, kind) => expect(failureKind(text)).toBe(kind));
});

describe('judgeAnswer', () => {
  const exchange = { at: 0, host: 'h', app: 'ns/a', protocol: 'https' };
  it('a correct answer over the ceiling fails as slow, one within it passes, a failure keeps its kind', () => {
    expect(judgeAnswer({ ...exchange, latencyMs: 1_001, failure: null }, 1_000)).toMatchObject({ kind: 'slow', failure: 'slow: answered after more than 1000 ms' });
    expect(judgeAnswer({ ...exchange, latencyMs: 1_000, failure: null }, 1_000)).toMatchObject({ kind: null, failure: null });
    expect(judgeAnswer({ ...exchange, latencyMs: 3, failure: 'status 502 (expected 200)' }, 1_000)).toMatchObject({ kind: 'status' });
  });
  it('nearest rank takes a real answer', () => {
    expect(nearestRank([], 0.95)).toBe(0);
    expect(nearestRank([5, 1, 3], 0.5)).toBe(3);
    expect(nearestRank([...Array.from({ length: 19 }, () => 10), 900], 0.95)).toBe(10);
  });
});

describe('gateWatch', () => {
  const clean = { requests: 1_000, failures: 0, minSuccess: 0.999, p95BudgetMs: 500, events: [], breaches: [] };
  const event = { kind: 'stall' as const, start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 0, 1) + 3_000, durationMs: 3_000, hosts: ['a', 'b'], hostsAnswering: 2, seen: { slow: 2 } };
  const breach = { host: 'slow.test', app: 'ns/web', protocol: 'https', p95Ms: 712.4, from: 0, to: 9_000, answers: 11, over: 11 };
  it.each([
    { name: 'clean', input: clean, reasons: [] },
    { name: 'nothing completed', input: { ...clean, requests: 0 }, reasons: [/no exchange completed/] },
    { name: 'success rate under the minimum', input: { ...clean, failures: 2 }, reasons: [/success rate 99\.800 % under the required 99\.9 %/] },
    { name: 'an event within the error budget still fails', input: { ...clean, failures: 1, events: [event] }, reasons: [/^stall at 00:00:00\.000 for 3\.0 s: 2 of 2 hosts \(a, b\); seen 2 slow$/] },
    { name: 'a host over the p95 budget is named', input: { ...clean, breaches: [breach] }, reasons: [/^p95 over the 500 ms budget on slow\.test \(ns\/web, https\): 712 ms, 11 of 11 answers slower/] },
  ])('$name', ({ input, reasons }) => {
    const gate = gateWatch(input);
    expect(gate.passed).toBe(reasons.length === 0);
    expect(gate.reasons).toHaveLength(reasons.length);
    reasons.forEach((pattern, index) => expect(gate.reasons[index]).toMatch(pattern));
  });
});
