import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputFileError } from '../../harness/errors.ts';
import { type LoadedScenario, defaultScenarioFile, loadScenario, parseScenario } from '../../harness/scenario/load.ts';
import { type ResolvedApp, parseSize, resolveScenario, servedApps } from '../../harness/scenario/resolve.ts';
import { scenarioSchema } from '../../harness/scenario/schema.ts';
import { describeCost, isJudgedLevel, withProfile } from '../../harness/scenario/performance-profile.ts';

const schemaFile = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));

let loaded: LoadedScenario;
let domain: string;

beforeAll(async () => {
  loaded = await loadScenario();
  domain = loaded.resolved.domain;
});

function app(id: string): ResolvedApp {
  const found = loaded.resolved.apps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no app ${id} in the default scenario`);
  return found;
}

describe('default scenario', () => {
  it('loads from the shipped file and resolves the same as resolveScenario of its input', () => {
    expect(loaded.file).toBe(defaultScenarioFile);
    expect(loaded.resolved).toEqual(resolveScenario(loaded.input));
    expect(loaded.resolved.tls).toEqual({ enabled: true, wildcardSecret: 'wildcard-cert' });
  });

  it('has at least three tenants, each in namespace ns-<user>', () => {
    expect(loaded.input.tenants.length).toBeGreaterThanOrEqual(3);
    const tenants = new Set(loaded.resolved.apps.map((resolved) => resolved.tenant));
    expect(tenants.size).toBe(loaded.input.tenants.length);
    for (const resolved of loaded.resolved.apps) {
      expect(resolved.namespace).toBe(`ns-${resolved.tenant}`);
      expect(resolved.id).toBe(`${resolved.namespace}/${resolved.name}`);
    }
  });

  it('puts every host without a custom domain under the scenario domain, shaped like Sealos hosts', () => {
    const hostShapes: Record<string, RegExp> = {
      web: /^[a-z]{12}$/,
      grpc: /^[a-z]{12}$/,
      ws: /^[a-z]{12}$/,
      terminal: /^t[a-z0-9]{8}$/,
      adminer: /^a[a-z0-9]{8}$/,
    };
    const ownHosts = loaded.resolved.apps.filter((resolved) => !resolved.tls?.custom);
    expect(ownHosts.length).toBeGreaterThan(0);
    for (const resolved of ownHosts) {
      expect(resolved.host.endsWith(`.${domain}`), resolved.id).toBe(true);
      const label = resolved.host.slice(0, -`.${domain}`.length);
      expect(label, `${resolved.id} (${resolved.kind})`).toMatch(hostShapes[resolved.kind]!);
    }
    // Every kind is represented, so every shape above was checked at least once.
    expect(new Set(loaded.resolved.apps.map((resolved) => resolved.kind))).toEqual(new Set(Object.keys(hostShapes)));
  });

  it.each([
    {
      id: 'ns-k8x2m9qa/hello-web',
      kind: 'web',
      backendProtocol: 'HTTP',
      bodySize: '32m',
      bodySizeBytes: 32 * 1024 ** 2,
      timeouts: { connectSeconds: 5, sendSeconds: 300, readSeconds: 300 },
      sslRedirect: false,
      webSocketGuard: false,
    },
    {
      id: 'ns-k8x2m9qa/echo-grpc',
      kind: 'grpc',
      backendProtocol: 'GRPC',
      bodySize: '32m',
      bodySizeBytes: 32 * 1024 ** 2,
      // The launchpad's GRPC set writes no timeouts: ingress-nginx's defaults.
      timeouts: { connectSeconds: 5, sendSeconds: 60, readSeconds: 60 },
      sslRedirect: true,
      sealosBuffers: false,
      webSocketGuard: false,
    },
    {
      id: 'ns-k8x2m9qa/chat-ws',
      kind: 'ws',
      backendProtocol: 'WS',
      bodySize: '32m',
      bodySizeBytes: 32 * 1024 ** 2,
      timeouts: { connectSeconds: 5, sendSeconds: 3600, readSeconds: 3600 },
      // Marked sslRedirect: false in the scenario, so WebSocket is also checked over plain ws://.
      sslRedirect: false,
      sealosBuffers: false,
      webSocketGuard: false,
    },
    {
      id: 'ns-k8x2m9qa/terminal',
      kind: 'terminal',
      backendProtocol: 'HTTP',
      bodySize: '32m',
      bodySizeBytes: 32 * 1024 ** 2,
      timeouts: { connectSeconds: 5, sendSeconds: 86400, readSeconds: 86400 },
      sslRedirect: true,
      webSocketGuard: true,
    },
    {
      id: 'ns-r4n7v1pz/adminer',
      kind: 'adminer',
      backendProtocol: 'HTTP',
      bodySize: '256m',
      bodySizeBytes: 256 * 1024 ** 2,
      timeouts: { connectSeconds: 5, sendSeconds: 300, readSeconds: 300 },
      sslRedirect: true,
      webSocketGuard: false,
    },
  ])('applies the $kind kind defaults to $id', ({ id, ...expected }) => {
    expect(app(id)).toMatchObject(expected);
  });

  it.each(['ns-k8x2m9qa/hello-web', 'ns-k8x2m9qa/echo-grpc', 'ns-k8x2m9qa/chat-ws'])('gives %s no CORS and no header rules', (id) => {
    const resolved = app(id);
    expect(resolved.cors).toBeNull();
    expect(resolved.requestHeaders).toEqual({ set: {}, remove: [] });
    expect(resolved.responseHeaders).toEqual({ set: {}, remove: [] });
  });

  it.each(['ns-k8x2m9qa/terminal', 'ns-r4n7v1pz/adminer'])('gives %s the Sealos CORS policy', (id) => {
    expect(app(id).cors).toEqual({
      allowOrigins: [`https://${domain}`, `https://*.${domain}`],
      allowMethods: ['PUT', 'GET', 'POST', 'PATCH', 'OPTIONS'],
      allowHeaders: expect.arrayContaining(['Content-Type', 'Authorization']),
      allowCredentials: false,
      maxAgeSeconds: 1728000,
    });
  });

  it('removes Authorization for the terminal and keeps its own X-SEALOS header', () => {
    const terminal = app('ns-k8x2m9qa/terminal');
    expect(terminal.requestHeaders.remove).toEqual(['Authorization']);
    expect(terminal.requestHeaders.set).toEqual({ 'X-SEALOS-tk2x9qm4p': '1' });
  });

  it('removes X-Frame-Options for adminer and allows framing by the Sealos domain only', () => {
    const adminer = app('ns-r4n7v1pz/adminer');
    expect(adminer.responseHeaders.remove).toEqual(['X-Frame-Options']);
    expect(adminer.responseHeaders.set['Content-Security-Policy']).toBe(`frame-ancestors 'self' https://${domain} https://*.${domain}`);
  });

  it('gives the host to its first claimant: the squatters do not own it and are not served', () => {
    const owner = app('ns-k8x2m9qa/hello-web');
    const squatters = ['ns-c9w3e5ty/squatter', 'ns-c9w3e5ty/squatter-api', 'ns-c9w3e5ty/squatter-canary'].map(app);
    expect(owner.hostOwner).toBe(owner.id);
    for (const squatter of squatters) {
      expect(squatter.host).toBe(owner.host);
      expect(squatter.hostOwner).toBe(owner.id);
      expect(squatter.state).toBe('active');
    }
    expect(squatters.map((squatter) => squatter.route)).toEqual([null, { path: '/api/', header: null }, { path: null, header: { name: 'X-Canary', value: 'always' } }]);
    for (const resolved of loaded.resolved.apps) {
      if (!squatters.includes(resolved)) expect(resolved.hostOwner, resolved.id).toBe(resolved.id);
    }
  });

  it.each([
    { where: "an owner's app", user: 'a', apps: [{ name: 'web', kind: 'web', host: 'abcdefghijkl', route: { path: '/api/' } }] },
    { where: 'a second app of the same tenant', user: 'a', apps: [{ name: 'web', kind: 'web', host: 'abcdefghijkl' }, { name: 'api', kind: 'web', host: 'abcdefghijkl', route: { path: '/api/' } }] },
  ])('refuses a route on $where: only a squatter narrows a claim', ({ user, apps }) => {
    const result = scenarioSchema.safeParse({ version: 1, name: 't', domain: 'cloud.sealos.test', tenants: [{ user, apps }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(`tenants.0.apps.${apps.length - 1}.route`);
  });

  it('refuses a route with both a path and a header', () => {
    const apps = [{ name: 'web', kind: 'web', host: 'abcdefghijkl' }];
    const squatter = { name: 'api', kind: 'web', host: 'abcdefghijkl', route: { path: '/api/', header: { name: 'X-A', value: 'b' } } };
    const result = scenarioSchema.safeParse({ version: 1, name: 't', domain: 'cloud.sealos.test', tenants: [{ user: 'a', apps }, { user: 'b', apps: [squatter] }] });
    expect(result.success).toBe(false);
  });

  it.each([
    { id: 'ns-r4n7v1pz/blog', state: 'paused' },
    { id: 'ns-s0u5p3nd/site', state: 'suspended' },
    { id: 'ns-r4n7v1pz/shop', state: 'active' },
  ])('resolves $id as $state', ({ id, state }) => {
    expect(app(id).state).toBe(state);
  });

  it('serves only active apps that own their host', () => {
    const served = servedApps(loaded.resolved).map((resolved) => resolved.id);
    expect(served).not.toContain('ns-r4n7v1pz/blog');
    expect(served).not.toContain('ns-s0u5p3nd/site');
    expect(served).not.toContain('ns-c9w3e5ty/squatter');
    expect(served).not.toContain('ns-c9w3e5ty/squatter-api');
    expect(served).toContain('ns-k8x2m9qa/hello-web');
    expect(served).toHaveLength(loaded.resolved.apps.length - 5);
  });

  it('gives the custom domain its own secret and the rest the wildcard secret', () => {
    const shop = app('ns-r4n7v1pz/shop');
    expect(shop.host).toBe('shop.tenant-shop.test');
    expect(shop.tls).toEqual({ secretName: 'shop-tls', custom: true });
    for (const resolved of loaded.resolved.apps) {
      if (resolved.id !== shop.id) expect(resolved.tls, resolved.id).toEqual({ secretName: 'wildcard-cert', custom: false });
    }
  });

  it('defaults the performance targets to the first served web, gRPC and WebSocket apps', () => {
    expect(loaded.resolved.performance).toEqual({
      concurrency: [1, 10, 50, 100],
      rates: [500],
      durationSeconds: 2,
      warmupSeconds: 1,
      // Live A/B rounds are added until the gate decides: `rounds` and `maxMinutes` bound each level.
      rounds: 10,
      maxMinutes: 1,
      targets: ['ns-k8x2m9qa/hello-web', 'ns-k8x2m9qa/echo-grpc', 'ns-k8x2m9qa/chat-ws'],
      profile: 'quick',
      profiles: { quick: { durationSeconds: 2, warmupSeconds: 1, rounds: 10, maxMinutes: 1 }, gate: { durationSeconds: 5, warmupSeconds: 1, rounds: 20, maxMinutes: 4 } },
      budget: { p95Increase: 0.15, throughputDecrease: 0.1, p95FloorMs: 0.5, throughputFloorRps: 0, confidence: 0.98 },
    });
  });

  it('the gate profile switches levels and rounds, and a scenario can set its own budget', () => {
    const gate = withProfile(loaded.resolved.performance, 'gate');
    expect(gate).toMatchObject({ profile: 'gate', durationSeconds: 5, warmupSeconds: 1, rounds: 20, maxMinutes: 4, concurrency: [1, 10, 50, 100] });
    expect(withProfile(loaded.resolved.performance, 'gate', { maxRounds: 12, maxMinutes: 0.5 })).toMatchObject({ profile: 'gate', rounds: 12, maxMinutes: 0.5 });
    // The cost said before a live run is its most: every level at its bound (rounds or minutes, whichever comes first).
    expect(describeCost(gate, 3, true)).toBe('performance profile gate: 13 load levels x up to 20 A/B rounds (both gateways at once, until decided, at most 4 min a level) x 6 s = at most about 26 min of load');
    // The quick profile judges one level a target: 90 s of A/B at most, the 10 other levels once each.
    expect(describeCost(loaded.resolved.performance, 3, true)).toBe('performance profile quick: 3 judged load levels (one a target) x up to 10 A/B rounds (both gateways at once, until decided, at most 1 min a level) x 3 s + 10 levels x 1 run x 3 s = at most about 2 min of load');
    expect(describeCost(loaded.resolved.performance, 3, false)).toBe('performance profile quick: 13 load levels x 1 run x 3 s = about 1 min of load');
    const own = parseScenario('version: 1\nname: s\ndomain: a.test\ntenants: [{ user: u, apps: [{ name: w, kind: web, host: h }] }]\nperformance: { profile: gate, gate: { rounds: 12 }, budget: { p95FloorMs: 2 } }\n', 's.yaml');
    expect(own.resolved.performance).toMatchObject({ profile: 'gate', rounds: 12, durationSeconds: 5, budget: { p95Increase: 0.15, p95FloorMs: 2 } });
    expect(() => parseScenario('version: 1\nname: s\ndomain: a.test\ntenants: [{ user: u, apps: [{ name: w, kind: web, host: h }] }]\nperformance: { gate: { rounds: 2 } }\n', 's.yaml')).toThrow(/performance\.gate\.rounds/);
  });

  it('judges one level a target in the quick profile (the concurrency nearest 10) and every level in the gate profile', () => {
    const quick = loaded.resolved.performance;
    const judged = (performance: typeof quick) =>
      [...performance.concurrency.map((level) => ({ model: 'closed' as const, level })), ...performance.rates.map((level) => ({ model: 'open' as const, level }))]
        .filter((level) => isJudgedLevel(performance, level))
        .map(({ model, level }) => `${model}=${level}`);
    expect(judged(quick)).toEqual(['closed=10']);
    expect(judged(withProfile(quick, 'gate'))).toEqual(['closed=1', 'closed=10', 'closed=50', 'closed=100', 'open=500']);
    // The nearest concurrency need not be 10 itself; the first of two as near wins.
    expect(judged({ ...quick, concurrency: [1, 50, 100] })).toEqual(['closed=1']);
    expect(judged({ ...quick, concurrency: [8, 12] })).toEqual(['closed=8']);
  });
});

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['1024', 1024],
    ['64k', 64 * 1024],
    ['64K', 64 * 1024],
    ['32m', 32 * 1024 ** 2],
    ['256M', 256 * 1024 ** 2],
    ['3g', 3 * 1024 ** 3],
  ])('%s is %d bytes', (size, bytes) => {
    expect(parseSize(size)).toBe(bytes);
  });

  it.each(['', 'k', '10mb', '1.5m', '-1', ' 32m', '32 m', '1t'])('refuses %j', (size) => {
    expect(() => parseSize(size)).toThrow(/not a size/);
  });
});

const header = 'version: 1\nname: bad\ndomain: cloud.example.test\n';
/** A scenario with one tenant `alice` and the given YAML app lines. */
const withApps = (apps: string, rest = '') => `${header}tenants:\n  - user: alice\n    apps:\n${apps}${rest}`;
const webApp = '      - { name: a, kind: web, host: abcdefghijkl }\n';

describe('parseScenario refuses bad input, naming the file, the field and what was expected', () => {
  it.each([
    {
      problem: 'unknown kind',
      text: withApps('      - { name: a, kind: ftp, host: abcdefghijkl }\n'),
      where: 'tenants[0].apps[0].kind',
      expected: /expected one of "web"\|"grpc"\|"ws"\|"terminal"\|"adminer"/,
    },
    { problem: 'missing tenants', text: header, where: 'at tenants:', expected: /expected array, received undefined/ },
    {
      problem: 'host label with uppercase',
      text: withApps('      - { name: a, kind: web, host: Abcdefghijkl }\n'),
      where: 'tenants[0].apps[0].host',
      expected: /a lowercase DNS label/,
    },
    {
      problem: 'unknown top-level field (strict)',
      text: withApps(webApp, 'colour: red\n'),
      where: '(top level)',
      expected: /Unrecognized key: "colour"/,
    },
    {
      problem: 'bad bodySize',
      text: withApps('      - { name: a, kind: web, host: abcdefghijkl, bodySize: 10mb }\n'),
      where: 'tenants[0].apps[0].bodySize',
      expected: /a size such as 64k, 32m or 3g/,
    },
    {
      problem: 'header value with $',
      text: withApps('      - name: a\n        kind: web\n        host: abcdefghijkl\n        requestHeaders: { set: { X-User: "$remote_user" } }\n'),
      where: 'tenants[0].apps[0].requestHeaders.set.X-User',
      expected: /a header value without \$ or line breaks/,
    },
    {
      problem: 'invalid YAML',
      text: 'version: 1\ntenants: [\n  - : :\n',
      where: 'not valid YAML',
      expected: /line 3, column \d+/,
    },
    {
      problem: 'duplicate app id',
      text: withApps(`${webApp}      - { name: a, kind: web, host: mnopqrstuvwx }\n`),
      // No field path: the check runs after zod; the app id says where.
      where: 'app ns-alice/a',
      expected: /declared twice/,
    },
    {
      problem: 'unknown performance target',
      text: withApps(webApp, 'performance:\n  targets: [ns-bob/api]\n'),
      where: 'performance.targets',
      expected: /unknown app id ns-bob\/api \(expected ns-<user>\/<app>\)/,
    },
  ])('$problem', ({ text, where, expected }) => {
    let thrown: unknown;
    try {
      parseScenario(text, 'bad.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputFileError);
    const error = thrown as InputFileError;
    expect(error.file).toBe('bad.yaml');
    expect(error.message.startsWith('bad.yaml: ')).toBe(true);
    expect(error.message).toContain(where);
    expect(error.message).toMatch(expected);
    expect(error.code).toBe('E_INPUT');
    expect(error.exitCode).toBe(2);
  });

  it('accepts the minimal valid scenario the bad cases are built from', () => {
    const { resolved } = parseScenario(withApps(webApp), 'good.yaml');
    expect(resolved.apps.map((resolved) => resolved.host)).toEqual(['abcdefghijkl.cloud.example.test']);
  });
});

describe('published JSON schema', () => {
  it('scenarios/scenario.schema.json is what `npm run schema` writes from scenarioSchema', async () => {
    // Same shape as scripts/write-scenario-schema.ts; a mismatch means: run `npm run schema` and commit.
    const expected = `${JSON.stringify({ title: 'meshgate scenario', ...z.toJSONSchema(scenarioSchema, { io: 'input' }) }, null, 2)}\n`;
    expect(await readFile(schemaFile, 'utf8')).toBe(expected);
  });
});
