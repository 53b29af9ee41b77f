import type { CorsPolicy as ResolvedCors, ResolvedApp } from '../scenario/resolve.ts';
import { hstsValue } from './ingress-annotations.ts';
import type { CorsPolicy, HTTPRoute, HeaderOperations, StringMatch, VirtualService } from './istio-objects.ts';
import { objectMeta } from './objects.ts';
import { backendPort } from './tenant-workloads.ts';

/** Where an app's VirtualService binds and routes. */
export interface RouteContext {
  /** `<namespace>/<name>` of the Gateway. */
  gateway: string;
  /** The Gateway's HTTP and HTTPS server ports, which route matches name. */
  httpPort: number;
  httpsPort: number;
  /** Kubernetes cluster domain, for the Services' fully qualified names. */
  clusterDomain: string;
}

/** A Service's fully qualified name: a VirtualService in another namespace than the gateway must use it. */
export function serviceHost(app: ResolvedApp, clusterDomain: string): string {
  return `${app.name}.${app.namespace}.svc.${clusterDomain}`;
}

/**
 * An app's VirtualService, serving it as nginx-config.ts does: a paused or suspended
 * app answers 503 itself; otherwise an ssl-redirect (308, not the Gateway's
 * `httpsRedirect`, which answers 301), then the WebSocket guard, then the backend.
 */
export function buildVirtualService(app: ResolvedApp, runId: string, context: RouteContext): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: objectMeta(app.name, app.namespace, runId),
    spec: { hosts: [app.host], gateways: [context.gateway], http: httpRoutes(app, context) },
  };
}

function httpRoutes(app: ResolvedApp, context: RouteContext): HTTPRoute[] {
  if (app.state !== 'active') return [{ name: app.state, directResponse: { status: 503 } }];
  const hsts = app.tls !== null && app.hsts !== null;
  // HSTS goes on HTTPS responses only: when plain HTTP is served too, HTTPS gets its own copy of the routes.
  if (hsts && !app.sslRedirect) {
    return [...servingRoutes(app, context, context.httpsPort, true), ...servingRoutes(app, context, undefined, false)];
  }
  if (!app.sslRedirect) return servingRoutes(app, context, undefined, hsts);
  // A route matching another port than the listener's is left out of that listener's table,
  // so on the HTTP port this redirect is the whole table and the rest serves HTTPS alone.
  const redirect: HTTPRoute = { name: 'ssl-redirect', match: [{ port: context.httpPort }], redirect: { scheme: 'https', redirectCode: 308 } };
  return [redirect, ...servingRoutes(app, context, undefined, hsts)];
}

/** The guard (when the app has one) and the backend route, restricted to `port` when given. */
function servingRoutes(app: ResolvedApp, context: RouteContext, port: number | undefined, hsts: boolean): HTTPRoute[] {
  const suffix = port === undefined ? '' : '-https';
  const cors = app.cors ? { corsPolicy: corsPolicy(app.cors) } : {};
  const response = responseOperations(app, hsts);
  const backend: HTTPRoute = {
    name: `backend${suffix}`,
    ...(port === undefined ? {} : { match: [{ port }] }),
    route: [{ destination: { host: serviceHost(app, context.clusterDomain), port: { number: backendPort(app) } } }],
    // A whole-request bound: the nearest Istio has to proxy-read-timeout (see istio-gaps.ts).
    timeout: `${app.timeouts.readSeconds}s`,
    ...cors,
    ...headers(requestOperations(app), response),
  };
  if (!app.webSocketGuard) return [backend];
  // nginx's 403 carries the CORS and response headers too (add_header ... always), so the guard route does.
  const guard: HTTPRoute = {
    name: `websocket-guard${suffix}`,
    match: [
      {
        ...(port === undefined ? {} : { port }),
        headers: { upgrade: { regex: '(?i)websocket' } },
        // Istio (since istio/istio#49537) treats a missing Sec-Fetch-Site as empty here, so it is refused as nginx refuses it.
        withoutHeaders: { 'sec-fetch-site': { regex: 'same-origin|same-site' } },
      },
    ],
    directResponse: { status: 403 },
    ...cors,
    ...headers(undefined, response),
  };
  return [guard, backend];
}

function headers(request: HeaderOperations | undefined, response: HeaderOperations | undefined): Pick<HTTPRoute, 'headers'> {
  if (!request && !response) return {};
  return { headers: { ...(request ? { request } : {}), ...(response ? { response } : {}) } };
}

/**
 * ingress-nginx tells the backend the client address and Host it saw, whatever the client
 * sent (nginx.tmpl 1303-1310). Istio's gateway appends to a client's X-Forwarded-For and passes
 * X-Real-IP / X-Forwarded-Host untouched (envoy conn_manager_utility.cc, use_remote_address):
 * the route sets them from the connection with Envoy's header formatters (envoyproxy/envoy#31428).
 */
const forwardedHeaders = {
  'X-Real-IP': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  'X-Forwarded-For': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  'X-Forwarded-Host': '%REQ(:AUTHORITY)%',
};

function requestOperations(app: ResolvedApp): HeaderOperations | undefined {
  return operations({ ...forwardedHeaders, ...app.requestHeaders.set }, app.requestHeaders.remove, {});
}

/** The app's response rules and HSTS when asked (ingress-nginx adds no Vary for CORS, so neither does this). */
function responseOperations(app: ResolvedApp, hsts: boolean): HeaderOperations | undefined {
  const set = { ...app.responseHeaders.set, ...(hsts && app.hsts ? { 'Strict-Transport-Security': hstsValue(app.hsts) } : {}) };
  return operations(set, app.responseHeaders.remove, {});
}

function operations(set: Record<string, string>, remove: string[], add: Record<string, string>): HeaderOperations | undefined {
  const result: HeaderOperations = {
    ...(Object.keys(set).length > 0 ? { set } : {}),
    ...(Object.keys(add).length > 0 ? { add } : {}),
    ...(remove.length > 0 ? { remove } : {}),
  };
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The policy as Istio's corsPolicy; origins as exact matches, `https://*.a.b` as an RE2 regex of one label. */
export function corsPolicy(cors: ResolvedCors): CorsPolicy {
  return {
    allowOrigins: cors.allowOrigins.map(originMatch),
    allowMethods: cors.allowMethods,
    allowHeaders: cors.allowHeaders,
    maxAge: `${cors.maxAgeSeconds}s`,
    allowCredentials: cors.allowCredentials,
  };
}

/** Envoy matches a regex against the whole Origin, so it is anchored like nginx-cors.ts's map. */
function originMatch(origin: string): StringMatch {
  if (!origin.includes('://*.')) return { exact: origin };
  const [scheme, rest] = origin.split('://*.') as [string, string];
  return { regex: `${scheme}://[a-z0-9-]+\\.${rest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` };
}
