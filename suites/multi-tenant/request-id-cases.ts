import { randomUUID } from 'node:crypto';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeHttp } from '../../harness/suite/probes.ts';
import { httpApps, preferredScheme } from '../../harness/suite/subjects.ts';

/**
 * What one request told about the id: what the backend saw, and what the client got back
 * (undefined when the gateway returns none, which neither ingress-nginx nor Istio does by default).
 */
interface IdExchange {
  seen: string | undefined;
  returned: string | undefined;
  status: number | undefined;
}

async function exchange(gateway: GatewayAddress, app: ResolvedApp, clientId?: string): Promise<IdExchange> {
  const observation = await probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, headers: clientId ? { 'x-request-id': clientId } : {} });
  return { seen: observation.echo?.headers['x-request-id'], returned: observation.headers?.['x-request-id'], status: observation.status };
}

/**
 * A client's X-Request-ID, then two requests without one: tracing across the edge needs the
 * client's id kept, a fresh id per request otherwise, and any id the gateway returns to be the
 * one the backend saw.
 */
async function probeRequestId(gateway: GatewayAddress, app: ResolvedApp) {
  const clientId = `meshgate-${randomUUID()}`;
  const given = await exchange(gateway, app, clientId);
  const first = await exchange(gateway, app);
  const second = await exchange(gateway, app);
  const exchanges = [given, first, second];
  // A failed exchange has no status: it must not read as 200.
  const failed = exchanges.find(({ status }) => status !== 200);
  return {
    status: failed ? failed.status : 200,
    error: null,
    details: {
      clientIdKept: given.seen === clientId,
      freshIdWithout: Boolean(first.seen) && Boolean(second.seen) && first.seen !== second.seen,
      returnedMatches: exchanges.every(({ seen, returned }) => returned === undefined || returned === seen),
    },
  };
}

/**
 * Request ids through the gateway. ingress-nginx passes a client's X-Request-ID to the backend and
 * makes one ($request_id, 32 hex digits per request) when there is none: nginx.tmpl 390-397
 * (`map $http_x_request_id $req_id`, generate-request-id true by default, config.go 795) and
 * `proxy_set_header X-Request-ID $req_id` in every location (1303), at kubernetes/ingress-nginx@dbb11b92.
 */
export const requestIdCases = [
  defineCase({
    id: 'request-id-passed-through',
    description:
      "A client's X-Request-ID reaches the backend unchanged; without one the backend sees a fresh id on each request; " +
      'where the gateway returns an X-Request-ID it is the one the backend saw.',
    features: ['http1'],
    subjects: httpApps,
    expect: () => ({ status: 200, error: null, details: { clientIdKept: true, freshIdWithout: true, returnedMatches: true } }),
    probe: (app, { gateway }) => probeRequestId(gateway, app),
    // One observation is three requests that must agree: it is its own repetition.
    convergence: { successes: 1 },
  }),
];
