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
    expect(result.expected).toEqual({ status: 200, backend: null, headers: {} });
    expect(result.note).toEqual({ id: 'cors-preflight-200', classification: 'accepted-gap' });
  });

  it('keeps the expectation of a blocking gap, so the case fails on Istio', () => {
    const over = { status: 413, backend: null };
    expect(expectationFor('istio', 'body-over-limit-refused', over, knownDifferences)).toEqual({ expected: over, note: { id: 'no-body-limit', classification: 'blocking-gap' } });
  });

  it('leaves cases without a row alone: an undeclared difference fails', () => {
    expect(expectationFor('istio', 'http1-methods', expected, knownDifferences)).toEqual({ expected });
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
