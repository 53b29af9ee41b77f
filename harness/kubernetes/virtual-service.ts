import type { CorsPolicy as ResolvedCors, ResolvedApp } from '../scenario/resolve.ts';
import { bufferLimitBytes, greaterThanPattern } from './body-limit.ts';
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
 * app answers 503 itself (directResponse); otherwise a declared body over the limit is
 * refused with 413, then an ssl-redirect (308, not the Gateway's `httpsRedirect`, which
 * answers 301), then per listener the WebSocket guard, upgrades, and the backend.
 * The read timeout and the buffered body limit are set by the app's EnvoyFilter
 * (envoy-filters.ts), which patches the backend routes by name.
 */
export function buildVirtualService(app: ResolvedApp, runId: string, context: RouteContext): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: objectMeta(app.name, app.namespace, runId),
    spec: { hosts: [app.host], gateways: [context.gateway], http: httpRoutes(app, context) },
  };
}

/** A listener of the shared Gateway an app is served on. */
export interface Listener {
  scheme: 'http' | 'https';
  port: number;
}

/** The listeners that serve `app`'s backend: HTTPS where it has TLS, plain HTTP unless it redirects. */
export function servingListeners(app: ResolvedApp, context: RouteContext): Listener[] {
  return [
    ...(app.tls ? [{ scheme: 'https' as const, port: context.httpsPort }] : []),
    ...(app.sslRedirect ? [] : [{ scheme: 'http' as const, port: context.httpPort }]),
  ];
}

/** The name of the route that sends `listener`'s requests to the backend; the app's EnvoyFilter patches it. */
export function backendRouteName(listener: Listener): string {
  return `backend-${listener.scheme}`;
}

/**
 * The name of the route that sends `listener`'s WebSocket upgrades to the backend, or null when
 * the app has none: only apps whose body is buffered need one (an upgrade's request never
 * ends, so the buffer filter would hold it forever).
 */
export function upgradeRouteName(app: ResolvedApp, listener: Listener): string | null {
  return bufferLimitBytes(app) === null ? null : `upgrade-${listener.scheme}`;
}

function httpRoutes(app: ResolvedApp, context: RouteContext): HTTPRoute[] {
  if (app.state !== 'active') return [{ name: app.state, directResponse: { status: 503 } }];
  // Unmatched by port, so it precedes the redirect on HTTP too: nginx refuses the declared
  // length in its find-config phase, before the Lua rewrite phase redirects.
  const tooLarge: HTTPRoute[] =
    app.bodySizeBytes > 0
      ? [{ name: 'body-too-large', match: [{ headers: { 'content-length': { regex: greaterThanPattern(app.bodySizeBytes) } } }], directResponse: { status: 413 } }]
      : [];
  // A route matching another port than the listener's is left out of that listener's table
  // (route.go TranslateRoute), so on the HTTP port this redirect is all there is.
  const redirect: HTTPRoute[] = app.sslRedirect ? [{ name: 'ssl-redirect', match: [{ port: context.httpPort }], redirect: { scheme: 'https', redirectCode: 308 } }] : [];
  return [...tooLarge, ...redirect, ...servingListeners(app, context).flatMap((listener) => servingRoutes(app, context, listener))];
}

/** The guard (when the app has one), upgrades (when the body is buffered) and the backend route of one listener. */
function servingRoutes(app: ResolvedApp, context: RouteContext, listener: Listener): HTTPRoute[] {
  const { port, scheme } = listener;
  const cors = app.cors ? { corsPolicy: corsPolicy(app.cors) } : {};
  const response = responseOperations(app, scheme === 'https' && app.hsts !== null);
  const destination = [{ destination: { host: serviceHost(app, context.clusterDomain), port: { number: backendPort(app) } } }];
  const backend: HTTPRoute = { name: backendRouteName(listener), match: [{ port }], route: destination, ...cors, ...headers(requestOperations(app, listener), response) };
  const upgradeName = upgradeRouteName(app, listener);
  const upgrade: HTTPRoute[] =
    upgradeName === null
      ? []
      : [{ name: upgradeName, match: [{ port, headers: { upgrade: { regex: '(?i)websocket' } } }], route: destination, ...cors, ...headers(requestOperations(app, listener), response) }];
  if (!app.webSocketGuard) return [...upgrade, backend];
  // nginx's 403 carries the response headers too (add_header ... always), so the guard route does; not
  // its CORS headers: Envoy's CORS filter skips a route without a route entry, as a directResponse is
  // (cors_filter.cc CorsFilter::decodeHeaders), so a corsPolicy here would do nothing.
  const guard: HTTPRoute = {
    name: `websocket-guard-${scheme}`,
    match: [
      {
        port,
        headers: { upgrade: { regex: '(?i)websocket' } },
        // Istio (since istio/istio#49537) treats a missing Sec-Fetch-Site as empty here, so it is refused as nginx refuses it.
        withoutHeaders: { 'sec-fetch-site': { regex: 'same-origin|same-site' } },
      },
    ],
    directResponse: { status: 403 },
    ...headers(undefined, response),
  };
  return [guard, ...upgrade, backend];
}

function headers(request: HeaderOperations | undefined, response: HeaderOperations | undefined): Pick<HTTPRoute, 'headers'> {
  if (!request && !response) return {};
  return { headers: { ...(request ? { request } : {}), ...(response ? { response } : {}) } };
}

/**
 * ingress-nginx tells the backend the client address, Host, port and scheme it saw, whatever
 * the client sent (nginx.tmpl 1303-1322). Istio's gateway appends to a client's X-Forwarded-For
 * and passes X-Real-IP / X-Forwarded-Host / -Port untouched (envoy conn_manager_utility.cc,
 * use_remote_address): each listener's routes set them, the address and Host with Envoy's
 * header formatters (envoyproxy/envoy#31428), port and scheme as the Gateway server's.
 */
function forwardedHeaders({ port, scheme }: Listener): Record<string, string> {
  return {
    'X-Real-IP': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
    'X-Forwarded-For': '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
    'X-Forwarded-Host': '%REQ(:AUTHORITY)%',
    'X-Forwarded-Port': String(port),
    'X-Forwarded-Proto': scheme,
  };
}

function requestOperations(app: ResolvedApp, listener: Listener): HeaderOperations | undefined {
  return operations({ ...forwardedHeaders(listener), ...app.requestHeaders.set }, app.requestHeaders.remove, {});
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
