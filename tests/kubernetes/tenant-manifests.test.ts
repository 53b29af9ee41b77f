import { beforeAll, describe, expect, it } from 'vitest';
import type { Ingress } from '../../harness/kubernetes/core-objects.ts';
import type { VirtualService } from '../../harness/kubernetes/istio-objects.ts';
import { type KubeObject, RUN_ID_LABEL } from '../../harness/kubernetes/objects.ts';
import { renderManifests } from '../../harness/kubernetes/render-yaml.ts';
import { validateObjects } from '../../harness/kubernetes/validate-objects.ts';
import type { ResolvedScenario } from '../../harness/scenario/resolve.ts';
import { certificates, defaultScenario, manifests, runId } from './fixtures.ts';

let scenario: ResolvedScenario;

beforeAll(async () => {
  scenario = await defaultScenario();
});

function find<K extends KubeObject['kind']>(objects: KubeObject[], kind: K, namespace: string, name: string): Extract<KubeObject, { kind: K }> | undefined {
  return objects.find(
    (object): object is Extract<KubeObject, { kind: K }> =>
      object.kind === kind && object.metadata.name === name && (!('namespace' in object.metadata) || object.metadata.namespace === namespace),
  );
}

describe('golden manifests of the default scenario', () => {
  // Rewrite with `npx vitest run tests/kubernetes -u` after an intended change, and review the diff.
  it.each(['ingress', 'istio'] as const)('mode %s matches tests/kubernetes/golden/default-%s.yaml', async (mode) => {
    const { objects } = manifests(scenario, mode);
    await expect(renderManifests(objects)).toMatchFileSnapshot(`./golden/default-${mode}.yaml`);
  });

  it.each(['ingress', 'istio'] as const)('mode %s passes validation, every object labelled with the run id', (mode) => {
    const { objects } = manifests(scenario, mode);
    expect(validateObjects(objects, runId)).toEqual(objects);
    for (const object of objects) expect(object.metadata.labels[RUN_ID_LABEL]).toBe(runId);
  });
});

describe('objects common to both modes', () => {
  it('creates a Namespace per tenant and a Deployment and Service per app, squatting and paused ones included', () => {
    const { objects } = manifests(scenario, 'ingress');
    const namespaces = objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name);
    expect(namespaces).toEqual(['ns-k8x2m9qa', 'ns-r4n7v1pz', 'ns-c9w3e5ty', 'ns-s0u5p3nd']);
    for (const app of scenario.apps) {
      expect(find(objects, 'Deployment', app.namespace, app.name), app.id).toBeDefined();
      expect(find(objects, 'Service', app.namespace, app.name), app.id).toBeDefined();
    }
  });

  it('runs the echo fixture with its identity and both ports, ready on HTTP', () => {
    const deployment = find(manifests(scenario, 'istio').objects, 'Deployment', 'ns-k8x2m9qa', 'terminal')!;
    const [container] = deployment.spec.template.spec.containers;
    expect(container!.args).toEqual([
      '--tenant', 'k8x2m9qa', '--namespace', 'ns-k8x2m9qa', '--app', 'terminal', '--instance', '$(POD_NAME)',
      '--host', '0.0.0.0', '--http-port', '8080', '--grpc-port', '9090',
    ]);
    expect(container!.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(deployment.spec.template.metadata.labels[RUN_ID_LABEL]).toBe(runId);
  });

  it('names Service ports by protocol, with appProtocol for Istio', () => {
    const service = find(manifests(scenario, 'istio').objects, 'Service', 'ns-k8x2m9qa', 'echo-grpc')!;
    expect(service.spec.ports.map(({ name, port, appProtocol }) => ({ name, port, appProtocol }))).toEqual([
      { name: 'http', port: 8080, appProtocol: 'http' },
      { name: 'grpc', port: 9090, appProtocol: 'grpc' },
    ]);
  });

  it('refuses to build a Secret whose certificate the caller did not give', () => {
    expect(() => manifests(scenario, 'ingress', { certificates: new Map() })).toThrow(/no certificate given for TLS secret wildcard-cert/);
  });
});

describe('mode ingress', () => {
  const ingress = (name: string, namespace: string): Ingress | undefined => find(manifests(scenario, 'ingress').objects, 'Ingress', namespace, name);

  it.each([
    ['ns-k8x2m9qa', 'hello-web', 'nginx'],
    ['ns-r4n7v1pz', 'blog', 'pause'],
    ['ns-s0u5p3nd', 'site', 'disable'],
  ])('%s/%s has ingress class %s, as an annotation only', (namespace, name, ingressClass) => {
    const object = ingress(name, namespace)!;
    expect(object.metadata.annotations!['kubernetes.io/ingress.class']).toBe(ingressClass);
    expect(object.spec).not.toHaveProperty('ingressClassName');
  });

  it("applies the squatting app's Ingress after its host's owner (the oldest Ingress keeps the host)", () => {
    const names = manifests(scenario, 'ingress').objects.filter((object) => object.kind === 'Ingress').map((object) => `${object.metadata.namespace}/${object.metadata.name}`);
    expect(ingress('squatter', 'ns-c9w3e5ty')!.spec.rules[0]!.host).toBe('pqxtwzmbavke.cloud.sealos.test');
    expect(names.indexOf('ns-c9w3e5ty/squatter')).toBeGreaterThan(names.indexOf('ns-k8x2m9qa/hello-web'));
  });

  it("applies no Ingress for a narrower squatter claim: Sealos' admission webhook refuses it, and ingress-nginx alone would serve it", () => {
    expect(ingress('squatter-api', 'ns-c9w3e5ty')).toBeUndefined();
    expect(ingress('squatter-canary', 'ns-c9w3e5ty')).toBeUndefined();
  });

  it('sends gRPC apps to the gRPC port with backend-protocol GRPC', () => {
    const object = ingress('echo-grpc', 'ns-k8x2m9qa')!;
    expect(object.metadata.annotations!['nginx.ingress.kubernetes.io/backend-protocol']).toBe('GRPC');
    expect(object.spec.rules[0]!.http.paths[0]!.backend.service.port.number).toBe(9090);
  });

  it('copies the wildcard certificate into each namespace whose Ingresses use it', () => {
    const secrets = manifests(scenario, 'ingress').objects.filter((object) => object.kind === 'Secret');
    expect(secrets.map((secret) => `${secret.metadata.namespace}/${secret.metadata.name}`).sort()).toEqual(
      ['ns-c9w3e5ty/wildcard-cert', 'ns-k8x2m9qa/wildcard-cert', 'ns-r4n7v1pz/shop-tls', 'ns-r4n7v1pz/wildcard-cert', 'ns-s0u5p3nd/wildcard-cert'],
    );
  });
});

describe('mode istio', () => {
  const virtualService = (name: string, namespace: string): VirtualService | undefined => find(manifests(scenario, 'istio').objects, 'VirtualService', namespace, name);

  it("binds every owned host on the Gateway to its owner namespace; the squatter's VirtualService and own Gateway are applied but bind nothing there", () => {
    const objects = manifests(scenario, 'istio').objects;
    const gateway = find(objects, 'Gateway', 'istio-system', 'meshgate')!;
    expect(gateway.spec.servers[0]!.hosts).toContain('ns-k8x2m9qa/pqxtwzmbavke.cloud.sealos.test');
    expect(gateway.spec.servers.flatMap((server) => server.hosts).filter((host) => host.startsWith('ns-c9w3e5ty/pqxtwzmbavke'))).toEqual([]);
    expect(virtualService('squatter', 'ns-c9w3e5ty')!.spec.gateways).toEqual(['istio-system/meshgate', 'ns-c9w3e5ty/squatter']);
    expect(find(objects, 'Gateway', 'ns-c9w3e5ty', 'squatter')!.spec.servers[0]!.hosts).toEqual(['pqxtwzmbavke.cloud.sealos.test']);
  });

  it("writes a narrower squatter claim as a tenant would: every route matches the squatter's uri prefix or header", () => {
    const matches = (name: string) => virtualService(name, 'ns-c9w3e5ty')!.spec.http.flatMap((route) => route.match ?? []);
    expect(matches('squatter-api').length).toBeGreaterThan(0);
    for (const match of matches('squatter-api')) expect(match.uri).toEqual({ prefix: '/api/' });
    for (const match of matches('squatter-canary')) expect(match.headers).toEqual({ 'x-canary': { exact: 'always' } });
    expect(virtualService('squatter-api', 'ns-c9w3e5ty')!.spec.http.every((route) => (route.match ?? []).length > 0)).toBe(true);
  });

  it('terminates TLS per certificate, each from a prefixed Secret in the gateway namespace', () => {
    const gateway = find(manifests(scenario, 'istio').objects, 'Gateway', 'istio-system', 'meshgate')!;
    expect(gateway.spec.servers.slice(1).map((server) => [server.tls?.credentialName, server.hosts.length])).toEqual([
      ['meshgate.wildcard-cert', 10],
      ['meshgate.ns-r4n7v1pz.shop-tls', 1],
    ]);
  });

  it.each([
    ['ns-r4n7v1pz', 'blog', 'paused'],
    ['ns-s0u5p3nd', 'site', 'suspended'],
  ])('%s/%s (%s) answers 503 without a backend', (namespace, name, state) => {
    expect(virtualService(name, namespace)!.spec.http).toEqual([{ name: state, directResponse: { status: 503 } }]);
  });

  it('refuses a declared body over the limit, redirects the terminal to HTTPS with 308, then refuses cross-site WebSocket upgrades, passes other upgrades unbuffered, then proxies', () => {
    const routes = virtualService('terminal', 'ns-k8x2m9qa')!.spec.http;
    expect(routes.map((route) => route.name)).toEqual(['body-too-large', 'ssl-redirect', 'websocket-guard-https', 'upgrade-https', 'backend-https']);
    expect(routes[0]).toMatchObject({ match: [{ headers: { 'content-length': { regex: expect.stringMatching(/^0\*/) } } }], directResponse: { status: 413 } });
    expect(routes[1]).toMatchObject({ match: [{ port: 80 }], redirect: { scheme: 'https', redirectCode: 308 } });
    expect(routes[2]).toMatchObject({
      match: [{ port: 443, headers: { upgrade: { regex: '(?i)websocket' } }, withoutHeaders: { 'sec-fetch-site': { regex: 'same-origin|same-site' } } }],
      directResponse: { status: 403 },
    });
    expect(routes[3]).toMatchObject({ match: [{ port: 443, headers: { upgrade: { regex: '(?i)websocket' } } }] });
    expect(routes[4]!.timeout).toBeUndefined();
    expect(routes[4]!.headers!.request).toEqual({
      set: {
        'X-Real-IP': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
        'X-Forwarded-For': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
        'X-Forwarded-Host': '%REQ(:AUTHORITY)%',
        'X-Forwarded-Port': '443',
        'X-Forwarded-Proto': 'https',
        'X-SEALOS-tk2x9qm4p': '1',
      },
      remove: ['Authorization'],
    });
  });

  it('serves each listener with its own routes: HSTS only on HTTPS', () => {
    const routes = virtualService('hello-web', 'ns-k8x2m9qa')!.spec.http.filter((route) => route.name.startsWith('backend'));
    expect(routes.map((route) => [route.name, route.match?.[0]?.port, route.headers?.response?.set])).toEqual([
      ['backend-https', 443, { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }],
      ['backend-http', 80, undefined],
    ]);
  });

  it.each([
    ['backend-https', '443', 'https'],
    ['backend-http', '80', 'http'],
  ])('sets the forwarded headers on %s from the connection and the listener, as ingress-nginx does (Envoy would append to a client X-Forwarded-For and pass -Port)', (name, port, scheme) => {
    const route = virtualService('hello-web', 'ns-k8x2m9qa')!.spec.http.find((candidate) => candidate.name === name);
    expect(route!.headers?.request?.set).toEqual({
      'X-Real-IP': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
      'X-Forwarded-For': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
      'X-Forwarded-Host': '%REQ(:AUTHORITY)%',
      'X-Forwarded-Port': port,
      'X-Forwarded-Proto': scheme,
    });
  });

  it("names HTTPS server ports without dots, which Istio's route-name parsing for EnvoyFilter matches splits on", () => {
    const dotted: ResolvedScenario = { ...scenario, tls: { ...scenario.tls, wildcardSecret: 'wildcard.cert' }, apps: scenario.apps.map((candidate) => (candidate.tls && !candidate.tls.custom ? { ...candidate, tls: { ...candidate.tls, secretName: 'wildcard.cert' } } : candidate)) };
    const certificatesWithDot = new Map([...certificates].map(([key, pair]) => [key === 'wildcard-cert' ? 'wildcard.cert' : key, pair]));
    const gateway = find(manifests(dotted, 'istio', { certificates: certificatesWithDot }).objects, 'Gateway', 'istio-system', 'meshgate')!;
    expect(gateway.spec.servers.map((server) => server.port.name)).toEqual(['http', 'https-wildcard-cert', 'https-ns-r4n7v1pz-shop-tls']);
  });

  it('follows the gateway options and the cluster domain', () => {
    const gateway = { namespace: 'gw', name: 'edge', selector: { app: 'edge' }, httpPort: 8080, httpsPort: 8443 };
    const { objects } = manifests(scenario, 'istio', { gateway, clusterDomain: 'k8s.test' });
    expect(find(objects, 'Gateway', 'gw', 'edge')!.spec.selector).toEqual({ app: 'edge' });
    const terminal = find(objects, 'VirtualService', 'ns-k8x2m9qa', 'terminal')!;
    expect(terminal.spec.gateways).toEqual(['gw/edge']);
    expect(terminal.spec.http[1]!.match).toEqual([{ port: 8080 }]);
    expect(terminal.spec.http[4]!.route![0]!.destination.host).toBe('terminal.ns-k8x2m9qa.svc.k8s.test');
    const filter = find(objects, 'EnvoyFilter', 'gw', 'meshgate.ns-k8x2m9qa.terminal')!;
    expect(filter.spec.workloadSelector.labels).toEqual({ app: 'edge' });
    expect(filter.spec.configPatches.map((patch) => patch.match.routeConfiguration)).toEqual([
      { gateway: 'gw/edge', portNumber: 8443, vhost: { name: 'tk2x9qm4p.cloud.sealos.test:8443', route: { name: 'backend-https' } } },
      { gateway: 'gw/edge', portNumber: 8443, vhost: { name: 'tk2x9qm4p.cloud.sealos.test:8443', route: { name: 'upgrade-https' } } },
    ]);
    expect(objects.filter((object) => object.kind === 'Secret').every((secret) => secret.metadata.namespace === 'gw')).toBe(true);
    expect(validateObjects(objects, runId)).toHaveLength(objects.length);
  });
});

describe('a scenario with TLS off', () => {
  it.each(['ingress', 'istio'] as const)('mode %s has no Secret, no TLS and no redirect', (mode) => {
    const plain: ResolvedScenario = { ...scenario, tls: { ...scenario.tls, enabled: false }, apps: scenario.apps.map((app) => ({ ...app, tls: null, sslRedirect: false })) };
    const { objects } = manifests(plain, mode, { certificates: new Map() });
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    const yaml = renderManifests(validateObjects(objects, runId));
    expect(yaml).not.toMatch(/tls:|ssl-redirect: "true"|scheme: https|Strict-Transport-Security/);
  });
});
