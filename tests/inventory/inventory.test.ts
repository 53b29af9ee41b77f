import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { InputFileError } from '../../harness/errors.ts';
import { connectKube } from '../../harness/environments/cluster/kube-api.ts';
import { classifyIngresses, type InventoryClass } from '../../harness/inventory/classify-ingresses.ts';
import { catalogue } from '../../suites/catalogue.ts';
import { listClusterIngresses } from '../../harness/inventory/cluster-ingresses.ts';
import { formatInventory, inventoryRbac } from '../../harness/inventory/format-inventory.ts';
import { readIngressFile } from '../../harness/inventory/ingress-objects.ts';
import { knownDifferences } from '../../suites/known-differences.ts';
import { startFakeKube, writeKubeconfig } from '../cluster/fake-kube-api.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

const sealosSet = new URL('./sealos-ingresses.yaml', import.meta.url).pathname;
const rows = new Map(knownDifferences.map((row) => [row.id, row.classification]));
const rowClass = (id: string): InventoryClass => ({ translated: 'translated', 'accepted-gap': 'known-difference', 'blocking-gap': 'blocking-gap' } as const)[rows.get(id)!];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-inventory-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inventory of the Ingresses Sealos writes, and of what tenants write themselves', () => {
  it('classes every annotation and snippet directive', async () => {
    const report = classifyIngresses(await readIngressFile(sealosSet), rows);
    const classes = Object.fromEntries(
      report.ingresses.map((ingress) => [ingress.ref, ingress.annotations.flatMap((annotation) => (annotation.directives ?? [annotation]).map((item) => `${item.class} ${item.text.split(/[:;\s]/)[0]}`)).sort()]),
    );
    const body = `${rowClass('body-limit-by-route-and-buffer')} proxy-body-size`;
    expect(classes).toEqual({
      'ns-k8x2m9qa/network-qkzvmlfhbpxa': [body, 'known-difference client-body-buffer-size', 'known-difference proxy-buffer-size', 'translated proxy-read-timeout', 'known-difference proxy-send-timeout', `${rowClass('large-header-default-buffers')} client_header_buffer_size`, `${rowClass('large-header-default-buffers')} large_client_header_buffers`, 'translated backend-protocol'].sort(),
      'ns-k8x2m9qa/network-grpcxwzkqmvb': [body, 'translated backend-protocol'].sort(),
      'ns-r4n7v1pz/network-chatwsjqpzle': [body, 'translated proxy-read-timeout', 'known-difference proxy-send-timeout', 'translated backend-protocol'].sort(),
      'ns-r4n7v1pz/network-pausedappxyz': [`${rowClass('paused-direct-503')} kubernetes.io/ingress.class`],
      'ns-k8x2m9qa/terminal-k8x2m9qa': [body, 'known-difference proxy-buffer-size', 'translated proxy-read-timeout', 'known-difference proxy-send-timeout', `${rowClass('cors-preflight-200')} enable-cors`, 'translated cors-allow-credentials', 'translated cors-allow-methods', 'translated cors-allow-origin', 'not-understood set', 'not-understood if', 'not-understood if', 'not-understood if'].sort(),
      'dbprovider-frontend/dbprovider-frontend': [`${rowClass('cors-preflight-200')} enable-cors`, 'translated backend-protocol', 'translated cors-allow-credentials', 'translated cors-allow-methods', 'translated cors-allow-origin', 'translated cors-max-age', 'translated more_clear_headers', 'translated more_set_headers', 'translated more_set_headers'].sort(),
      'ns-q7w2e9rt/api-rewrite': [body, 'blocking-gap rewrite-target', 'blocking-gap use-regex'].sort(),
      'ns-q7w2e9rt/admin-behind-auth': ['blocking-gap auth-signin', 'blocking-gap auth-url', 'blocking-gap limit-rps'],
      'ns-k8x2m9qa/shop-canary': ['blocking-gap canary', 'blocking-gap canary-weight'],
      'ns-z1x2c3v4/legacy-lua': ['not-understood access_by_lua_block', 'not-understood rewrite', 'not-understood x-custom-thing', 'translated proxy_set_header'],
      'higress-system/console': [],
    });
    expect(report.ingresses.find((ingress) => ingress.ref === 'higress-system/console')).toMatchObject({ inCutover: false, ingressClass: 'higress', otherAnnotations: ['higress.io/destination'] });
    expect(report.summary.blockingHosts).toEqual(expect.arrayContaining(['admin.cloud.example.test', 'files.cloud.example.test', 'qkzvmlfhbpxa.cloud.example.test']));
    expect(report.summary.blockingHosts).not.toContain('dbprovider.cloud.example.test');
    // The terminal's flag snippet (three ifs and a set) is not the guard the translation carries (snippet-vocabulary.ts).
    expect(report.summary.notUnderstood).toEqual([{ name: 'if', count: 3 }, { name: 'access_by_lua_block', count: 1 }, { name: 'rewrite', count: 1 }, { name: 'set', count: 1 }, { name: 'x-custom-thing', count: 1 }]);
  });

  it('sums it up in lines a person reads in a minute', async () => {
    const lines = formatInventory(classifyIngresses(await readIngressFile(sealosSet), rows));
    expect(lines[0]).toBe("meshgate inventory: 11 Ingresses, 10 in the cutover (class nginx, and Sealos' pause and disable), 9 hosts");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}admin\.cloud\.example\.test: auth-url \(external authentication is dropped/));
    expect(lines).toContain('  access_by_lua_block (1x)');
    expect(lines.at(-1)).toBe('Not in the cutover: 1 Ingresses of other classes (higress 1)');
    expect(lines.length).toBeLessThan(40);
  });
});

describe('inventory input', () => {
  it.each([
    ['a Deployment', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: a, namespace: b }\n', /object 1: kind "Deployment", expected Ingress/],
    ['an old API version', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: { name: a, namespace: b }\n', /apiVersion "extensions\/v1beta1", expected networking\.k8s\.io\/v1/],
    ['no namespace', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: a }\n', /a: metadata\.namespace is missing \(export with -A/],
    ['not YAML', 'items: [\n', /document 1 is not YAML/],
    ['nothing', '# empty\n', /no Ingress in it/],
    ['rules not a list', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: a, namespace: b }\nspec: { rules: x }\n', /b\/a: spec\.rules must be a list/],
    ['rules not a list in an export', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata: { name: a, namespace: b }\n  spec: { rules: x }\n', /object 1: b\/a: spec\.rules must be a list/],
    ['a List without items', 'apiVersion: v1\nkind: List\nitems: 3\n', /document 1: a List without items/],
  ])('refuses %s, naming what is wrong', async (_name, text, message) => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, text);
    const error = await readIngressFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(message);
  });

  it('exits 2 from the command line with the reason, and prints no inventory', async () => {
    const file = join(dir, 'junk.yaml');
    await writeFile(file, 'kind: Pod\napiVersion: v1\nmetadata: { name: p }\n');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'meshgate', 'inventory', '--from-file', file], async () => catalogue)).toBe(2);
      expect(await main(['node', 'meshgate', 'inventory'], async () => catalogue)).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toContain('kind "Pod", expected Ingress');
    expect(stderr.join('')).toContain('--from-file FILE or --from-cluster');
    expect(stderr.join('')).not.toContain('meshgate inventory:');
  });
});

describe('inventory --from-cluster', () => {
  const ingress = (i: number) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `app-${i}`, namespace: `ns-${i % 97}`, annotations: { 'kubernetes.io/ingress.class': 'nginx', 'nginx.ingress.kubernetes.io/proxy-body-size': '32m' } },
    spec: { rules: [{ host: `h${i}.cloud.example.test`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  });

  it('pages through 10,000 Ingresses with limit and continue, and sends only list requests', async () => {
    const fake = await startFakeKube();
    try {
      for (let i = 0; i < 10_000; i++) fake.seed(ingress(i));
      const kubeconfig = await writeKubeconfig(dir, fake.url);
      const pages: number[] = [];
      const listed = await listClusterIngresses(connectKube({ kubeconfig, requestMs: defaultTimeouts.kubeRequestMs }), { pageSize: 500, onPage: (count) => pages.push(count) });
      expect(listed).toHaveLength(10_000);
      expect(new Set(listed.map((item) => `${item.namespace}/${item.name}`)).size).toBe(10_000);
      expect(pages).toHaveLength(20);
      expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(Array(20).fill('GET /apis/networking.k8s.io/v1/ingresses'));
      expect(fake.requests.map((request) => request.query.limit)).toEqual(Array(20).fill('500'));
      expect(fake.requests.slice(1).every((request) => request.query.continue !== undefined)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('names the missing verb when RBAC refuses the list (403)', async () => {
    const fake = await startFakeKube();
    try {
      fake.failNext('GET', /^\/apis\/networking\.k8s\.io\/v1\/ingresses$/, 403);
      const kubeconfig = await writeKubeconfig(dir, fake.url);
      await expect(listClusterIngresses(connectKube({ kubeconfig, requestMs: defaultTimeouts.kubeRequestMs }))).rejects.toThrow(/403.*may not list ingresses\.networking\.k8s\.io in every namespace.*--print-rbac/);
    } finally {
      await fake.close();
    }
  });

  it('prints RBAC of list and watch on Ingresses, and nothing more', () => {
    const rbac = inventoryRbac('platform-tools');
    expect(rbac).toContain('resources:\n      - ingresses\n    verbs:\n      - list\n      - watch\n');
    expect(rbac.match(/verbs:/g)).toHaveLength(1);
    expect(rbac).toContain('namespace: platform-tools');
  });
});
