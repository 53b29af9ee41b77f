import { describe, expect, it } from 'vitest';
import { plannedTarget } from '../../harness/run/prepare.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { nginxReadTimeoutSeconds } from '../../harness/suite/rendered-config.ts';
import type { LoadedTarget } from '../../harness/target.ts';
import { beyondDefaultHoldMs, longTimeoutCases } from '../../suites/protocols/long-timeout-cases.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

const config = `
server {
  server_name a.test ;
  location / { proxy_read_timeout 3600s; }
}
server {
  server_name b.test ;
  location / { proxy_read_timeout 1h; }
}
server {
  server_name c.test ;
  location / { proxy_pass http://c; }
}
server {
  server_name d.test ;
  location / { proxy_read_timeout 60; }
}`;

describe('nginxReadTimeoutSeconds', () => {
  it.each([
    ['a.test', 3600],
    ['b.test', 3600],
    ['d.test', 60],
  ])('reads the read timeout of %s (%i s), in any nginx time unit', (host, seconds) => {
    expect(nginxReadTimeoutSeconds(config, host)).toBe(seconds);
  });

  it("is null for a server without its own timeout (never another server's) and for an unknown host", () => {
    expect(nginxReadTimeoutSeconds(config, 'c.test')).toBeNull();
    expect(nginxReadTimeoutSeconds(config, 'x.test')).toBeNull();
  });
});

describe('websocket-idle-beyond-default-timeout', async () => {
  const [longTimeout] = longTimeoutCases;
  const planned = plannedTarget(await loadScenario(), 'kind');
  const withProfile = (profile: 'quick' | 'gate', configFile?: string): LoadedTarget => ({
    ...planned,
    gateway: { ...planned.gateway, ...(configFile ? { configFile } : {}) },
    resolved: { ...planned.resolved, performance: { ...planned.resolved.performance, profile } },
  });
  const names = (target: LoadedTarget, timeouts = defaultTimeouts) => longTimeout!.subjects(target, timeouts).map((app) => app.id);

  it('holds past the 60 s default by default', () => {
    expect(beyondDefaultHoldMs(defaultTimeouts)).toBe(62_000);
  });

  it("holds past the run's gatewayDefaultReadMs, for the apps whose read timeout outlasts that hold", () => {
    const longer = { ...defaultTimeouts, gatewayDefaultReadMs: 310_000 };
    expect(beyondDefaultHoldMs(longer)).toBe(312_000);
    // The 300 s apps no longer outlast the hold: only 3600 s and 86400 s remain.
    expect(names(withProfile('gate'), longer).sort()).toEqual(['ns-k8x2m9qa/chat-ws', 'ns-k8x2m9qa/terminal']);
  });

  it('holds one WebSocket per distinct long read timeout outside the quick profile', () => {
    expect(names(withProfile('gate')).sort()).toEqual(['ns-k8x2m9qa/chat-ws', 'ns-k8x2m9qa/hello-web', 'ns-k8x2m9qa/terminal']);
    expect(longTimeout!.skip!(withProfile('gate'), defaultTimeouts)).toBeUndefined();
  });

  it('reads every long-timeout app from the configuration in the quick profile, where the target names it', () => {
    const target = withProfile('quick', '/tmp/nginx.conf');
    expect(names(target)).toHaveLength(6);
    expect(longTimeout!.skip!(target, defaultTimeouts)).toBeUndefined();
  });

  it('is skipped, with the reason, in the quick profile when the target shows no configuration', () => {
    expect(longTimeout!.skip!(withProfile('quick'), defaultTimeouts)).toMatch(/quick profile holds no WebSocket for 62 s .* --profile gate/);
  });
});
