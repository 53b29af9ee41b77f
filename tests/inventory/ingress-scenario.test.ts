import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { classifyIngresses, type InventoryReport } from '../../harness/inventory/classify-ingresses.ts';
import { readIngressFile, toIngress } from '../../harness/inventory/ingress-objects.ts';
import { ingressScenario } from '../../harness/inventory/ingress-scenario.ts';
import { blockingClasses, type UntranslatableItem } from '../../harness/inventory/untranslatable.ts';
import { buildIngressRouting } from '../../harness/kubernetes/ingress-routing.ts';
import { loadIngressInput } from '../../harness/run/ingress-input.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { type ResolvedApp, resolveScenario } from '../../harness/scenario/resolve.ts';
import { catalogue } from '../../suites/catalogue.ts';
import { knownDifferences } from '../../suites/known-differences.ts';

const sealosSet = new URL('./sealos-ingresses.yaml', import.meta.url).pathname;
const rows = new Map(knownDifferences.map((row) => [row.id, row.classification]));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-translate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in this process, capturing both streams. */
async function meshgate(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(['node', 'meshgate', ...args], async () => catalogue, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { exitCode, stdout, stderr };
}

/** What one side names as blocking and the other does not: annotations and snippet directives, per Ingress. */
function disagreement(inventory: InventoryReport, untranslatable: readonly UntranslatableItem[]): { inventoryOnly: string[]; translateOnly: string[] } {
  const fromInventory = inventory.ingresses.flatMap((entry) =>
    entry.annotations.flatMap((annotation) => annotation.directives ?? [annotation]).filter((item) => blockingClasses.includes(item.class)).map((item) => `${entry.ref} ${item.text}`),
  );
  const fromTranslate = untranslatable.filter((item) => item.source === 'annotation' && blockingClasses.includes(item.class)).map((item) => `${item.ingress} ${item.item}`);
  return { inventoryOnly: fromInventory.filter((item) => !fromTranslate.includes(item)), translateOnly: fromTranslate.filter((item) => !fromInventory.includes(item)) };
}

describe('Ingress objects as the input of the translation and the local reference', () => {
  it('names exactly the annotations and directives inventory classes as blocking or not understood', async () => {
    const input = await loadIngressInput(sealosSet, rows);
    const inventory = classifyIngresses(await readIngressFile(sealosSet), rows);
    expect(disagreement(inventory, input.untranslatable)).toEqual({ inventoryOnly: [], translateOnly: [] });
    // The check can fail: a translation that silently drops one item is caught.
    expect(disagreement(inventory, input.untranslatable.filter((item) => !item.item.startsWith('auth-url'))).inventoryOnly).toEqual([
      'ns-q7w2e9rt/admin-behind-auth auth-url: http://oauth2-proxy.ns-q7w2e9rt.svc.cluster.local/oauth2/auth',
    ]);
  });

  it('names what of each Ingress it does not carry, beyond its annotations', async () => {
    const input = await loadIngressInput(sealosSet, rows);
    const whole = input.untranslatable.filter((item) => item.source === 'ingress').map((item) => `${item.class} ${item.ingress} ${item.item}`);
    expect(whole).toEqual(
      expect.arrayContaining([
        'blocking-gap dbprovider-frontend/dbprovider-frontend namespace dbprovider-frontend',
        'blocking-gap ns-q7w2e9rt/api-rewrite files.cloud.example.test path /api(/|$)(.*) (ImplementationSpecific)',
        'blocking-gap ns-k8x2m9qa/shop-canary canary Ingress',
        'known-difference ns-q7w2e9rt/admin-behind-auth admin.cloud.example.test without TLS',
      ]),
    );
    expect(input.otherClasses).toEqual(['higress-system/console']);
    expect(input.scenario.resolved.apps.map((app) => `${app.id} ${app.host} ${app.backendProtocol} ${app.state}`)).toEqual([
      'ns-k8x2m9qa/network-qkzvmlfhbpxa qkzvmlfhbpxa.cloud.example.test HTTP active',
      'ns-k8x2m9qa/network-grpcxwzkqmvb grpcxwzkqmvb.cloud.example.test GRPC active',
      'ns-k8x2m9qa/terminal-k8x2m9qa tk3m9x2qa.cloud.example.test HTTP active',
      'ns-r4n7v1pz/network-chatwsjqpzle chatwsjqpzle.cloud.example.test WS active',
      'ns-r4n7v1pz/network-pausedappxyz pausedappxyz.cloud.example.test HTTP paused',
      'ns-q7w2e9rt/admin-behind-auth admin.cloud.example.test HTTP active',
      'ns-z1x2c3v4/legacy-lua legacy.cloud.example.test HTTP active',
    ]);
  });

  it("carries the scenario's own Ingresses whole: scenario -> the launchpad's Ingresses -> the same apps", async () => {
    const scenario = await loadScenario();
    const pair = { chainPem: 'certificate', keyPem: 'key' };
    const keys = scenario.resolved.apps.flatMap((app) => (app.tls ? [app.tls.custom ? `${app.namespace}/${app.tls.secretName}` : app.tls.secretName] : []));
    const objects = buildIngressRouting(scenario.resolved, 'roundtrip', new Map(keys.map((key) => [key, pair])));
    const ingresses = objects.filter((object) => object.kind === 'Ingress').map((object) => toIngress(object, (message) => new Error(message)));
    const model = ingressScenario(ingresses, { name: 'roundtrip' });
    // The one thing left out: the squatter's later claim on a host, which ingress-nginx does not serve either.
    expect(model.notCarried.map((item) => `${item.ingress} ${item.subject}`)).toEqual(['ns-c9w3e5ty/squatter pqxtwzmbavke.cloud.sealos.test /']);
    const fields = (app: ResolvedApp) => {
      const { id: _id, name: _name, kind: _kind, hostOwner: _owner, route: _route, tenant: _tenant, tls, ...rest } = app;
      return { ...rest, tls: tls && { custom: tls.custom } };
    };
    const served = resolveScenario(model.scenario!).apps.map(fields);
    expect(served).toEqual(scenario.resolved.apps.filter((app) => app.hostOwner === app.id).map(fields));
  });

  it('carries add_header without always as a known difference (2xx/3xx only in nginx), on both sides', async () => {
    const file = join(dir, 'add-header.yaml');
    await writeFile(file, ingressYaml('ns-abc', 'adds', 'adds.example.test', { 'nginx.ingress.kubernetes.io/configuration-snippet': 'add_header X-Frame-Options DENY;\n' }));
    const input = await loadIngressInput(file, rows);
    const inventory = classifyIngresses(await readIngressFile(file), rows);
    expect(inventory.ingresses[0]!.annotations[0]!.directives!.map((item) => item.class)).toEqual(['known-difference']);
    expect(input.untranslatable.filter((item) => item.source === 'annotation')).toEqual([]);
    expect(input.scenario.resolved.apps[0]!.responseHeaders.set).toEqual({ 'X-Frame-Options': 'DENY' });
  });

  it('refuses a header rule built from nginx variables as a gap, on both sides', async () => {
    const file = join(dir, 'variables.yaml');
    await writeFile(file, ingressYaml('ns-abc', 'vars', 'vars.example.test', { 'nginx.ingress.kubernetes.io/configuration-snippet': 'proxy_set_header X-Host $host;\nmore_set_headers "X-A: b";\n' }));
    const input = await loadIngressInput(file, rows);
    expect(input.untranslatable.map((item) => `${item.class} ${item.item}`)).toContain('blocking-gap proxy_set_header X-Host $host;');
    expect(disagreement(classifyIngresses(await readIngressFile(file), rows), input.untranslatable)).toEqual({ inventoryOnly: [], translateOnly: [] });
    expect(input.scenario.resolved.apps[0]!.responseHeaders.set).toEqual({ 'X-A': 'b' });
  });
});

describe('which Ingress keeps a host two claim', () => {
  const claim = (namespace: string, name: string, creationTimestamp: string) => ({ ...JSON.parse(ingressYaml(namespace, name, 'shared.example.test', {})), metadata: { name, namespace, creationTimestamp, annotations: { 'kubernetes.io/ingress.class': 'nginx' } } });
  const owner = async (items: object[]) => {
    const file = join(dir, 'claims.yaml');
    // As kubectl writes it: the timestamp unquoted, which the List reader (js-yaml) takes as a date.
    await writeFile(file, stringify({ apiVersion: 'v1', kind: 'List', items }));
    return (await loadIngressInput(file, rows)).scenario.resolved.apps.map((app) => app.id);
  };

  it('is the oldest, as ingress-nginx sorts them (store.go sortIngressSlice), whatever the order of the export', async () => {
    expect(await owner([claim('ns-b', 'late', '2026-03-02T00:00:00Z'), claim('ns-a', 'early', '2026-03-01T00:00:00Z')])).toEqual(['ns-a/early']);
  });

  it('is the greater <namespace>/<name> when both were created in the same second', async () => {
    expect(await owner([claim('ns-a', 'one', '2026-03-01T00:00:00Z'), claim('ns-b', 'two', '2026-03-01T00:00:00Z')])).toEqual(['ns-b/two']);
  });
});

describe('meshgate translate --ingresses', () => {
  it('writes validated Istio objects routed to the Services the Ingresses name, lists what blocks, and exits 1', async () => {
    const out = join(dir, 'sealos');
    const result = await meshgate('translate', '--ingresses', sealosSet, '--out', out, '--run-id', 'translate-test');
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('[blocking-gap] auth-url: http://oauth2-proxy');
    expect(result.stderr).toContain('the Gateway reads TLS Secret istio-system/meshgate.wildcard-cert');
    const objects = parseAllDocuments(await readFile(join(out, 'istio.yaml'), 'utf8')).map((document) => document.toJS() as { kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> });
    expect(objects.map((object) => object.kind).filter((kind) => kind === 'Secret' || kind === 'Service')).toEqual([]);
    const shop = objects.find((object) => object.kind === 'VirtualService' && object.metadata.name === 'network-qkzvmlfhbpxa')!;
    expect(JSON.stringify(shop.spec)).toContain('"destination":{"host":"shop.ns-k8x2m9qa.svc.cluster.local","port":{"number":8080}}');
    // Reviewed: regenerate with `npx vitest run tests/inventory -u`.
    await expect(await readFile(join(out, 'istio.yaml'), 'utf8')).toMatchFileSnapshot('../kubernetes/golden/sealos-translated-istio.yaml');
    const written = JSON.parse(await readFile(join(out, 'untranslatable.json'), 'utf8')) as { untranslatable: UntranslatableItem[] };
    expect(written.untranslatable.length).toBeGreaterThan(0);
  });

  it('exits 0 when every Ingress is carried whole', async () => {
    const file = join(dir, 'clean.yaml');
    await writeFile(file, ingressYaml('ns-abc', 'web', 'web.example.test', { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' }));
    const result = await meshgate('translate', '--ingresses', file);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('kind: VirtualService');
  });

  it('refuses a file that is not Ingress YAML with exit 2, naming the problem', async () => {
    const file = join(dir, 'pods.yaml');
    await writeFile(file, 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: default }\n');
    const result = await meshgate('translate', '--ingresses', file);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('kind "Pod", expected Ingress');
    const other = join(dir, 'higress.yaml');
    await writeFile(other, ingressYaml('ns-abc', 'x', 'x.example.test', {}, 'higress'));
    const none = await meshgate('up', '--ingresses', other, '--foreground', '--target', join(dir, 'target.json'));
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('nothing to replay or translate');
    const cluster = await meshgate('up', '--ingresses', sealosSet, '--env', 'kind', '--foreground', '--target', join(dir, 'target.json'));
    expect(cluster.exitCode).toBe(2);
    expect(cluster.stderr).toContain('--ingresses replays an export on the local environment only');
  });
});

/** One Ingress as `kubectl get ingress -o yaml` writes it. */
function ingressYaml(namespace: string, name: string, host: string, annotations: Record<string, string>, ingressClass = 'nginx'): string {
  const object = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, annotations: { 'kubernetes.io/ingress.class': ingressClass, ...annotations } },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] },
  };
  return JSON.stringify(object);
}
