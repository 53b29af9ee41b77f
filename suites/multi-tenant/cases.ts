import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeHttp } from '../../harness/suite/probes.ts';
import { httpApps, httpsApps, inactiveApps, squattingApps, unknownHost } from '../../harness/suite/subjects.ts';

/** Multi-tenant isolation: every host reaches its own tenant's backend and nothing else. */
export const multiTenantCases = [
  defineCase({
    id: 'host-routes-to-own-backend-https',
    description: 'Every served host reaches exactly its own backend over HTTPS (identity reported by the echo fixture).',
    features: ['tls'],
    subjects: httpsApps,
    expect: (app) => ({ status: 200, backend: app.id }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'https', host: app.host }),
  }),
  defineCase({
    id: 'host-routes-to-own-backend-http',
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
  defineCase({
    id: 'paused-or-suspended-serves-nothing',
    description: 'A paused app or a suspended tenant reaches no backend (404 or 503 from the gateway, or no TLS for its host).',
    features: ['http1'],
    subjects: inactiveApps,
    expect: () => ({ status: [404, 503], backend: null }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'http', host: app.host }),
  }),
  defineCase({
    id: 'host-claim-stays-with-owner',
    description: 'A route claiming a host another tenant owns is rejected: traffic for the host still reaches the owner.',
    features: ['tls'],
    subjects: squattingApps,
    expect: (app) => ({ status: 200, backend: app.hostOwner }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: 'https', host: app.host }),
  }),
];
