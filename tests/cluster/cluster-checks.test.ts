import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../harness/run/doctor.ts';
import { imageTag, inspectCluster, requiredIstioCrds } from '../../harness/environments/cluster/cluster-checks.ts';
import { connectKube } from '../../harness/environments/cluster/kube-api.ts';
import type { GatewayPlacement } from '../../harness/environments/cluster/cluster-environment.ts';
import { startFakeKube, writeKubeconfig } from './fake-kube-api.ts';
import { defaultScenario, manifests } from '../kubernetes/fixtures.ts';
import type { FakeKube } from './fake-kube-api.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// `doctor --env existing` against an API server that holds what a real install
// writes: istiod as Istio's istiod chart renders it (app=istiod, container
// "discovery"), Higress' controller as its helm/core chart renders it, the gateway
// pods, the CRDs, the ingress-nginx controller as its chart labels it.

type Stored = Parameters<FakeKube['seed']>[0];

function deployment(namespace: string, name: string, labels: Record<string, string>, containers: Array<{ name: string; image: string; env?: Array<{ name: string; value: string }> }>): Stored {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } } };
}

const scoped = [{ name: 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE', value: 'true' }];
const istiod = (image: string, env = scoped) => deployment('istio-system', 'istiod', { app: 'istiod', istio: 'pilot' }, [{ name: 'discovery', image, env }]);
const higress = (env: Array<{ name: string; value: string }>) =>
  deployment('higress-system', 'higress-controller', { app: 'higress-controller', higress: 'higress-controller' }, [
    { name: 'higress-core', image: 'higress-registry.cn-hangzhou.cr.aliyuncs.com/higress/higress:2.1.3' },
    { name: 'discovery', image: 'higress-registry.cn-hangzhou.cr.aliyuncs.com/higress/pilot:2.1.3', env },
  ]);
const pod = (namespace: string, name: string, labels: Record<string, string>): Stored => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, status: { phase: 'Running' } });
const crd = (name: string, served: string[]): Stored => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name },
  spec: { group: 'networking.istio.io', names: { plural: name.split('.')[0], kind: 'X' }, scope: 'Namespaced', versions: served.map((version) => ({ name: version, served: true, storage: version === 'v1' })) },
});
const istioCrds = requiredIstioCrds.map((wanted) => crd(wanted.name, ['v1alpha3', 'v1beta1', 'v1']));
const ingressNginx = deployment('ingress-nginx', 'ingress-nginx-controller', { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }, [
  { name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.12.3@sha256:0000000000000000000000000000000000000000000000000000000000000000' },
]);

const istioctlPlacement: GatewayPlacement = { istioNamespace: 'istio-system', istioSelector: { istio: 'ingressgateway' }, ingressNginxNamespace: 'ingress-nginx' };
const higressPlacement: GatewayPlacement = { istioNamespace: 'higress-system', istioSelector: { higress: 'higress-system-higress-gateway' }, ingressNginxNamespace: 'ingress-nginx' };
const goodIstio = () => [istiod('docker.io/istio/pilot:1.24.2'), pod('istio-system', 'istio-ingressgateway-7d9f', { istio: 'ingressgateway' }), ...istioCrds, ingressNginx];

let dir: string;
let fake: FakeKube | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-doctor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function clusterWith(objects: Stored[]): Promise<string> {
  fake = await startFakeKube();
  for (const object of objects) fake.seed(object);
  return writeKubeconfig(dir, fake.url);
}

async function inspect(objects: Stored[], placement = istioctlPlacement, mode: 'istio' | 'dual' | 'ingress' = 'dual') {
  const kubeconfig = await clusterWith(objects);
  const findings = await inspectCluster(connectKube({ kubeconfig, requestMs: defaultTimeouts.kubeRequestMs }), { mode, placement });
  return Object.fromEntries(findings.map((finding) => [finding.name, finding]));
}

describe('doctor --env existing reads the cluster', () => {
  it('passes a good Istio cluster, naming what it read, and sends only reads', async () => {
    const findings = await inspect(goodIstio());
    expect(Object.values(findings).filter((finding) => !finding.ok)).toEqual([]);
    expect(findings.istiod?.detail).toContain('istio-system/istiod: docker.io/istio/pilot:1.24.2');
    expect(findings['gateway-scope']?.detail).toBe('PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true on istio-system/istiod');
    expect(findings['gateway-pods']?.detail).toBe('1 running in istio-system (istio=ingressgateway)');
    expect(findings['ingress-nginx']?.detail).toBe('ingress-nginx/ingress-nginx-controller: controller v1.12.3');
    expect(findings['crd VirtualService']?.detail).toBe('virtualservices.networking.istio.io serves v1alpha3, v1beta1, v1');
    expect(new Set(fake!.requests.map((request) => request.method))).toEqual(new Set(['GET']));
  });

  it('refuses gateway scoping off and says how to turn it on per installer', async () => {
    const findings = await inspect([istiod('docker.io/istio/pilot:1.24.2', []), ...goodIstio().slice(1)]);
    expect(findings['gateway-scope']).toMatchObject({ ok: false, detail: expect.stringContaining('PILOT_SCOPE_GATEWAY_TO_NAMESPACE is unset on istio-system/istiod') });
    expect(findings['gateway-scope']?.advice).toMatch(/values\.pilot\.env\.PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true.*pilot\.env\..*\(1\.22, 1\.23\).*--set env\.PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true \(1\.24 and newer\)/);
    const off = await inspect([istiod('docker.io/istio/pilot:1.24.2', [{ name: 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE', value: 'false' }]), ...goodIstio().slice(1)]);
    expect(off['gateway-scope']).toMatchObject({ ok: false, detail: expect.stringContaining('is false') });
  });

  it('refuses Istio 1.21 and says why', async () => {
    const findings = await inspect([istiod('gcr.io/istio-release/pilot:1.21.6-distroless'), ...goodIstio().slice(1)]);
    expect(findings.istiod).toMatchObject({ ok: false, detail: expect.stringMatching(/pilot:1\.21\.6-distroless: 1\.21\.6-distroless is older than 1\.22\.0: networking\.istio\.io\/v1/) });
  });

  it('refuses a selector that finds no gateway pod and names the placements of the known installs', async () => {
    const findings = await inspect(goodIstio(), { ...istioctlPlacement, istioSelector: { istio: 'ingress' } });
    expect(findings['gateway-pods']).toMatchObject({ ok: false, detail: 'no running pod in istio-system (istio=ingress)' });
    expect(findings['gateway-pods']?.advice).toContain('Higress higress-system higress=higress-system-higress-gateway');
  });

  it('refuses Higress installed without enableIstioAPI, and passes it with the Istio API, scoping and Istio CRDs', async () => {
    const gateway = pod('higress-system', 'higress-gateway-5c8d', { app: 'higress-gateway', higress: 'higress-system-higress-gateway' });
    const without = await inspect([higress(scoped), gateway, ...istioCrds], higressPlacement, 'istio');
    expect(without.higress).toMatchObject({ ok: false, detail: expect.stringContaining('installed without global.enableIstioAPI'), advice: expect.stringContaining('--set global.enableIstioAPI=true') });
    const withApi = await inspect([higress([...scoped, { name: 'HIGRESS_ENABLE_ISTIO_API', value: 'true' }]), gateway, ...istioCrds], higressPlacement, 'istio');
    expect(Object.values(withApi).filter((finding) => !finding.ok)).toEqual([]);
    expect(withApi.higress?.detail).toContain('higress/higress:2.1.3 (its pilot is Istio 1.19 inside), Istio API on');
  });

  it('refuses Higress\' own CRD set: it ships EnvoyFilter but not Gateway, VirtualService or DestinationRule', async () => {
    const gateway = pod('higress-system', 'higress-gateway-5c8d', { higress: 'higress-system-higress-gateway' });
    const findings = await inspect([higress([...scoped, { name: 'HIGRESS_ENABLE_ISTIO_API', value: 'true' }]), gateway, crd('envoyfilters.networking.istio.io', ['v1alpha3'])], higressPlacement, 'istio');
    expect(findings['crd EnvoyFilter']?.ok).toBe(true);
    expect(findings['crd VirtualService']).toMatchObject({ ok: false, detail: 'virtualservices.networking.istio.io is not installed' });
    const old = await inspect([...goodIstio().filter((object) => object.metadata.name !== 'gateways.networking.istio.io'), crd('gateways.networking.istio.io', ['v1alpha3', 'v1beta1'])]);
    expect(old['crd Gateway']).toMatchObject({ ok: false, detail: 'gateways.networking.istio.io serves v1alpha3, v1beta1' });
  });

  it('refuses a cluster with no control plane, and an ingress-nginx namespace without the controller', async () => {
    const findings = await inspect([...istioCrds]);
    expect(findings['control-plane']).toMatchObject({ ok: false, detail: expect.stringContaining('no istiod (Deployment app=istiod) and no Higress controller') });
    expect(findings['ingress-nginx']).toMatchObject({ ok: false, detail: expect.stringContaining('no controller Deployment') });
  });

  it('turns a refused read into a finding that names it', async () => {
    const kubeconfig = await clusterWith(goodIstio());
    fake!.failNext('GET', /^\/apis\/apps\/v1\/deployments$/, 403);
    const findings = await inspectCluster(connectKube({ kubeconfig, requestMs: defaultTimeouts.kubeRequestMs }), { mode: 'istio', placement: istioctlPlacement });
    expect(findings).toEqual([expect.objectContaining({ name: 'api-server', ok: false, detail: expect.stringMatching(/list Deployments app=istiod in every namespace: .*403/) })]);
  });

  it('runs through doctor: exit 2 with each refusal and its advice, exit 0 on a good cluster', async () => {
    const run = async (objects: Stored[]) => {
      const kubeconfig = await clusterWith(objects);
      const lines: string[] = [];
      const { exitCode } = await runDoctor({ env: 'existing', mode: 'istio', istioInstaller: 'istioctl', kubeconfig, gatewayNamespace: 'istio-system', gatewaySelector: { istio: 'ingressgateway' }, ingressGatewayNamespace: 'ingress-nginx', timeouts: defaultTimeouts }, (line) => lines.push(line));
      await fake!.close();
      fake = undefined;
      return { exitCode, output: lines.join('\n') };
    };
    const good = await run(goodIstio());
    expect(good.exitCode).toBe(0);
    expect(good.output).toMatch(/✓ istiod\s+istio-system\/istiod/);
    const bad = await run([istiod('docker.io/istio/pilot:1.24.2', []), ...goodIstio().slice(1)]);
    expect(bad.exitCode).toBe(2);
    expect(bad.output).toMatch(/✗ gateway-scope PILOT_SCOPE_GATEWAY_TO_NAMESPACE is unset.* — istioctl install --set values\.pilot\.env/);
    expect(bad.output).toContain('meshgate: missing for --env existing: gateway-scope');
  });
});

describe('the Istio CRDs doctor requires', () => {
  it('are the kinds and versions the translation writes for the default scenario', async () => {
    const written = manifests(await defaultScenario(), 'istio').objects.filter((object) => object.apiVersion.startsWith('networking.istio.io/'));
    const kinds = [...new Set(written.map((object) => `${object.kind} ${object.apiVersion}`))].sort();
    // Every kind written is required, and a required kind the translation no longer writes would be dead weight.
    expect(kinds).toEqual(requiredIstioCrds.map((crd) => `${crd.kind} networking.istio.io/${crd.version}`).sort());
  });
});

describe('imageTag', () => {
  it.each([
    ['docker.io/istio/pilot:1.24.2', '1.24.2'],
    ['registry.local:5000/istio/pilot:1.22.0-distroless', '1.22.0-distroless'],
    ['registry.k8s.io/ingress-nginx/controller:v1.12.3@sha256:abcd', 'v1.12.3'],
    ['registry.local:5000/istio/pilot@sha256:abcd', undefined],
    ['pilot', undefined],
  ])('%s -> %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
