import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeHttp } from '../../harness/suite/probes.ts';
import { corsApps, httpApps, preferredScheme } from '../../harness/suite/subjects.ts';
import type { LoadedTarget } from '../../harness/target.ts';

/** An origin the policy allows: the exact ones as written, wildcards with a probe label filled in. */
function allowedOrigins(app: ResolvedApp): Array<{ kind: 'exact' | 'wildcard'; origin: string }> {
  return (app.cors?.allowOrigins ?? []).map((origin) =>
    origin.includes('://*.') ? { kind: 'wildcard', origin: origin.replace('://*.', '://meshgate-probe.') } : { kind: 'exact', origin },
  );
}

interface OriginSubject {
  app: ResolvedApp;
  origin: string;
  label: string;
}

function withOrigins(target: LoadedTarget, pick: (app: ResolvedApp, domain: string) => Array<{ label: string; origin: string }>): OriginSubject[] {
  return corsApps(target).flatMap((app) => pick(app, target.resolved.domain).map(({ label, origin }) => ({ app, origin, label })));
}

const originSubjectName = (subject: OriginSubject) => `${subject.app.id} ${subject.label}`;

/** Origins no Sealos policy may allow: other domains, the wrong scheme, suffix/prefix tricks, `null`. */
function disallowedOrigins(app: ResolvedApp, domain: string): Array<{ label: string; origin: string }> {
  const wrongScheme = app.tls ? `http://${domain}` : `https://${domain}`;
  return [
    { label: 'other-domain', origin: 'https://evil.example' },
    { label: 'wrong-scheme', origin: wrongScheme },
    { label: 'prefix-trick', origin: `https://evil${domain}` },
    { label: 'suffix-trick', origin: `https://${domain}.evil.test` },
    { label: 'null', origin: 'null' },
  ];
}

const preflightHeaders = (origin: string) => ({ origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' });

/** CORS answered by the gateway, exactly as each app's policy says. */
export const corsCases = [
  defineCase<OriginSubject>({
    id: 'preflight-allowed-origin',
    covers: ['cors.allowOrigins', 'cors.allowMethods', 'cors.allowHeaders', 'cors.maxAgeSeconds'],
    description:
      "A preflight from an allowed origin (exact and wildcard subdomain) is answered by the gateway without the backend: 204, origin echoed, methods, headers, max-age and Content-Length: 0, as ingress-nginx's CORS block sends them (no Vary: it adds none).",
    features: ['cors'],
    subjects: (target) => withOrigins(target, (app) => allowedOrigins(app).map(({ kind, origin }) => ({ label: kind, origin }))),
    subjectName: originSubjectName,
    expect: ({ app, origin }) => ({
      status: 204,
      backend: null,
      headers: {
        'access-control-allow-origin': { equals: origin },
        'access-control-allow-methods': { contains: 'PUT' },
        'access-control-allow-headers': { contains: 'Content-Type' },
        'access-control-max-age': { equals: String(app.cors?.maxAgeSeconds) },
        'content-length': { equals: '0' },
      },
    }),
    probe: ({ app, origin }, { gateway }) => probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, method: 'OPTIONS', headers: preflightHeaders(origin) }),
  }),
  defineCase<OriginSubject>({
    id: 'actual-request-allowed-origin',
    covers: ['cors.allowOrigins', 'cors.allowCredentials'],
    description: 'The actual request from an allowed origin reaches the backend and carries the same allow-origin and the policy credentials flag.',
    features: ['cors'],
    subjects: (target) => withOrigins(target, (app) => allowedOrigins(app).map(({ kind, origin }) => ({ label: kind, origin }))),
    subjectName: originSubjectName,
    expect: ({ app, origin }) => ({
      status: 200,
      backend: app.id,
      headers: {
        'access-control-allow-origin': { equals: origin },
        'access-control-allow-credentials': app.cors?.allowCredentials ? { equals: 'true' } : { absent: true },
      },
    }),
    probe: ({ app, origin }, { gateway }) => probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, headers: { origin } }),
  }),
  defineCase<OriginSubject>({
    id: 'disallowed-origin-gets-no-allow-origin',
    covers: ['cors.allowOrigins'],
    description: 'Origins outside the policy (other domain, wrong scheme, prefix and suffix tricks, null) get no allow-origin header.',
    features: ['cors'],
    subjects: (target) => withOrigins(target, disallowedOrigins),
    subjectName: originSubjectName,
    expect: () => ({ headers: { 'access-control-allow-origin': { absent: true }, 'access-control-allow-credentials': { absent: true } } }),
    probe: ({ app, origin }, { gateway }) => probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, method: 'OPTIONS', headers: preflightHeaders(origin) }),
  }),
  defineCase({
    id: 'credentials-never-with-wildcard-origin',
    description: 'No app answers an allowed origin with `Access-Control-Allow-Origin: *` together with credentials.',
    features: ['cors'],
    subjects: httpApps,
    expect: () => ({ details: { wildcardWithCredentials: false } }),
    probe: async (app, { gateway }) => {
      const origin = allowedOrigins(app)[0]?.origin ?? `https://meshgate-probe.example`;
      const observation = await probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, headers: { origin } });
      const wildcardWithCredentials = observation.headers?.['access-control-allow-origin'] === '*' && observation.headers?.['access-control-allow-credentials'] === 'true';
      return { ...observation, details: { wildcardWithCredentials } };
    },
  }),
  defineCase({
    id: 'no-policy-no-cors-headers',
    description: 'Apps without a CORS policy send no CORS headers at all, even to a same-domain origin.',
    features: ['cors'],
    subjects: (target) => httpApps(target).filter((app) => app.cors === null),
    expect: (app) => ({
      status: 200,
      backend: app.id,
      headers: { 'access-control-allow-origin': { absent: true }, 'access-control-allow-methods': { absent: true }, 'access-control-allow-credentials': { absent: true } },
    }),
    probe: (app, { gateway, target }) => probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, headers: { origin: `https://${target.resolved.domain}` } }),
  }),
];
