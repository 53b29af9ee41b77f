import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../harness/errors.ts';
import { defaultTimeouts, raiseTimeoutHint, resolveTimeouts, timeoutVariable } from '../harness/timeouts.ts';

describe('resolveTimeouts', () => {
  it('layers defaults < MESHGATE_TIMEOUT_* variables < --timeouts flags', () => {
    const env = { MESHGATE_TIMEOUT_CONVERGENCE_MS: '30000', MESHGATE_TIMEOUT_ROLLOUT_MS: '600000' };
    const timeouts = resolveTimeouts(env, { convergenceMs: '45000' });
    expect(timeouts.convergenceMs).toBe(45_000);
    expect(timeouts.rolloutMs).toBe(600_000);
    expect(timeouts.requestMs).toBe(defaultTimeouts.requestMs);
    expect(resolveTimeouts({})).toEqual(defaultTimeouts);
  });

  it('names each variable after its timeout', () => {
    expect(timeoutVariable('convergenceMs')).toBe('MESHGATE_TIMEOUT_CONVERGENCE_MS');
    expect(timeoutVariable('gatewayDefaultReadMs')).toBe('MESHGATE_TIMEOUT_GATEWAY_DEFAULT_READ_MS');
    expect(raiseTimeoutHint('kubePollMs')).toBe('--timeouts kubePollMs=<ms> or MESHGATE_TIMEOUT_KUBE_POLL_MS=<ms>');
  });

  it.each([
    [{ MESHGATE_TIMEOUT_CONVERGENCE_MS: 'soon' }, {}, 'MESHGATE_TIMEOUT_CONVERGENCE_MS=soon: expected milliseconds from 1 to 3600000'],
    [{ MESHGATE_TIMEOUT_REQUEST_MS: '0' }, {}, 'MESHGATE_TIMEOUT_REQUEST_MS=0: expected milliseconds'],
    [{}, { convergenceMs: '3600001' }, '--timeouts convergenceMs=3600001: expected milliseconds from 1 to 3600000'],
    [{}, { requestMs: '1.5' }, '--timeouts requestMs=1.5: expected milliseconds'],
    [{}, { convergence: '100' }, '--timeouts convergence=100: no such timeout (one of fixtureReadyMs, nginxReadyMs,'],
  ])('refuses %o %o with a usage error naming it', (env, flags, message) => {
    expect(() => resolveTimeouts(env, flags)).toThrow(UsageError);
    expect(() => resolveTimeouts(env, flags)).toThrow(message);
  });

  it('docs/timeouts.md lists every timeout with its variable and default, and nothing else', () => {
    const doc = readFileSync(new URL('../docs/timeouts.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(\w+)` \| `(\w+)` \| ([\d,]+) \|/gm)].map(([, name, variable, ms]) => [name, variable, Number(ms!.replaceAll(',', ''))]);
    expect(rows).toEqual(Object.entries(defaultTimeouts).map(([name, ms]) => [name, timeoutVariable(name as keyof typeof defaultTimeouts), ms]));
  });

  it('refuses a bad variable even when a flag overrides it: the environment is wrong either way', () => {
    expect(() => resolveTimeouts({ MESHGATE_TIMEOUT_CONVERGENCE_MS: 'soon' }, { convergenceMs: '1000' })).toThrow('MESHGATE_TIMEOUT_CONVERGENCE_MS=soon');
  });
});
