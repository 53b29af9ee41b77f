import { probeEastWest } from '../../harness/suite/east-west-probe.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeHttp, probeRawHttp } from '../../harness/suite/probes.ts';
import { type SchemeSubject, httpApps, httpsApps, inactiveApps, overSchemes, schemeSubjectName, squatterListeners, unknownHost } from '../../harness/suite/subjects.ts';

/** Multi-tenant isolation: every host reaches its own tenant's backend and nothing else. */
export const multiTenantCases = [
  defineCase({
    id: 'host-routes-to-own-backend-https',
    covers: ['name', 'host', 'kind', 'tenant.user'],
    description: 'Every served host reaches exactly its own backend over HTTPS (identity reported by the echo fixture).',
    features: ['tls'],
    subjects: httpsApps,
    expect: (app) => ({ status: 200, backend: app.id }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'https', host: app.host }),
  }),
  defineCase({
    id: 'host-routes-to-own-backend-http',
    covers: ['name', 'host', 'kind', 'tenant.user'],
    description: 'Every served host without ssl-redirect reaches exactly its own backend over plain HTTP.',
    features: ['http1'],
    subjects: (target) => httpApps(target).filter((app) => !app.sslRedirect),
    expect: (app) => ({ status: 200, backend: app.id }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host }),
  }),
  defineCase<string>({
    id: 'unknown-host-reaches-no-tenant',
    description: 'A host no tenant owns is answered 404 by the gateway and reaches no backend.',
    features: ['http1'],
    subjects: (target) => [unknownHost(target)],
    subjectName: (host) => host,
    expect: () => ({ status: 404, backend: null }),
    probe: (host, { gateway }) => probeHttp(gateway, { scheme: 'http', host }),
  }),
  defineCase<string>({
    id: 'unknown-host-reaches-no-tenant-https',
    description: "A host no tenant owns, over HTTPS, reaches no backend: ingress-nginx completes the handshake with its default certificate (ssl_reject_handshake off) and answers 404.",
    features: ['tls'],
    subjects: (target) => [unknownHost(target)],
    subjectName: (host) => host,
    expect: () => ({ status: 404, backend: null }),
    probe: (host, { gateway }) => probeHttp(gateway, { scheme: 'https', host, anyCertificate: true }),
  }),
  defineCase({
    id: 'paused-or-suspended-serves-nothing',
    covers: ['state', 'tenant.state'],
    description: 'A paused app or a suspended tenant reaches no backend over HTTP: its ingress class is served by no controller, so the default server answers 404.',
    features: ['http1'],
    subjects: inactiveApps,
    expect: () => ({ status: 404, backend: null }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host }),
  }),
  defineCase({
    id: 'paused-or-suspended-serves-nothing-https',
    covers: ['state', 'tenant.state'],
    description: 'A paused app or a suspended tenant reaches no backend over HTTPS (the default certificate, then 404).',
    features: ['tls'],
    subjects: (target) => inactiveApps(target).filter((app) => app.tls !== null),
    expect: () => ({ status: 404, backend: null }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'https', host: app.host, anyCertificate: true }),
  }),
  defineCase<SchemeSubject>({
    id: 'host-claim-stays-with-owner',
    covers: ['host'],
    description: "A second tenant's Ingress for a host another tenant owns is applied; the owner keeps the host on every listener (ingress-nginx keeps the oldest Ingress's location).",
    features: ['http1'],
    subjects: (target) => squatterListeners(target, (app) => app.route === null),
    subjectName: schemeSubjectName,
    expect: ({ app }) => ({ status: 200, backend: app.hostOwner }),
    probe: ({ app, scheme }, { gateway }) => probeHttp(gateway, { scheme, host: app.host }),
  }),
];

/** Client-sent forwarding headers that claim another host and address. */
function spoofedForwarding(otherHost: string): Record<string, string> {
  return { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7', 'x-forwarded-host': otherHost, forwarded: `for=203.0.113.7;host=${otherHost}` };
}

/** Header hygiene and requests that name no tenant. */
export const hygieneCases = [
  defineCase<string>({
    id: 'bare-ip-reaches-no-tenant',
    description: 'A request whose Host is the gateway\'s bare IP reaches no backend.',
    features: ['http1'],
    subjects: (target) => [target.gateway.address],
    subjectName: (address) => address,
    expect: () => ({ status: [400, 404], backend: null }),
    probe: (address, { gateway }) => probeHttp(gateway, { scheme: 'http', host: address }),
  }),
  defineCase<string>({
    id: 'empty-host-reaches-no-tenant',
    description: 'A request without a Host header (HTTP/1.0) reaches no backend.',
    features: ['http1'],
    subjects: () => ['no-host'],
    subjectName: (name) => name,
    expect: () => ({ status: [400, 404], backend: null }),
    probe: (_name, { gateway }) => probeRawHttp(gateway, { scheme: 'http', request: 'GET / HTTP/1.0\r\n\r\n' }),
  }),
  defineCase<SchemeSubject>({
    id: 'forwarded-headers-do-not-route',
    description:
      "Client-sent X-Forwarded-For/-Host, X-Real-IP and Forwarded that claim another tenant change neither the routing nor what the backend is told: ingress-nginx replaces X-Forwarded-For, -Host, -Port, -Proto and X-Real-IP with its own values (and keeps the client's as X-Original-Forwarded-*).",
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target)),
    subjectName: schemeSubjectName,
    expect: ({ app, scheme }) => ({
      status: 200,
      backend: app.id,
      details: { forwardedHost: app.host, forwardedProto: scheme, forwardedPort: scheme === 'https' ? '443' : '80', spoofedAddressPassed: false },
    }),
    probe: async ({ app, scheme }, { gateway, target }) => {
      const other = httpsApps(target).find((candidate) => candidate.namespace !== app.namespace)?.host ?? `other.${target.resolved.domain}`;
      const observation = await probeHttp(gateway, { scheme, host: app.host, headers: spoofedForwarding(other) });
      const seen = observation.echo?.headers ?? {};
      const spoofedAddressPassed = seen['x-real-ip'] === '203.0.113.7' || (seen['x-forwarded-for'] ?? '').split(',')[0]?.trim() === '203.0.113.7';
      return {
        ...observation,
        details: {
          forwardedHost: seen['x-forwarded-host'] ?? null,
          forwardedProto: seen['x-forwarded-proto'] ?? null,
          forwardedPort: seen['x-forwarded-port'] ?? null,
          spoofedAddressPassed,
        },
      };
    },
  }),
  defineCase({
    id: 'removed-request-headers-do-not-reach-backend',
    covers: ['requestHeaders.remove'],
    description: 'Headers the app removes (the terminal\'s incoming Authorization) never reach its backend.',
    features: ['http1'],
    subjects: (target) => httpsApps(target).filter((app) => app.requestHeaders.remove.length > 0),
    expect: (app) => ({ status: 200, backend: app.id, details: Object.fromEntries(app.requestHeaders.remove.map((name) => [`reached ${name.toLowerCase()}`, false])) }),
    probe: async (app, { gateway }) => {
      const sent = Object.fromEntries(app.requestHeaders.remove.map((name) => [name.toLowerCase(), 'Bearer client-token']));
      const observation = await probeHttp(gateway, { scheme: 'https', host: app.host, headers: sent });
      const seen = observation.echo?.headers ?? {};
      return { ...observation, details: Object.fromEntries(Object.keys(sent).map((name) => [`reached ${name}`, name in seen])) };
    },
  }),
  defineCase({
    id: 'injected-request-headers-overwrite-client',
    covers: ['requestHeaders.set'],
    description: 'Headers the gateway injects (the terminal\'s X-SEALOS-<id> secret) reach the backend with the gateway\'s value, even when the client forges them.',
    features: ['http1'],
    subjects: (target) => httpsApps(target).filter((app) => Object.keys(app.requestHeaders.set).length > 0),
    expect: (app) => ({ status: 200, backend: app.id, details: Object.fromEntries(Object.entries(app.requestHeaders.set).map(([name, value]) => [`header ${name.toLowerCase()}`, value])) }),
    probe: async (app, { gateway }) => {
      const forged = Object.fromEntries(Object.keys(app.requestHeaders.set).map((name) => [name.toLowerCase(), 'forged']));
      const observation = await probeHttp(gateway, { scheme: 'https', host: app.host, headers: forged });
      const seen = observation.echo?.headers ?? {};
      return { ...observation, details: Object.fromEntries(Object.keys(forged).map((name) => [`header ${name}`, seen[name] ?? null])) };
    },
  }),
  defineCase<SchemeSubject>({
    id: 'response-header-rules-applied',
    covers: ['responseHeaders.set', 'responseHeaders.remove'],
    description: "Response headers the app removes (adminer's X-Frame-Options, sent by the backend here) never reach the client; headers it sets (the CSP) arrive with the app's value, on every listener.",
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target).filter((app) => app.responseHeaders.remove.length + Object.keys(app.responseHeaders.set).length > 0)),
    subjectName: schemeSubjectName,
    expect: ({ app }) => ({
      status: 200,
      backend: app.id,
      headers: {
        ...Object.fromEntries(app.responseHeaders.remove.map((name) => [name.toLowerCase(), { absent: true as const }])),
        ...Object.fromEntries(Object.entries(app.responseHeaders.set).map(([name, value]) => [name.toLowerCase(), { equals: value }])),
      },
    }),
    probe: ({ app, scheme }, { gateway }) => {
      const sent = app.responseHeaders.remove.map((name) => `header=${encodeURIComponent(`${name}:from-backend`)}`).join('&');
      return probeHttp(gateway, { scheme, host: app.host, path: `/?${sent}` });
    },
  }),
  defineCase({
    id: 'east-west-isolation',
    description: 'A pod in another tenant\'s namespace cannot call this app\'s Service directly, while a pod in its own namespace can (needs a cluster: pods and Services).',
    features: ['east-west'],
    subjects: httpsApps,
    // Pods take seconds to schedule: observe once, no streak of three.
    convergence: { successes: 1, timeoutMs: 0 },
    expect: () => ({ details: { reachedFromOwnNamespace: true, reachedFromOtherTenant: false } }),
    probe: (app, { target, timeouts, signal }) => probeEastWest(target, app, { timeouts, signal }),
  }),
];
