import { offerCipherSuites, strongCipherSuites, weakCipherSuites } from '../../harness/clients/client-hello.ts';
import { probeTls, type TlsProbeResult } from '../../harness/clients/tls-probe.ts';
import type { ProbeContext } from '../../harness/suite/gateway-case.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import type { Observation } from '../../harness/results/observation.ts';
import { probeHttp } from '../../harness/suite/probes.ts';
import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { httpApps, tlsApps } from '../../harness/suite/subjects.ts';

/**
 * Days a certificate must have left: fewer than `warn` is noted in the report,
 * fewer than `fail` fails the case. cert-manager renews at 30 days left.
 * MESHGATE_CERT_WARN_DAYS / MESHGATE_CERT_FAIL_DAYS override them.
 */
const daysLeft = {
  warn: Number(process.env.MESHGATE_CERT_WARN_DAYS ?? 30),
  fail: Number(process.env.MESHGATE_CERT_FAIL_DAYS ?? 14),
};
const minimumDaysLeft = daysLeft.fail;


function tlsProbe(context: ProbeContext, servername: string, overrides: Pick<Parameters<typeof probeTls>[0], 'minVersion' | 'maxVersion' | 'alpn'> = {}): Promise<TlsProbeResult> {
  return probeTls({ host: context.gateway.address, port: context.gateway.httpsPort, servername, ca: context.gateway.ca, alpn: ['h2', 'http/1.1'], timeoutMs: context.gateway.requestMs, ...overrides });
}

function handshake(result: TlsProbeResult): Observation {
  return result.ok ? { error: null, details: { protocol: result.protocol } } : { error: result.error, details: { protocol: null } };
}

/** TLS and certificates at the gateway. */
export const sslCases = [
  defineCase({
    id: 'certificate-verifies-for-host',
    covers: ['host'],
    description: `Each TLS host presents a chain that verifies against the target's CA, covers the host, and has at least ${minimumDaysLeft} days left.`,
    features: ['tls'],
    subjects: tlsApps,
    expect: () => ({ error: null, details: { authorized: true, enoughDaysLeft: true } }),
    probe: async (app, context, measurements) => {
      const result = await tlsProbe(context, app.host);
      if (!result.ok) return { error: result.error };
      const left = Math.floor(result.certificate.daysLeft);
      Object.assign(measurements, { notAfter: result.certificate.validTo.toISOString(), daysLeft: left });
      if (left < daysLeft.warn) measurements.warning = `certificate expires ${result.certificate.validTo.toISOString()} (${left} days left, warn below ${daysLeft.warn})`;
      return {
        error: null,
        details: { authorized: result.authorized, enoughDaysLeft: result.certificate.daysLeft >= minimumDaysLeft, authorizationError: result.authorizationError ?? null },
      };
    },
  }),
  ...(['TLSv1.2', 'TLSv1.3'] as const).map((version) =>
    defineCase({
      id: `${version.toLowerCase().replace('.', '')}-accepted`,
      description: `${version} is accepted on every TLS host.`,
      features: ['tls'],
      subjects: tlsApps,
      expect: () => ({ error: null, details: { protocol: version } }),
      probe: async (app, context) => handshake(await tlsProbe(context, app.host, { minVersion: version, maxVersion: version })),
    }),
  ),
  ...(['TLSv1', 'TLSv1.1'] as const).map((version) =>
    defineCase({
      id: `${version.toLowerCase().replace('.', '')}-refused`,
      description: `${version} is refused (the probe lowers its own OpenSSL security level, so a refusal is the gateway's).`,
      features: ['tls'],
      subjects: tlsApps,
      expect: () => ({ error: '.', details: { protocol: null } }),
      probe: async (app, context) => handshake(await tlsProbe(context, app.host, { minVersion: version, maxVersion: version })),
    }),
  ),
  defineCase<{ app: ResolvedApp; family: keyof typeof weakCipherSuites | 'control' }>({
    id: 'weak-ciphers-refused',
    description: 'NULL, RC4, 3DES and EXPORT suites are refused (raw TLS 1.2 ClientHello offering only them); a strong suite offered the same way is accepted (control).',
    features: ['tls'],
    subjects: (target) =>
      tlsApps(target).flatMap((app) => [...(Object.keys(weakCipherSuites) as Array<keyof typeof weakCipherSuites>), 'control' as const].map((family) => ({ app, family }))),
    subjectName: ({ app, family }) => `${app.id} ${family}`,
    expect: ({ family }) => ({ details: { accepted: family === 'control' } }),
    probe: async ({ app, family }, { gateway }) => {
      const suites = family === 'control' ? strongCipherSuites : weakCipherSuites[family];
      const answer = await offerCipherSuites(gateway.address, gateway.httpsPort, app.host, suites, gateway.requestMs);
      return { details: { accepted: answer.accepted } };
    },
  }),
  defineCase({
    id: 'alpn-offers-http1',
    description: 'A client offering only http/1.1 by ALPN gets http/1.1 (h2 is checked by the protocols suite).',
    features: ['tls'],
    subjects: tlsApps,
    expect: () => ({ error: null, details: { alpn: 'http/1.1' } }),
    probe: async (app, context) => {
      const result = await tlsProbe(context, app.host, { alpn: ['http/1.1'] });
      return result.ok ? { error: null, details: { alpn: result.alpn || null } } : { error: result.error };
    },
  }),
  defineCase({
    id: 'custom-domain-own-certificate',
    covers: ['customDomain'],
    description: 'A custom domain is served its own certificate (its host in the SANs, not the platform wildcard).',
    features: ['tls'],
    subjects: (target) => tlsApps(target).filter((app) => app.tls?.custom),
    expect: () => ({ error: null, details: { authorized: true, platformWildcard: false } }),
    probe: async (app, context) => {
      const result = await tlsProbe(context, app.host);
      if (!result.ok) return { error: result.error };
      return { error: null, details: { authorized: result.authorized, platformWildcard: result.certificate.subjectAltNames.includes(`*.${context.target.resolved.domain}`) } };
    },
  }),
  defineCase({
    id: 'hsts-where-configured',
    covers: ['hsts.maxAgeSeconds', 'hsts.includeSubdomains'],
    description:
      "Every HTTPS app sends one Strict-Transport-Security: ingress-nginx's default (max-age=31536000; includeSubDomains, config.go hsts*) or the app's own value, replacing the backend's own (lua_ingress.lua sets ngx.header).",
    features: ['tls'],
    subjects: (target) => httpApps(target).filter((app) => app.tls !== null && app.hsts !== null),
    expect: (app) => ({
      status: 200,
      headers: { 'strict-transport-security': { equals: `max-age=${app.hsts?.maxAgeSeconds}${app.hsts?.includeSubdomains ? '; includeSubDomains' : ''}` } },
    }),
    // The backend sends a header of its own: a gateway that adds instead of replacing sends two.
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'https', host: app.host, path: `/?header=${encodeURIComponent('Strict-Transport-Security:max-age=5')}` }),
  }),
  defineCase({
    id: 'no-hsts-over-http',
    covers: ['hsts.maxAgeSeconds'],
    description: 'Strict-Transport-Security is never sent over plain HTTP (ingress-nginx adds it on HTTPS only; RFC 6797 section 7.2).',
    features: ['http1'],
    subjects: (target) => httpApps(target).filter((app) => app.hsts !== null && !app.sslRedirect),
    expect: (app) => ({ status: 200, backend: app.id, headers: { 'strict-transport-security': { absent: true } } }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host }),
  }),
  defineCase<string>({
    id: 'unknown-sni-gets-no-tenant-certificate',
    description: 'A handshake for a host outside every tenant gets no certificate valid for it (an alert, or a default certificate).',
    features: ['tls'],
    subjects: () => ['unknown.meshgate.invalid'],
    subjectName: (host) => host,
    expect: () => ({ details: { trustedForHost: false } }),
    probe: async (host, context) => {
      const result = await tlsProbe(context, host);
      return { details: { trustedForHost: result.ok && result.authorized } };
    },
  }),
  defineCase({
    id: 'ssl-redirect-where-configured',
    covers: ['sslRedirect'],
    description: 'Apps with ssl-redirect answer plain HTTP with a 308 to the same host over HTTPS, without reaching the backend.',
    features: ['tls', 'http1'],
    subjects: (target) => httpApps(target).filter((app) => app.sslRedirect),
    expect: (app) => ({ status: 308, backend: null, headers: { location: { matches: `^https://${app.host.replaceAll('.', '\\.')}(:[0-9]+)?/path\\?q=1$` } } }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host, path: '/path?q=1' }),
  }),
  defineCase({
    id: 'ssl-redirect-drops-trailing-slash',
    covers: ['sslRedirect'],
    description:
      "The 308 to HTTPS drops one trailing / of the path, /dir/ going to https://<host>/dir: ingress-nginx's preserve-trailing-slash is false (lua_ingress.lua rewrite(), dbb11b92 lines 158-164).",
    features: ['tls', 'http1'],
    subjects: (target) => httpApps(target).filter((app) => app.sslRedirect),
    expect: (app) => ({ status: 308, backend: null, headers: { location: { matches: `^https://${app.host.replaceAll('.', '\\.')}(:[0-9]+)?/dir$` } } }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host, path: '/dir/' }),
  }),
  defineCase({
    id: 'no-redirect-where-disabled',
    covers: ['sslRedirect'],
    description: 'Apps with ssl-redirect "false" (Sealos launchpad apps) are served over plain HTTP, not redirected.',
    features: ['tls', 'http1'],
    subjects: (target) => httpApps(target).filter((app) => app.tls !== null && !app.sslRedirect),
    expect: (app) => ({ status: 200, backend: app.id, headers: { location: { absent: true } } }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host }),
  }),
];
