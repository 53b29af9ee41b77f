import { beforeAll, describe, expect, it } from 'vitest';
import { greaterThanPattern } from '../../harness/kubernetes/body-limit.ts';
import type { EnvoyFilter } from '../../harness/kubernetes/envoy-filter-objects.ts';
import type { KubeObject } from '../../harness/kubernetes/objects.ts';
import { validateObjects } from '../../harness/kubernetes/validate-objects.ts';
import type { ResolvedScenario } from '../../harness/scenario/resolve.ts';
import { envoyFieldProblems } from './envoy-proto-fields.ts';
import { defaultScenario, manifests, runId } from './fixtures.ts';

let scenario: ResolvedScenario;
let objects: KubeObject[];

beforeAll(async () => {
  scenario = await defaultScenario();
  objects = manifests(scenario, 'istio').objects;
});

const filters = () => objects.filter((object): object is EnvoyFilter => object.kind === 'EnvoyFilter');
const filter = (name: string) => filters().find((candidate) => candidate.metadata.name === name);

/** The Envoy message each patch's value is, by what it applies to (Istio's EnvoyFilter ApplyTo). */
const patchMessage = {
  HTTP_FILTER: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
  NETWORK_FILTER: 'envoy.config.listener.v3.Filter',
  HTTP_ROUTE: 'envoy.config.route.v3.Route',
} as const;

describe("the EnvoyFilters' patches against Envoy's proto field names (tests/kubernetes/envoy-protos/fields.json)", () => {
  it('sets only fields Envoy declares, with values of their types', () => {
    const problems = filters().flatMap((object) => object.spec.configPatches.flatMap((patch) => envoyFieldProblems(patch.patch.value, patchMessage[patch.applyTo], object.metadata.name)));
    expect(problems).toEqual([]);
  });

  it.each([
    [{ typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer', max_request_size: 1 } }, patchMessage.NETWORK_FILTER, /Buffer has no field max_request_size/],
    [{ route: { retry_policy: { per_try_idle_timeout: 300 } } }, patchMessage.HTTP_ROUTE, /per_try_idle_timeout: not a duration/],
    [{ typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', common_http_protocol_options: { headers_with_underscores_action: 'DROP' } } }, patchMessage.NETWORK_FILTER, /"DROP" is not one of/],
    [{ typed_per_filter_config: { 'envoy.filters.http.buffer': { buffer: {} } } }, patchMessage.HTTP_ROUTE, /an Any needs an @type/],
  ])('finds what is wrong with %j (the check can fail)', (value, message, problem) => {
    expect(envoyFieldProblems(value, message).join('\n')).toMatch(problem);
  });
});

describe('the EnvoyFilters of mode istio', () => {
  it("puts the buffer filter on the gateway disabled, drops request headers with underscores and keeps a client's X-Request-ID, on the gateway's pods only", () => {
    const gateway = filter('meshgate')!;
    expect(gateway.metadata.namespace).toBe('istio-system');
    expect(gateway.spec.workloadSelector.labels).toEqual({ istio: 'ingressgateway' });
    expect(gateway.spec.configPatches.map((patch) => [patch.applyTo, patch.patch.operation])).toEqual([
      ['HTTP_FILTER', 'INSERT_BEFORE'],
      ['NETWORK_FILTER', 'MERGE'],
    ]);
    expect(gateway.spec.configPatches[0]!.patch.value).toMatchObject({ name: 'envoy.filters.http.buffer', disabled: true });
    expect(JSON.stringify(gateway.spec.configPatches[1]!.patch.value)).toContain('"headers_with_underscores_action":"DROP_HEADER"');
    expect(gateway.spec.configPatches[1]!.patch.value).toMatchObject({ typed_config: { preserve_external_request_id: true } });
  });

  it("enables the buffer with the app's limit and sets its read timeout as the per-try idle timeout, on each listener's backend route", () => {
    const terminal = filter('meshgate.ns-k8x2m9qa.terminal')!;
    expect(terminal.spec.configPatches.map((patch) => patch.match.routeConfiguration?.vhost.route.name)).toEqual(['backend-https', 'upgrade-https']);
    expect(terminal.spec.configPatches[0]!.patch.value).toEqual({
      typed_per_filter_config: {
        'envoy.filters.http.buffer': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute', buffer: { max_request_bytes: 32 * 1024 * 1024 } },
      },
      route: { retry_policy: { per_try_idle_timeout: '86400s' } },
    });
    const hello = filter('meshgate.ns-k8x2m9qa.hello-web')!;
    const backends = (object: EnvoyFilter) => object.spec.configPatches.filter((patch) => patch.match.routeConfiguration?.vhost.route.name.startsWith('backend'));
    // An HTTP route configuration (`http.<port>`) names no Gateway, so only the HTTPS patch matches on one.
    expect(backends(hello).map((patch) => patch.match.routeConfiguration)).toEqual([
      { gateway: 'istio-system/meshgate', portNumber: 443, vhost: { name: 'pqxtwzmbavke.cloud.sealos.test:443', route: { name: 'backend-https' } } },
      { portNumber: 80, vhost: { name: 'pqxtwzmbavke.cloud.sealos.test:80', route: { name: 'backend-http' } } },
    ]);
  });

  it("closes an idle WebSocket after the app's read timeout: the upgrade route's idle timeout", () => {
    const chat = filter('meshgate.ns-k8x2m9qa.chat-ws')!;
    const upgrade = chat.spec.configPatches.find((patch) => patch.match.routeConfiguration?.vhost.route.name === 'upgrade-http')!;
    expect(upgrade.patch.value).toEqual({ route: { idle_timeout: '3600s' } });
  });

  it('buffers no gRPC app (a bidi stream would wait for its end) but bounds its reads', () => {
    const grpc = filter('meshgate.ns-k8x2m9qa.echo-grpc')!;
    expect(grpc.spec.configPatches.map((patch) => patch.patch.value)).toEqual([{ route: { retry_policy: { per_try_idle_timeout: '60s' } } }]);
  });

  it('patches nothing for paused or suspended apps, nor for the squatter', () => {
    const names = filters().map((object) => object.metadata.name);
    expect(names).not.toContain('meshgate.ns-r4n7v1pz.blog');
    expect(names).not.toContain('meshgate.ns-s0u5p3nd.site');
    expect(names).not.toContain('meshgate.ns-c9w3e5ty.squatter');
  });

  it('refuses a patch of a route no VirtualService builds (Istio would ignore it silently)', () => {
    const terminal = filter('meshgate.ns-k8x2m9qa.terminal')!;
    const [patch] = terminal.spec.configPatches;
    const renamed = { ...patch!, match: { ...patch!.match, routeConfiguration: { ...patch!.match.routeConfiguration!, vhost: { name: 'tk2x9qm4p.cloud.sealos.test:443', route: { name: 'backend' } } } } };
    const broken = objects.map((object) => (object === terminal ? { ...terminal, spec: { ...terminal.spec, configPatches: [renamed] } } : object));
    expect(() => validateObjects(broken, runId)).toThrow(/EnvoyFilter istio-system\/meshgate.ns-k8x2m9qa.terminal.*no VirtualService on istio-system\/meshgate builds route backend/);
  });
});

describe('greaterThanPattern: the Content-Length of a body over the limit', () => {
  const matches = (limit: number, value: string) => new RegExp(`^(?:${greaterThanPattern(limit)})$`).test(value);

  it.each([
    [33554432, '33554433', true],
    [33554432, '33554432', false],
    [33554432, '33554431', false],
    [33554432, '0033554433', true],
    [33554432, '0033554432', false],
    [33554432, '100000000', true],
    [33554432, '9999999', false],
    [268435456, '268435457', true],
    [0, '0', false],
    [0, '1', true],
    [9, '10', true],
    [9, '9', false],
  ])('limit %i, Content-Length %s: over %s', (limit, value, over) => {
    expect(matches(limit, value)).toBe(over);
  });

  it("stays within Istio's regex length limit of 1024 for any limit Envoy can buffer (pkg/config/validation/validation.go validateStringRegexp, 1.22.0:2094-2103)", () => {
    expect(greaterThanPattern(4_294_967_295).length).toBeLessThan(1024);
    expect(greaterThanPattern(Number.MAX_SAFE_INTEGER).length).toBeLessThan(1024);
  });

  it('agrees with a numeric comparison around many limits', () => {
    for (const limit of [1, 7, 10, 99, 100, 101, 1999, 65536, 3221225472]) {
      for (let delta = -120; delta <= 120; delta += 1) {
        const value = limit + delta;
        if (value >= 0) expect(matches(limit, String(value)), `${value} against ${limit}`).toBe(value > limit);
      }
    }
  });
});
