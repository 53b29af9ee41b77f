import { describe, expect, it } from 'vitest';
import { ExpectationError, expectEventually } from '../../harness/suite/expect-eventually.ts';
import { type Mismatch, compare, fingerprint, formatMismatches } from '../../harness/suite/expectation.ts';
import type { Expectation, Observation } from '../../harness/results/observation.ts';

describe('compare', () => {
  it.each<{ name: string; expected: Expectation; observed: Observation; mismatches: Mismatch[] }>([
    // status
    { name: 'status equal', expected: { status: 200 }, observed: { status: 200 }, mismatches: [] },
    { name: 'status differs', expected: { status: 200 }, observed: { status: 404 }, mismatches: [{ field: 'status', expected: '200', observed: '404' }] },
    { name: 'status missing', expected: { status: 200 }, observed: {}, mismatches: [{ field: 'status', expected: '200', observed: '(none)' }] },
    { name: 'status in list', expected: { status: [301, 308] }, observed: { status: 308 }, mismatches: [] },
    { name: 'status not in list', expected: { status: [301, 308] }, observed: { status: 200 }, mismatches: [{ field: 'status', expected: '301 or 308', observed: '200' }] },
    // backend
    { name: 'backend equal', expected: { backend: 'ns-a/web' }, observed: { backend: 'ns-a/web' }, mismatches: [] },
    { name: 'backend of another tenant', expected: { backend: 'ns-a/web' }, observed: { backend: 'ns-b/web' }, mismatches: [{ field: 'backend', expected: 'ns-a/web', observed: '"ns-b/web"' }] },
    { name: 'backend expected, none reached', expected: { backend: 'ns-a/web' }, observed: {}, mismatches: [{ field: 'backend', expected: 'ns-a/web', observed: 'null' }] },
    { name: 'no backend expected, none reached', expected: { backend: null }, observed: { backend: null }, mismatches: [] },
    { name: 'no backend expected, backend unset', expected: { backend: null }, observed: {}, mismatches: [] },
    { name: 'no backend expected, one reached', expected: { backend: null }, observed: { backend: 'ns-a/web' }, mismatches: [{ field: 'backend', expected: 'no backend', observed: '"ns-a/web"' }] },
    // error
    { name: 'no error expected, none', expected: { error: null }, observed: { error: null }, mismatches: [] },
    { name: 'no error expected, unset', expected: { error: null }, observed: {}, mismatches: [] },
    { name: 'no error expected, one', expected: { error: null }, observed: { error: 'ECONNRESET' }, mismatches: [{ field: 'error', expected: 'no error', observed: '"ECONNRESET"' }] },
    { name: 'error pattern matches', expected: { error: 'alert|ECONNRESET' }, observed: { error: 'tls alert unrecognized_name' }, mismatches: [] },
    { name: 'error pattern, other error', expected: { error: '^ETIMEDOUT$' }, observed: { error: 'ECONNRESET' }, mismatches: [{ field: 'error', expected: 'error matching /^ETIMEDOUT$/', observed: '"ECONNRESET"' }] },
    { name: 'error pattern, no error', expected: { error: 'alert' }, observed: { status: 200, error: null }, mismatches: [{ field: 'error', expected: 'error matching /alert/', observed: 'null' }] },
    // headers: equals
    { name: 'equals', expected: { headers: { 'X-A': { equals: '1' } } }, observed: { headers: { 'x-a': '1' } }, mismatches: [] },
    { name: 'equals is exact', expected: { headers: { 'X-A': { equals: 'Yes' } } }, observed: { headers: { 'x-a': 'yes' } }, mismatches: [{ field: 'header X-A', expected: '"Yes"', observed: '"yes"' }] },
    { name: 'equals, header missing', expected: { headers: { 'X-A': { equals: '1' } } }, observed: { headers: {} }, mismatches: [{ field: 'header X-A', expected: '"1"', observed: '(none)' }] },
    // headers: matches
    { name: 'matches', expected: { headers: { 'Content-Security-Policy': { matches: "frame-ancestors 'self'" } } }, observed: { headers: { 'content-security-policy': "frame-ancestors 'self' https://a.test" } }, mismatches: [] },
    { name: 'matches fails', expected: { headers: { Location: { matches: '^https:' } } }, observed: { headers: { location: 'http://a.test/' } }, mismatches: [{ field: 'header Location', expected: 'matching /^https:/', observed: '"http://a.test/"' }] },
    // headers: contains (token-based, case-insensitive)
    { name: 'contains a token', expected: { headers: { Vary: { contains: 'Origin' } } }, observed: { headers: { vary: 'Accept-Encoding, origin' } }, mismatches: [] },
    { name: 'contains is token-based, not substring', expected: { headers: { Vary: { contains: 'Origin' } } }, observed: { headers: { vary: 'X-Origin-Id' } }, mismatches: [{ field: 'header Vary', expected: 'containing "Origin"', observed: '"X-Origin-Id"' }] },
    { name: 'contains, header missing', expected: { headers: { Vary: { contains: 'Origin' } } }, observed: {}, mismatches: [{ field: 'header Vary', expected: 'containing "Origin"', observed: '(none)' }] },
    // headers: present / absent
    { name: 'present', expected: { headers: { 'X-Request-ID': { present: true } } }, observed: { headers: { 'x-request-id': '' } }, mismatches: [] },
    { name: 'present, missing', expected: { headers: { 'X-Request-ID': { present: true } } }, observed: { headers: {} }, mismatches: [{ field: 'header X-Request-ID', expected: 'present', observed: '(none)' }] },
    { name: 'absent', expected: { headers: { 'X-Frame-Options': { absent: true } } }, observed: { headers: { 'x-other': '1' } }, mismatches: [] },
    { name: 'absent, but sent', expected: { headers: { 'X-Frame-Options': { absent: true } } }, observed: { headers: { 'x-frame-options': 'DENY' } }, mismatches: [{ field: 'header X-Frame-Options', expected: 'absent', observed: '"DENY"' }] },
    // details
    { name: 'details equal', expected: { details: { alpn: 'h2', intact: true } }, observed: { details: { alpn: 'h2', intact: true, extra: 1 } }, mismatches: [] },
    { name: 'details differ', expected: { details: { alpn: 'h2', bytes: 10 } }, observed: { details: { alpn: 'http/1.1', bytes: 10 } }, mismatches: [{ field: 'alpn', expected: '"h2"', observed: '"http/1.1"' }] },
    { name: 'details missing', expected: { details: { intact: true } }, observed: {}, mismatches: [{ field: 'intact', expected: 'true', observed: '(none)' }] },
    { name: 'details null vs missing', expected: { details: { alpn: null } }, observed: { details: {} }, mismatches: [{ field: 'alpn', expected: 'null', observed: '(none)' }] },
    // several at once, in order: error, status, backend, headers, details
    {
      name: 'every field wrong',
      expected: { error: null, status: 200, backend: 'ns-a/web', headers: { Vary: { contains: 'Origin' } }, details: { intact: true } },
      observed: { error: 'ECONNRESET', status: 502, backend: null, headers: {}, details: { intact: false } },
      mismatches: [
        { field: 'error', expected: 'no error', observed: '"ECONNRESET"' },
        { field: 'status', expected: '200', observed: '502' },
        { field: 'backend', expected: 'ns-a/web', observed: 'null' },
        { field: 'header Vary', expected: 'containing "Origin"', observed: '(none)' },
        { field: 'intact', expected: 'true', observed: 'false' },
      ],
    },
    { name: 'empty expectation matches anything', expected: {}, observed: { status: 500, error: 'x' }, mismatches: [] },
  ])('$name', ({ expected, observed, mismatches }) => {
    expect(compare(expected, observed)).toEqual(mismatches);
  });
});

describe('fingerprint', () => {
  const observed: Observation = {
    status: 200,
    backend: 'ns-a/web',
    error: null,
    headers: { vary: 'Origin', 'x-request-id': 'abc123', date: 'Thu, 01 Jan 2026 00:00:00 GMT' },
    details: { alpn: 'h2', latencyMs: 12 },
  };

  it.each<{ name: string; expected: Expectation; print: Observation }>([
    { name: 'nothing named', expected: {}, print: {} },
    { name: 'status only', expected: { status: [200, 204] }, print: { status: 200 } },
    { name: 'backend and error', expected: { backend: 'ns-b/web', error: 'x' }, print: { backend: 'ns-a/web', error: null } },
    { name: 'named headers, lower-cased, missing kept as undefined', expected: { headers: { Vary: { contains: 'Origin' }, 'X-Missing': { absent: true } } }, print: { headers: { vary: 'Origin', 'x-missing': undefined } } },
    { name: 'named details, missing as null', expected: { details: { alpn: 'h2', intact: true } }, print: { details: { alpn: 'h2', intact: null } } },
  ])('$name', ({ expected, print }) => {
    expect(fingerprint(expected, observed)).toStrictEqual(print);
  });

  it('leaves out volatile fields the expectation does not name', () => {
    const print = fingerprint({ status: 200, headers: { Vary: { present: true } } }, observed);
    expect(JSON.stringify(print)).toBe('{"status":200,"headers":{"vary":"Origin"}}');
  });

  it('reports a missing backend and error as null', () => {
    expect(fingerprint({ backend: null, error: null }, {})).toStrictEqual({ backend: null, error: null });
  });
});

describe('formatMismatches', () => {
  it.each<[Mismatch[], string]>([
    [[], ''],
    [[{ field: 'status', expected: '200', observed: '404' }], 'status: expected 200, observed 404'],
    [
      [
        { field: 'status', expected: '200', observed: '404' },
        { field: 'header Vary', expected: 'containing "Origin"', observed: '(none)' },
      ],
      'status: expected 200, observed 404; header Vary: expected containing "Origin", observed (none)',
    ],
  ])('%j', (mismatches, text) => {
    expect(formatMismatches(mismatches)).toBe(text);
  });
});

/** A probe that returns the given observations in turn, repeating the last one; counts its calls. */
function scripted(observations: Observation[]): { probe: () => Promise<Observation>; calls: () => number } {
  let calls = 0;
  return {
    probe: async () => observations[Math.min(calls++, observations.length - 1)]!,
    calls: () => calls,
  };
}

const ok: Observation = { status: 200 };
const bad: Observation = { status: 503 };

describe('expectEventually', () => {
  it.each([
    { name: 'matches at once', observations: [ok], successes: 3, attempts: 3 },
    { name: 'converges after two misses', observations: [bad, bad, ok], successes: 3, attempts: 5 },
    { name: 'a miss resets the streak', observations: [ok, ok, bad, ok], successes: 3, attempts: 6 },
    { name: 'one success is enough when asked', observations: [bad, ok], successes: 1, attempts: 2 },
  ])('$name: $attempts attempts for $successes successes', async ({ observations, successes, attempts }) => {
    const { probe, calls } = scripted(observations);
    const result = await expectEventually(probe, { status: 200 }, { successes, timeoutMs: 2_000, pollMs: 1 });
    expect(result).toEqual({ observation: ok, attempts });
    expect(calls()).toBe(attempts);
  });

  it('does not converge on a flapping probe (match, mismatch, match, ...) with successes=3', async () => {
    let calls = 0;
    const probe = async () => (calls++ % 2 === 0 ? ok : bad);
    const started = Date.now();
    const failure = await expectEventually(probe, { status: 200 }, { successes: 3, timeoutMs: 200, pollMs: 5 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExpectationError);
    expect((failure as ExpectationError).message).toMatch(/did not converge within 200 ms \(3 consecutive matches needed\)/);
    expect(calls).toBeGreaterThan(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out with the last mismatch and observation', async () => {
    const { probe, calls } = scripted([bad]);
    const started = Date.now();
    const failure = await expectEventually(probe, { status: 200 }, { successes: 3, timeoutMs: 150, pollMs: 10 }).catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(ExpectationError);
    const error = failure as ExpectationError;
    expect(error.name).toBe('ExpectationError');
    expect(error.mismatches).toEqual([{ field: 'status', expected: '200', observed: '503' }]);
    expect(error.observation).toEqual(bad);
    expect(error.message).toBe('did not converge within 150 ms (3 consecutive matches needed): status: expected 200, observed 503');
    // Bounded: about timeoutMs, polling every pollMs rather than spinning.
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_500);
    expect(calls()).toBeGreaterThan(1);
    expect(calls()).toBeLessThan(150);
  });

  it('lets a streak begun before the deadline finish: a slow probe does not fail for its own length', async () => {
    let calls = 0;
    // Mismatch first, then matches each slower than the whole deadline.
    const probe = async () => {
      calls++;
      if (calls === 1) return bad;
      await new Promise((resolve) => setTimeout(resolve, 60));
      return ok;
    };
    const converged = await expectEventually(probe, { status: 200 }, { successes: 3, timeoutMs: 50, pollMs: 1 });
    expect(converged.attempts).toBe(4);
  });

  it('ends at the first mismatch after the deadline', async () => {
    let calls = 0;
    // Match, then a slow mismatch that lands after the deadline.
    const probe = async () => {
      calls++;
      if (calls === 1) return ok;
      await new Promise((resolve) => setTimeout(resolve, 60));
      return bad;
    };
    const failure = await expectEventually(probe, { status: 200 }, { successes: 3, timeoutMs: 50, pollMs: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExpectationError);
    expect(calls).toBe(2);
  });

  it('propagates a probe that throws', async () => {
    const probe = async (): Promise<Observation> => {
      throw new Error('probe broke');
    };
    await expect(expectEventually(probe, { status: 200 }, { timeoutMs: 100, pollMs: 1 })).rejects.toThrow('probe broke');
  });
});
