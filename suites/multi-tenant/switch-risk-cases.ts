import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeHttp } from '../../harness/suite/probes.ts';
import { type SchemeSubject, httpApps, overSchemes, schemeSubjectName, squatterListeners } from '../../harness/suite/subjects.ts';

/**
 * Where ingress-nginx and an Istio gateway part ways on the same tenant, and a
 * wrong translation would hand a tenant's traffic or identity to someone else:
 * narrower squatter routes, header names with underscores, client-sent forwarding headers.
 */

/** Header names a CGI/WSGI backend reads as X-Forwarded-For or an identity (both map `-` and `_` to `_`). */
const underscoreHeaders = { x_forwarded_for: '203.0.113.9', x_sealos_user: 'admin' };

/** Forwarding headers a client claims: another host, scheme and port than the ones it used. */
function claimedForwarding(scheme: 'http' | 'https', otherHost: string): Record<string, string> {
  return { 'x-forwarded-host': otherHost, 'x-forwarded-proto': scheme === 'https' ? 'http' : 'https', 'x-forwarded-port': '8443' };
}

export const switchRiskCases = [
  defineCase<SchemeSubject>({
    id: 'squatter-specific-path-never-wins',
    covers: ['route.path'],
    description:
      "A second tenant's route for the owner's host with a specific path (/api/) never wins, on every listener. Sealos refuses its Ingress (admission webhook, checkOwner); an Istio gateway sorts specific routes before catch-alls whatever the objects' ages.",
    features: ['http1'],
    subjects: (target) => squatterListeners(target, (app) => app.route?.path != null),
    subjectName: schemeSubjectName,
    expect: ({ app }) => ({ status: 200, backend: app.hostOwner }),
    probe: ({ app, scheme }, { gateway }) => probeHttp(gateway, { scheme, host: app.host, path: `${app.route?.path ?? '/'}meshgate` }),
  }),
  defineCase<SchemeSubject>({
    id: 'squatter-header-match-never-wins',
    covers: ['route.header'],
    description: "A second tenant's route for the owner's host that matches a request header never wins a request carrying that header, on every listener.",
    features: ['http1'],
    subjects: (target) => squatterListeners(target, (app) => app.route?.header != null),
    subjectName: schemeSubjectName,
    expect: ({ app }) => ({ status: 200, backend: app.hostOwner }),
    probe: ({ app, scheme }, { gateway }) => {
      const header = app.route?.header;
      return probeHttp(gateway, { scheme, host: app.host, headers: header ? { [header.name.toLowerCase()]: header.value } : {} });
    },
  }),
  defineCase<SchemeSubject>({
    id: 'underscore-headers-dropped',
    description:
      'A request header whose name has an underscore (X_Forwarded_For, X_Sealos_User) never reaches the backend, on every listener: ingress-nginx renders underscores_in_headers off (nginx.tmpl 302, config.go EnableUnderscoresInHeaders false) and nginx drops such names.',
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target)),
    subjectName: schemeSubjectName,
    expect: ({ app }) => ({ status: 200, backend: app.id, details: { underscoreHeadersReached: '' } }),
    probe: async ({ app, scheme }, { gateway }) => {
      const observation = await probeHttp(gateway, { scheme, host: app.host, headers: underscoreHeaders });
      const seen = Object.keys(observation.echo?.headers ?? {}).filter((name) => name.includes('_'));
      return { ...observation, details: { underscoreHeadersReached: seen.sort().join(',') } };
    },
  }),
  defineCase<SchemeSubject>({
    id: 'client-forwarded-headers-replaced',
    description:
      "Client-sent X-Forwarded-Host, -Proto and -Port never reach the backend as given: it is told the Host, scheme and port the client really used (ingress-nginx's use-forwarded-headers is false by default, so lua_ingress.lua rewrite() ignores them).",
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target)),
    subjectName: schemeSubjectName,
    expect: ({ app, scheme }) => ({
      status: 200,
      backend: app.id,
      details: { forwardedHost: app.host, forwardedProto: scheme, forwardedPort: scheme === 'https' ? '443' : '80' },
    }),
    probe: async ({ app, scheme }, { gateway, target }) => {
      const other = `other.${target.resolved.domain}`;
      const observation = await probeHttp(gateway, { scheme, host: app.host, headers: claimedForwarding(scheme, other) });
      const seen = observation.echo?.headers ?? {};
      return {
        ...observation,
        details: { forwardedHost: seen['x-forwarded-host'] ?? null, forwardedProto: seen['x-forwarded-proto'] ?? null, forwardedPort: seen['x-forwarded-port'] ?? null },
      };
    },
  }),
];
