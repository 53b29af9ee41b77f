import { describe, expect, it } from 'vitest';
import { checkKnownDifferences, expectationFor, gatewayFamily, type KnownDifference } from '../../harness/suite/known-difference.ts';
import type { LoadedTarget } from '../../harness/target.ts';
import { allCases } from '../../suites/all-cases.ts';
import { knownDifferences } from '../../suites/known-differences.ts';

const caseIds = allCases.map((gatewayCase) => gatewayCase.id);

describe('the known gateway differences table (suites/known-differences.ts)', () => {
  it('names only cases that exist, each case in one row, every row with a source', () => {
    expect(checkKnownDifferences(knownDifferences, caseIds)).toEqual([]);
  });

  it('finds what is wrong with a bad table', () => {
    const bad: KnownDifference[] = [
      { id: 'a', cases: ['no-such-case'], ingressNginx: '', istio: '', sources: [], classification: 'accepted-gap' },
      { id: 'a', cases: ['preflight-allowed-origin'], ingressNginx: '', istio: '', sources: ['x'], classification: 'translated', istioExpectation: (e) => e },
      { id: 'b', cases: ['preflight-allowed-origin'], ingressNginx: '', istio: '', sources: ['x'], classification: 'blocking-gap' },
    ];
    expect(checkKnownDifferences(bad, caseIds)).toEqual([
      'a: no source',
      'a: an accepted gap without an Istio expectation',
      'a: names case no-such-case, which does not exist',
      'a: duplicate id',
      'a: only an accepted gap changes the expectation',
      'b: case preflight-allowed-origin is already named by a',
    ]);
  });
});

describe('expectationFor', () => {
  const expected = { status: 204, backend: null, headers: { 'content-length': { equals: '0' } } };

  it("keeps ingress-nginx's expectation on ingress-nginx", () => {
    expect(expectationFor('ingress-nginx', 'preflight-allowed-origin', expected, knownDifferences)).toEqual({ expected });
  });

  it("follows an accepted gap's Istio expectation on Istio and notes the row", () => {
    const result = expectationFor('istio', 'preflight-allowed-origin', expected, knownDifferences);
    expect(result.expected).toEqual({ status: 200, backend: null, headers: { 'content-length': { equals: '0' } } });
    expect(result.note).toEqual({ id: 'cors-preflight-200', classification: 'accepted-gap' });
  });

  it("keeps ingress-nginx's expectation where the translation reproduces it, and notes the row", () => {
    const over = { status: 413, backend: null };
    expect(expectationFor('istio', 'body-over-limit-refused', over, knownDifferences)).toEqual({ expected: over, note: { id: 'body-limit-by-route-and-buffer', classification: 'translated' } });
  });

  it('keeps the expectation of a blocking gap, so the case fails on Istio', () => {
    const blocking: KnownDifference[] = [{ id: 'b', cases: ['http1-methods'], ingressNginx: '', istio: '', sources: ['x'], classification: 'blocking-gap' }];
    expect(expectationFor('istio', 'http1-methods', expected, blocking)).toEqual({ expected, note: { id: 'b', classification: 'blocking-gap' } });
  });

  it('holds an Istio preflight to 200 with Content-Length: 0, which Envoy\'s HTTP/1 codec adds to a header-only answer', () => {
    expect(expectationFor('istio', 'preflight-allowed-origin', expected, knownDifferences).expected).toEqual({ ...expected, status: 200 });
  });

  it('has no gap that blocks: a correct Istio can pass the default scenario', () => {
    expect(knownDifferences.filter((row) => row.classification === 'blocking-gap').map((row) => row.id)).toEqual([]);
  });

  it('leaves cases without a row alone: an undeclared difference fails', () => {
    expect(expectationFor('istio', 'http1-methods', expected, knownDifferences)).toEqual({ expected });
    expect(expectationFor('istio', 'no-such-case', expected, knownDifferences)).toEqual({ expected });
  });
});

describe('gatewayFamily', () => {
  const target = (software: string | undefined) => ({ gateway: { software } }) as unknown as LoadedTarget;
  it.each([
    ['istio/1.24.2', 'istio'],
    ['istio', 'istio'],
    ['nginx/1.22.1', 'ingress-nginx'],
    [undefined, 'ingress-nginx'],
  ])('%s is %s', (software, family) => {
    expect(gatewayFamily(target(software))).toBe(family);
  });
});
