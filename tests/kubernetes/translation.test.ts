import { beforeAll, describe, expect, it } from 'vitest';
import { configurationSnippet, ingressAnnotations } from '../../harness/kubernetes/ingress-annotations.ts';
import { istioUntranslated } from '../../harness/kubernetes/istio-gaps.ts';
import { corsPolicy } from '../../harness/kubernetes/virtual-service.ts';
import type { ResolvedScenario } from '../../harness/scenario/resolve.ts';
import { app, defaultScenario, manifests } from './fixtures.ts';

let scenario: ResolvedScenario;

beforeAll(async () => {
  scenario = await defaultScenario();
});

describe('untranslated items in mode istio', () => {
  const settings = (id: string) => istioUntranslated(app(scenario, id)).map((item) => item.setting);

  it.each([
    ['ns-k8x2m9qa/terminal', 'nginx.ingress.kubernetes.io/proxy-body-size: 32m'],
    ['ns-k8x2m9qa/terminal', 'nginx.ingress.kubernetes.io/proxy-read-timeout: "86400"'],
    ['ns-k8x2m9qa/terminal', 'nginx.ingress.kubernetes.io/proxy-send-timeout: "86400"'],
    ['ns-k8x2m9qa/terminal', 'nginx.ingress.kubernetes.io/enable-cors: "true"'],
    ['ns-k8x2m9qa/terminal', 'nginx.ingress.kubernetes.io/configuration-snippet: Sec-Fetch-Site WebSocket guard'],
    ['ns-r4n7v1pz/adminer', 'nginx.ingress.kubernetes.io/proxy-body-size: 256m'],
    ['ns-r4n7v1pz/adminer', 'nginx.ingress.kubernetes.io/proxy-buffer-size: 64k'],
    ['ns-r4n7v1pz/adminer', 'nginx.ingress.kubernetes.io/client-body-buffer-size: 64k'],
    ['ns-c9w3e5ty/slow-api', 'nginx.ingress.kubernetes.io/proxy-read-timeout: "2"'],
    ['ns-r4n7v1pz/blog', 'kubernetes.io/ingress.class: pause'],
    ['ns-s0u5p3nd/site', 'kubernetes.io/ingress.class: disable'],
  ])('%s lists %s', (id, setting) => {
    expect(settings(id)).toContain(setting);
  });

  it('lists no CORS or guard item for an app without them', () => {
    expect(settings('ns-k8x2m9qa/hello-web').join('\n')).not.toMatch(/enable-cors|WebSocket guard/);
  });

  it('says what a client would notice for each item', () => {
    for (const item of istioUntranslated(app(scenario, 'ns-r4n7v1pz/adminer'))) {
      expect(item.appId).toBe('ns-r4n7v1pz/adminer');
      expect(item.effect.length).toBeGreaterThan(20);
    }
    expect(istioUntranslated(app(scenario, 'ns-r4n7v1pz/adminer'))[0]!.effect).toMatch(/holds each upload whole in memory, up to 256m/);
    expect(istioUntranslated(app(scenario, 'ns-k8x2m9qa/echo-grpc'))[0]!.effect).toMatch(/chunked or streamed body over the limit reaches the backend/);
  });

  it('comes back beside the objects for every routed app, none for the squatter, none in mode ingress', () => {
    const { untranslated } = manifests(scenario, 'istio');
    const apps = new Set(untranslated.map((item) => item.appId));
    expect(apps).toEqual(new Set(scenario.apps.filter((candidate) => candidate.hostOwner === candidate.id).map((candidate) => candidate.id)));
    expect(manifests(scenario, 'ingress').untranslated).toEqual([]);
  });
});

describe('configurationSnippet (mode ingress)', () => {
  it.each([
    ['ns-k8x2m9qa/hello-web', null],
    [
      'ns-k8x2m9qa/terminal',
      'set $meshgate_websocket_guard "$http_upgrade:$http_sec_fetch_site";\n' +
        'if ($meshgate_websocket_guard ~* "^websocket:(?!(same-origin|same-site)$)") { return 403; }\n' +
        'proxy_set_header Authorization "";\n' +
        'proxy_set_header X-SEALOS-tk2x9qm4p "1";\n',
    ],
    [
      'ns-r4n7v1pz/adminer',
      'proxy_hide_header X-Frame-Options;\n' +
        `add_header Content-Security-Policy "frame-ancestors 'self' https://cloud.sealos.test https://*.cloud.sealos.test" always;\n` +
        'add_header X-Xss-Protection "1; mode=block" always;\n',
    ],
    ['ns-r4n7v1pz/shop', null],
  ])('%s', (id, expected) => {
    expect(configurationSnippet(app(scenario, id))).toBe(expected);
  });

  it("replaces ingress-nginx's HSTS in the Ingress snippet only where the app's differs from the default", () => {
    const snippet = (id: string) => ingressAnnotations(app(scenario, id))['nginx.ingress.kubernetes.io/configuration-snippet'];
    expect(snippet('ns-r4n7v1pz/shop')).toBe('more_set_headers "Strict-Transport-Security: max-age=31536000";\n');
    expect(snippet('ns-k8x2m9qa/hello-web')).toBeUndefined();
  });

  it('uses the grpc_ directives for a gRPC app', () => {
    const grpc = { ...app(scenario, 'ns-k8x2m9qa/echo-grpc'), requestHeaders: { set: { 'X-Tenant': 'a' }, remove: ['Authorization'] }, responseHeaders: { set: {}, remove: ['Server'] } };
    expect(configurationSnippet(grpc)).toBe('grpc_set_header Authorization "";\ngrpc_set_header X-Tenant "a";\ngrpc_hide_header Server;\n');
  });

  it('refuses a header value nginx would read as a variable', () => {
    const terminal = app(scenario, 'ns-k8x2m9qa/terminal');
    expect(() => configurationSnippet({ ...terminal, requestHeaders: { set: { 'X-Evil': '$host' }, remove: [] } })).toThrow(/not allowed in nginx config/);
  });
});

describe('corsPolicy (mode istio)', () => {
  it.each([
    ['https://cloud.sealos.test', { exact: 'https://cloud.sealos.test' }],
    ['https://*.cloud.sealos.test', { regex: 'https://[a-z0-9-]+\\.cloud\\.sealos\\.test' }],
    ['http://*.a-b.test:8443', { regex: 'http://[a-z0-9-]+\\.a-b\\.test:8443' }],
  ])('matches origin %s as %j', (origin, match) => {
    const policy = corsPolicy({ allowOrigins: [origin], allowMethods: ['GET'], allowHeaders: [], allowCredentials: true, maxAgeSeconds: 600 });
    expect(policy).toEqual({ allowOrigins: [match], allowMethods: ['GET'], allowHeaders: [], maxAge: '600s', allowCredentials: true });
  });

  it('anchors the wildcard so lookalike origins do not match (Envoy matches the whole value)', () => {
    const { regex } = corsPolicy({ allowOrigins: ['https://*.cloud.sealos.test'], allowMethods: [], allowHeaders: [], allowCredentials: false, maxAgeSeconds: 0 }).allowOrigins[0]!;
    const whole = new RegExp(`^(?:${regex})$`);
    expect(whole.test('https://tk2x9qm4p.cloud.sealos.test')).toBe(true);
    expect(whole.test('https://evilcloud.sealos.test')).toBe(false);
    expect(whole.test('https://a.b.cloud.sealos.test')).toBe(false);
    expect(whole.test('https://x.cloud.sealos.test.evil.test')).toBe(false);
  });
});
