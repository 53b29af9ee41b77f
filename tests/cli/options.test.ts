import { describe, expect, it } from 'vitest';
import { minimumVersions, requireAtLeast } from '../../harness/environments/cluster/minimum-versions.ts';
import { collectTimeouts, parseConcurrency, parseIstioVersion, parseLabelSelector, parseMinutes, sharedOptions, timeoutsOf } from '../../harness/cli/options.ts';
import { parsePort } from '../../harness/net/gateway-endpoint.ts';
import { checkRunId, newRunId } from '../../harness/run/run-id.ts';
import { UsageError } from '../../harness/errors.ts';

/** Calls `fn`, returning what it threw (or fails the test when it did not throw). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseConcurrency', () => {
  it('accepts whole slots from 1 to 256', () => {
    expect([parseConcurrency('1'), parseConcurrency('16'), parseConcurrency('256')]).toEqual([1, 16, 256]);
  });

  it.each(['0', '257', '-4', '2.5', 'many', ''])('refuses %j naming the flag', (value) => {
    const error = thrownBy(() => parseConcurrency(value));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(`--concurrency ${value}`);
  });
});

describe('--timeouts', () => {
  it('merges repeated and comma-separated NAME=MS pairs, a later value winning', () => {
    const flags = collectTimeouts('requestMs=7000', collectTimeouts('convergenceMs=30000,requestMs=6000'));
    expect(flags).toEqual({ convergenceMs: '30000', requestMs: '7000' });
    expect(timeoutsOf({ timeouts: flags }, { MESHGATE_TIMEOUT_REQUEST_MS: '9000', MESHGATE_TIMEOUT_ROLLOUT_MS: '1000' })).toMatchObject({ convergenceMs: 30_000, requestMs: 7_000, rolloutMs: 1_000 });
  });

  it.each([
    ['convergenceMs', '--timeouts convergenceMs: expected NAME=MS'],
    ['=5', '--timeouts =5: expected NAME=MS'],
    ['convergenceMs=soon', '--timeouts convergenceMs=soon: expected milliseconds'],
    ['convergence=5', '--timeouts convergence=5: no such timeout'],
  ])('refuses %j naming the flag', (value, message) => {
    const error = thrownBy(() => collectTimeouts(value));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(message);
  });
});

describe('--gate-max-rounds, --gate-max-minutes', () => {
  it('accept whole rounds from 3 to 100 and minutes above 0 (fractions allowed)', () => {
    const rounds = sharedOptions.gateMaxRounds();
    expect([rounds.parseArg!('3', undefined), rounds.parseArg!('100', undefined)]).toEqual([3, 100]);
    expect([parseMinutes('0.5'), parseMinutes('4'), parseMinutes('600')]).toEqual([0.5, 4, 600]);
  });

  it.each(['0', '-1', '601', 'soon', '1e2', ''])('--gate-max-minutes refuses %j naming the flag', (value) => {
    const error = thrownBy(() => parseMinutes(value));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(`--gate-max-minutes ${value}`);
  });

  it.each(['2', '101', '4.5'])('--gate-max-rounds refuses %j naming the flag', (value) => {
    const error = thrownBy(() => sharedOptions.gateMaxRounds().parseArg!(value, undefined));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(`--gate-max-rounds ${value}`);
  });
});

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['80', 80],
    ['8443', 8443],
    ['65535', 65535],
  ])('accepts %j as %d', (value, port) => {
    expect(parsePort(value)).toBe(port);
  });

  it.each(['0', '65536', '70000', '-1', '80.5', 'abc', '', 'NaN', '8080abc'])('refuses %j with a UsageError', (value) => {
    const error = thrownBy(() => parsePort(value));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`not a TCP port: ${value} (expected 1-65535)`);
    expect((error as UsageError).code).toBe('E_USAGE');
    expect((error as UsageError).exitCode).toBe(2);
  });
});

describe('newRunId', () => {
  it.each([
    ['2026-11-21T22:49:00.000Z', '20261121-224900'],
    ['2026-01-02T03:04:05.678Z', '20260102-030405'],
    ['1999-12-31T23:59:59.999Z', '19991231-235959'],
  ])('stamps %s as %s-<4 hex>', (iso, stamp) => {
    const id = newRunId(new Date(iso));
    expect(id).toMatch(new RegExp(`^${stamp}-[0-9a-f]{4}$`));
    expect(checkRunId(id)).toBe(id);
  });

  it('defaults to now and sorts by time', () => {
    expect(newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    const earlier = newRunId(new Date('2026-01-01T00:00:00Z'));
    const later = newRunId(new Date('2026-01-01T00:00:01Z'));
    expect(earlier < later).toBe(true);
  });

  it('differs between two runs started in the same second (almost always)', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const ids = new Set(Array.from({ length: 20 }, () => newRunId(now)));
    expect(ids.size).toBeGreaterThan(1);
  });
});

describe('checkRunId', () => {
  it.each(['a', 'ci-1234', '20261121-224900-k3x9', 'Run_1.retry', 'a'.repeat(63), 'x-y_z.0'])('accepts %j', (id) => {
    expect(checkRunId(id)).toBe(id);
  });

  it.each(['', '-leading', 'trailing-', '.hidden', 'trailing.', 'a'.repeat(64), 'has space', 'a/b', '../up', 'ünïcode', 'semi;colon'])(
    'refuses %j with a UsageError',
    (id) => {
      const error = thrownBy(() => checkRunId(id));
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain(`invalid --run-id ${JSON.stringify(id)}`);
    },
  );
});

describe('parseLabelSelector', () => {
  it.each([
    ['istio=ingress', { istio: 'ingress' }],
    ['istio=ingressgateway,app=gw', { istio: 'ingressgateway', app: 'gw' }],
    ['app.kubernetes.io/name=higress-gateway', { 'app.kubernetes.io/name': 'higress-gateway' }],
  ])('reads %j', (value, labels) => {
    expect(parseLabelSelector(value)).toEqual(labels);
  });

  it.each(['', 'istio', 'istio=a=b', 'a=b,', '=x', 'a b=c'])('refuses %j with a UsageError', (value) => {
    expect(thrownBy(() => parseLabelSelector(value))).toBeInstanceOf(UsageError);
  });
});

describe('requireAtLeast (doctor)', () => {
  it.each(['v0.24.0', 'v0.27.1', '1.22.0', '1.24.2', 'client version: 1.30.0'])('accepts %s', (version) => {
    expect(requireAtLeast(version, { version: '0.24.0', why: 'x' })).toBe(version);
  });

  it('refuses kind before v0.24.0 and says why', () => {
    expect(() => requireAtLeast('v0.23.0', minimumVersions.kind)).toThrow(/v0\.23\.0 is older than 0\.24\.0: kindnet enforces NetworkPolicy/);
  });

  it('refuses Istio before 1.22 and says why', () => {
    expect(() => requireAtLeast('1.21.6', minimumVersions.istio)).toThrow(/older than 1\.22\.0: networking\.istio\.io\/v1/);
    expect(() => requireAtLeast('unknown', minimumVersions.istio)).toThrow(/cannot read a version/);
  });
});

describe('parseIstioVersion (--istio-version)', () => {
  it.each(['1.22.0', '1.24.2', '1.29.1'])('accepts %s', (version) => {
    expect(parseIstioVersion(version)).toBe(version);
  });

  it.each([
    ['1.21.6', /older than 1\.22\.0: networking\.istio\.io\/v1/],
    ['1.9.0', /older than 1\.22\.0/],
    ['latest', /expected a release such as 1\.24\.2/],
    ['v1.24.2', /expected a release/],
  ])('refuses %s with a UsageError that says why', (version, message) => {
    const error = thrownBy(() => parseIstioVersion(version));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });
});
