import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../harness/net/ports.ts';
import type { ParityDocument } from '../../harness/parity/parity-document.ts';
import { parityJobRbac } from '../../harness/parity/parity-job.ts';
import { type ParityReport, runParity } from '../../harness/parity/run-parity.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { knownDifferences } from '../../suites/known-differences.ts';
import { startFakeKube, writeKubeconfig } from '../cluster/fake-kube-api.ts';
import { attributesOf } from '../cluster/rbac-requests.ts';
import { breakConfig, meshgate, routeUpstream, scratchDir } from '../e2e/meshgate-cli.ts';
import { type GatewayPair, endpointFlag, inServer, startGatewayPair } from './gateway-pair.ts';

const rows = new Map(knownDifferences.map((row) => [row.id, row.classification]));
const apps = new Map((await loadScenario()).resolved.apps.map((app) => [app.id, app.host]));
const hostOf = (id: string) => apps.get(id)!;

/**
 * One candidate gateway with five defects a cutover could bring, each on one host of the
 * real local nginx; parity must name exactly these hosts and fields, and nothing else.
 */
const injected = [
  {
    name: 'a header rule lost (adminer’s Content-Security-Policy)',
    host: hostOf('ns-r4n7v1pz/adminer'),
    breakage: inServer(hostOf('ns-r4n7v1pz/adminer'), breakConfig(/add_header Content-Security-Policy [^\n]+ always;/, '')),
    // `always`: nginx adds it to every answer of the location, the gateway's own 308 and 204 included.
    fields: ['GET / content-security-policy', 'HEAD / content-security-policy', 'http / content-security-policy', 'preflight allowed content-security-policy', 'preflight foreign content-security-policy'],
  },
  {
    name: 'a redirect code changed (308 to 301)',
    host: hostOf('ns-r4n7v1pz/shop'),
    breakage: inServer(hostOf('ns-r4n7v1pz/shop'), breakConfig(/return 308 /, 'return 301 ')),
    fields: ['http / status'],
  },
  {
    name: 'CORS opened to every origin (the terminal)',
    host: hostOf('ns-k8x2m9qa/terminal'),
    // cors-allow-origin "*" as ingress-nginx renders it: every origin sets $cors (template.go buildCorsOriginRegex).
    breakage: inServer(hostOf('ns-k8x2m9qa/terminal'), breakConfig(/if \(\$http_origin ~\* [^\n]+\{ set \$cors 'true'; \}/, "set $cors 'true';")),
    // The foreign origin's preflight is now the gateway's 204 with the origin echoed, not the app's own answer;
    // the CORS headers without the origin reach plain GET and HEAD too (no Origin: an empty Allow-Origin is not sent).
    fields: [
      ...['GET /', 'HEAD /'].flatMap((probe) => ['allow-headers', 'allow-methods', 'max-age'].map((header) => `${probe} access-control-${header}`)),
      ...['allow-headers', 'allow-methods', 'allow-origin', 'max-age'].map((header) => `preflight foreign access-control-${header}`),
      'preflight foreign content-type',
      'preflight foreign status',
    ],
  },
  {
    name: 'one host routed to another tenant',
    host: hostOf('ns-k8x2m9qa/hello-web'),
    breakage: routeUpstream('ns-k8x2m9qa_hello-web_http', 'ns-c9w3e5ty_api_http'),
    // The JSON body field by field: which app, tenant and namespace answered (and its instance).
    fields: ['GET / body.app', 'GET / body.instance', 'GET / body.namespace', 'GET / body.tenant'],
  },
  {
    name: 'a certificate swapped (the custom domain’s on a wildcard host)',
    host: hostOf('ns-c9w3e5ty/api'),
    breakage: inServer(hostOf('ns-c9w3e5ty/api'), (server) => server.replace(/wildcard-cert\.(crt|key);/g, 'ns-r4n7v1pz_shop-tls.$1;')),
    fields: ['tls names', 'tls trusted'],
  },
];

describe('parity against a candidate with differences injected', () => {
  let pair: GatewayPair;
  let report: ParityReport;
  beforeAll(async () => {
    pair = await startGatewayPair({ configHook: (config) => injected.reduce((broken, injection) => injection.breakage(broken), config) });
    report = await runParity({ ...pair, ratePerSecond: 400, hostsAtOnce: 8, timeoutMs: 10_000, retries: 1, rows, signal: new AbortController().signal, progress: () => undefined });
  }, 120_000);
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(async () => {
    await Promise.all([pair?.stop(), scratch?.remove()]);
  });

  it('names exactly the hosts and fields injected, nothing else', () => {
    const differing = Object.fromEntries(report.hosts.filter((host) => host.verdict !== 'same').map((host) => [host.host, host.differences.map((difference) => `${difference.class} ${difference.field}`)]));
    expect(differing).toEqual(Object.fromEntries(injected.map((injection) => [injection.host, injection.fields.map((field) => `differs ${field}`).sort()])));
    expect(report.counts).toEqual({ same: report.hosts.length - injected.length, knownDifference: 0, differs: injected.length, unreachable: 0 });
  });

  it('gives both answers of each difference', () => {
    const answer = (host: string, field: string) => report.hosts.find((parity) => parity.host === host)!.differences.find((difference) => difference.field === field);
    expect(answer(hostOf('ns-r4n7v1pz/shop'), 'http / status')).toMatchObject({ reference: '308', candidate: '301' });
    expect(answer(hostOf('ns-k8x2m9qa/terminal'), 'preflight foreign access-control-allow-origin')).toMatchObject({ reference: null, candidate: 'https://parity-probe.invalid' });
    expect(answer(hostOf('ns-k8x2m9qa/hello-web'), 'GET / body.app')).toMatchObject({ reference: '"hello-web"', candidate: '"api"' });
    expect(answer(hostOf('ns-c9w3e5ty/api'), 'tls names')).toMatchObject({ reference: '*.cloud.sealos.test, cloud.sealos.test', candidate: 'shop.tenant-shop.test' });
    expect(answer(hostOf('ns-r4n7v1pz/adminer'), 'GET / content-security-policy')).toMatchObject({ reference: expect.stringContaining('frame-ancestors'), candidate: null });
  });

  it('from the command line: exit 1 though the Pushgateway is down, and the HTML and JSON name those hosts with both answers side by side', async () => {
    const exportFile = join(scratch.dir, 'ingresses.yaml');
    await writeFile(exportFile, stringify({ apiVersion: 'v1', kind: 'List', items: pair.ingressObjects }));
    const reports = join(scratch.dir, 'reports');
    const result = await meshgate([
      'parity', '--ingresses', exportFile, '--reference', endpointFlag(pair.reference), '--candidate', endpointFlag(pair.candidate),
      '--reference-ca', pair.caFiles.reference, '--candidate-ca', pair.caFiles.candidate,
      '--rate', '400', '--reports', reports, '--run-id', 'parity-injected', '--pushgateway', `http://127.0.0.1:${await freePort()}`,
    ]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/warning: metrics not pushed to .*; the verdict stands/);
    for (const { host } of injected) expect(result.stderr).toContain(`✗ ${host}`);
    const document: ParityDocument = JSON.parse(await readFile(join(reports, 'parity-injected', 'parity.json'), 'utf8'));
    expect(document.verdict).toBe('fail');
    expect(document.hosts.filter((host) => host.verdict === 'differs').map((host) => host.host).sort()).toEqual(injected.map(({ host }) => host).sort());
    const html = await readFile(join(reports, 'parity-injected', 'parity.html'), 'utf8');
    expect([...html.matchAll(/<section class="host" data-host="([^"]+)">/g)].map((match) => match[1]).sort()).toEqual(injected.map(({ host }) => host).sort());
    const shop = hostOf('ns-r4n7v1pz/shop');
    expect(html).toMatch(new RegExp(`data-host="${shop.replaceAll('.', '\\.')}">.*<tr data-field="http / status"><td><code>http / status</code></td><td class="fail">differs</td><td class="answer">308</td><td class="answer">301</td></tr>`));
    expect(html).toContain('<td class="answer">&quot;hello-web&quot;</td><td class="answer">&quot;api&quot;</td>');
    expect(html).toContain(`<td class="answer">frame-ancestors 'self' https://cloud.sealos.test https://*.cloud.sealos.test</td><td class="answer empty">(none)</td>`);
  });

  it('split over an Indexed Job of three parity workers (fake API server), the merged report names the same hosts and fields, with only the calls the Job needs', async () => {
    const exportFile = join(scratch.dir, 'ingresses-for-job.yaml');
    await writeFile(exportFile, stringify({ apiVersion: 'v1', kind: 'List', items: pair.ingressObjects }));
    // The kubelet's part: each pod runs its args with its completion index, and its stdout is its log.
    const fake = await startFakeKube({
      runJob: async (job, configMap) => {
        const spec = job.spec as { completions: number; template: { spec: { containers: Array<{ args: string[] }> } } };
        const file = join(scratch.dir, 'parity.json');
        await writeFile(file, (configMap('meshgate-parity')!.data as Record<string, string>)['parity.json']!);
        const pods = [];
        for (let index = 0; index < spec.completions; index++) {
          const args = spec.template.spec.containers[0]!.args.map((arg) => (arg === '@/etc/meshgate-parity/parity.json' ? `@${file}` : arg));
          const pod = await meshgate([...args, '--index', String(index)]);
          pods.push({ index, exitCode: pod.exitCode ?? 1, log: pod.stdout });
        }
        return pods;
      },
    });
    try {
      const reports = join(scratch.dir, 'reports');
      const result = await meshgate([
        'parity', '--ingresses', exportFile, '--reference', endpointFlag(pair.reference), '--candidate', endpointFlag(pair.candidate),
        '--reference-ca', pair.caFiles.reference, '--candidate-ca', pair.caFiles.candidate, '--rate', '400',
        '--workers', '3', '--worker-image', 'registry.example/meshgate:0.1.0', '--kubeconfig', await writeKubeconfig(scratch.dir, fake.url),
        '--reports', reports, '--run-id', 'parity-job',
      ]);
      expect(result.exitCode, result.stderr).toBe(1);
      const document: ParityDocument = JSON.parse(await readFile(join(reports, 'parity-job', 'parity.json'), 'utf8'));
      expect(document.hosts.map((host) => host.host)).toEqual(report.hosts.map((host) => host.host));
      const fields = (parity: ParityReport) => parity.hosts.map((host) => [host.host, host.verdict, host.differences.map((difference) => difference.field)]);
      expect(fields(document)).toEqual(fields(report));
      const calls = new Set(fake.requests.flatMap(attributesOf).map((call) => `${call.verb} ${call.resource}`));
      // Least privilege: every call the coordinator made is in parityJobRbac, and the table holds nothing unused.
      const allowed = parityJobRbac.flatMap((rule) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}`)));
      expect([...calls].sort()).toEqual([...allowed].sort());
      expect([...fake.objects.keys()].filter((key) => key.includes('meshgate-parity'))).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
