import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../../harness/errors.ts';
import { catalogue } from '../../suites/catalogue.ts';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { LocalEnvironment, type LocalEnvironmentOptions } from '../../harness/environments/local/local-environment.ts';
import { toIngress } from '../../harness/inventory/ingress-objects.ts';
import { buildTenantManifests } from '../../harness/kubernetes/tenant-manifests.ts';
import { freePort } from '../../harness/net/ports.ts';
import { compareHost, noisyFields, parityRules } from '../../harness/parity/compare-answers.ts';
import { hostsFromIngresses, readHostList } from '../../harness/parity/parity-hosts.ts';
import { rateLimiter, runParity } from '../../harness/parity/run-parity.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { knownDifferences } from '../../suites/known-differences.ts';
import { breakConfig, routeUpstream } from '../e2e/meshgate-cli.ts';
import { certificates } from '../kubernetes/fixtures.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

const rows = new Map(knownDifferences.map((row) => [row.id, row.classification]));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-parity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('comparing answers', () => {
  it('leaves out what the reference answered differently twice, and classes the rest by the known-differences rows', () => {
    const first = { 'GET / status': '200', 'GET / body.headers.x-request-id': '"a1"', 'preflight foreign status': '204', 'GET / body.app': '"web"' };
    const second = { ...first, 'GET / body.headers.x-request-id': '"b2"' };
    const candidate = { ...first, 'GET / body.headers.x-request-id': '"c3"', 'preflight foreign status': '200', 'GET / body.app': '"api"', 'GET / x-frame-options': 'DENY' };
    expect(noisyFields(first, second)).toEqual(['GET / body.headers.x-request-id']);
    const parity = compareHost('a.test', first, candidate, noisyFields(first, second), rows);
    expect(parity.verdict).toBe('differs');
    expect(parity.differences).toEqual([
      { field: 'GET / body.app', reference: '"web"', candidate: '"api"', class: 'differs' },
      { field: 'GET / x-frame-options', reference: null, candidate: 'DENY', class: 'differs' },
      { field: 'preflight foreign status', reference: '204', candidate: '200', class: rows.get('cors-preflight-200') === 'accepted-gap' ? 'known-difference' : 'differs', row: 'cors-preflight-200' },
    ]);
  });

  it('names only rows that exist', () => {
    for (const rule of parityRules) expect(rows.has(rule.row), rule.row).toBe(true);
  });

  it('spaces requests at the rate, for every caller together', async () => {
    const throttle = rateLimiter(50, new AbortController().signal);
    const started = performance.now();
    await Promise.all(Array.from({ length: 11 }, () => throttle()));
    // 11 requests at 50/s: the last goes 200 ms after the first (a lower bound; a busy machine only adds).
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });
});

describe('parity hosts', () => {
  it('reads a host list and refuses a junk line by its number', async () => {
    const good = join(dir, 'hosts.txt');
    await writeFile(good, '# cutover wave 1\na.cloud.example.test\n\nb.cloud.example.test  # the shop\na.cloud.example.test\n');
    expect((await readHostList(good)).map((host) => host.host)).toEqual(['a.cloud.example.test', 'b.cloud.example.test']);
    const junk = join(dir, 'junk.txt');
    await writeFile(junk, 'a.cloud.example.test\nhttps://b.cloud.example.test/\n');
    const error = await readHostList(junk).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(/line 2: "https:\/\/b\.cloud\.example\.test\/" is not a host name/);
  });
});

/**
 * Two local gateways on one set of tenants: the same ports on 127.0.0.1 and 127.0.0.2,
 * the same run id (so the fixtures report the same identities), as two gateways in
 * front of the same backends would be.
 */
describe('parity between two live gateways', () => {
  const started: StartedEnvironment[] = [];
  afterAll(async () => {
    await Promise.all(started.map((environment) => environment.stop()));
  });

  async function gateways(candidate: Partial<LocalEnvironmentOptions>) {
    const scenario = await loadScenario();
    const ports = { httpPort: await freePort(), httpsPort: await freePort() };
    const [reference, other] = await Promise.all(
      [{ listenHost: '127.0.0.1' }, { listenHost: '127.0.0.2', ...candidate }].map((options) => new LocalEnvironment({ scenario, runId: 'parity', timeouts: defaultTimeouts, pinCpus: false, ...ports, ...options }).start()),
    );
    started.push(reference!, other!);
    const ingresses = buildTenantManifests(scenario.resolved, 'parity', { mode: 'ingress', fixture: { image: 'meshgate-echo' }, certificates }).objects.filter((object) => object.kind === 'Ingress');
    const hosts = hostsFromIngresses(ingresses.map((object) => toIngress(object, (message) => new Error(message))));
    const address = async (environment: StartedEnvironment) => {
      const target = environment.target();
      return { address: target.gateway.address, httpPort: target.gateway.httpPort, httpsPort: target.gateway.httpsPort, ca: await readFile(target.caFile!, 'utf8'), requestMs: 10_000 };
    };
    return { hosts, reference: await address(reference!), candidate: await address(other!) };
  }

  const run = async (candidate: Partial<LocalEnvironmentOptions>) => {
    const { hosts, reference, candidate: gateway } = await gateways(candidate);
    const report = await runParity({ reference, candidate: gateway, hosts, ratePerSecond: 400, hostsAtOnce: 8, timeoutMs: 10_000, retries: 1, rows, signal: new AbortController().signal, progress: () => undefined });
    return { report, hosts };
  };

  it('finds two identical gateways the same, host by host, with the A/A noise learned', async () => {
    const { report, hosts } = await run({});
    expect(report.hosts).toHaveLength(hosts.length);
    expect(report.hosts.filter((host) => host.verdict !== 'same').map((host) => [host.host, host.differences])).toEqual([]);
    // The echo backends answer JSON that carries each request's id: learned as noise, not compared.
    const echoing = report.hosts.filter((host) => host.noisy.includes('GET / body.headers.x-request-id'));
    expect(echoing.length).toBeGreaterThan(hosts.length / 2);
  });

  it('names exactly the hosts and fields a broken candidate changes', async () => {
    const { report } = await run({
      // One host routed to another tenant's backend, and every redirect 301 instead of 308.
      configHook: (config) => breakConfig(/return 308 /, 'return 301 ')(routeUpstream('ns-k8x2m9qa_hello-web_http', 'ns-c9w3e5ty_api_http')(config)),
    });
    const differing = Object.fromEntries(report.hosts.filter((host) => host.verdict === 'differs').map((host) => [host.host, [...new Set(host.differences.map((difference) => difference.field.replace(/ body\..*/, ' body')))]]));
    const apps = (await loadScenario()).resolved.apps.filter((app) => app.state === 'active');
    const redirecting = apps.filter((app) => app.tls && app.sslRedirect).map((app) => app.host);
    const misrouted = apps.find((app) => app.id === 'ns-k8x2m9qa/hello-web')!.host;
    expect(differing).toEqual({ ...Object.fromEntries(redirecting.map((host) => [host, ['http / status']])), [misrouted]: ['GET / body'] });
    const redirect = report.hosts.find((host) => host.host === redirecting[0])!.differences;
    expect(redirect).toEqual([{ field: 'http / status', reference: '308', candidate: '301', class: 'differs' }]);
    const body = report.hosts.find((host) => host.host === misrouted)!.differences.map((difference) => [difference.field, difference.reference, difference.candidate]);
    expect(body).toContainEqual(['GET / body.app', '"hello-web"', '"api"']);
  });
});

describe('meshgate parity input', () => {
  it('exits 2 with the reason on a junk host list, a missing source and an unreachable gateway, and writes no report', async () => {
    const { main } = await import('../../harness/cli/main.ts');
    const { freePort: port } = await import('../../harness/net/ports.ts');
    const hostsFile = join(dir, 'hosts-for-cli.txt');
    await writeFile(hostsFile, 'a.cloud.example.test\n');
    const junk = join(dir, 'junk-for-cli.txt');
    await writeFile(junk, 'not a host!\n');
    const closed = `127.0.0.1:${await port()}:${await port()}`;
    const reports = join(dir, 'reports');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    const parity = (...args: string[]) => main(['node', 'meshgate', 'parity', '--reference', closed, '--candidate', closed, '--reports', reports, ...args], async () => catalogue);
    try {
      expect(await parity('--hosts', junk)).toBe(2);
      expect(await parity()).toBe(2);
      expect(await parity('--hosts', hostsFile)).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    const output = stderr.join('');
    expect(output).toContain('line 1: "not a host!" is not a host name');
    expect(output).toContain('exactly one of --hosts FILE, --ingresses FILE, --from-cluster');
    expect(output).toMatch(/the reference gateway 127\.0\.0\.1:\d+ does not accept connections/);
    expect(await import('node:fs/promises').then((fs) => fs.readdir(dir))).not.toContain('reports');
  });
});
