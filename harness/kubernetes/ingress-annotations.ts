import { quote } from './nginx-quote.ts';
import { ingressNginxHsts, ingressNginxTimeouts } from '../scenario/kind-defaults.ts';
import type { ResolvedApp } from '../scenario/resolve.ts';

/**
 * The ingress-nginx annotations a Sealos tenant's Ingress carries (see
 * shared/design/sealos-fixtures.md), rendered from a resolved app so that
 * ingress-nginx serves it as the local environment's nginx.conf does.
 *
 * The two snippet annotations need ingress-nginx's `allow-snippet-annotations: "true"`
 * (off by default since v1.9) and, from v1.12, `annotations-risk-level: Critical`.
 */

/** `nginx.ingress.kubernetes.io/<name>`: the default annotation prefix. */
export function nginxAnnotation(name: string): string {
  return `nginx.ingress.kubernetes.io/${name}`;
}

/** Buffer annotations of the launchpad's HTTP set (not its GRPC or WS sets), with the values nginx-location.ts renders. */
export const sealosBufferAnnotations: Readonly<Record<string, string>> = {
  [nginxAnnotation('client-body-buffer-size')]: '64k',
  [nginxAnnotation('proxy-buffer-size')]: '64k',
};

/** The launchpad's larger client header buffers, per server (HTTP set only; nginx-config.ts renders them in the server). */
export const sealosHeaderBufferSnippet = 'client_header_buffer_size 64k;\nlarge_client_header_buffers 4 128k;\n';

/**
 * The Ingress class by state. Paused apps get `pause` and suspended tenants `disable`:
 * classes no controller serves, which is how Sealos takes a host off the air.
 */
export function ingressClass(app: ResolvedApp): string {
  if (app.state === 'paused') return 'pause';
  if (app.state === 'suspended') return 'disable';
  return 'nginx';
}

/**
 * All annotations of an app's Ingress. The class goes in the `kubernetes.io/ingress.class`
 * annotation only, as Sealos writes it: `spec.ingressClassName` would need IngressClass
 * objects for `pause` and `disable`, and the API server rejects the two when they differ.
 */
export function ingressAnnotations(app: ResolvedApp): Record<string, string> {
  const { connectSeconds, sendSeconds, readSeconds } = app.timeouts;
  const snippet = [configurationSnippet(app), hstsSnippet(app)].filter(Boolean).join('');
  // Like the launchpad (json2Ingress), only what differs from ingress-nginx's defaults is written.
  const unlessDefault = (name: string, value: number, fallback: number) => (value === fallback ? {} : { [nginxAnnotation(name)]: String(value) });
  return {
    'kubernetes.io/ingress.class': ingressClass(app),
    // Sealos writes WS for WebSocket apps; ingress-nginx does not know it and proxies as HTTP, which carries upgrades.
    [nginxAnnotation('backend-protocol')]: app.backendProtocol,
    ...(app.sslRedirect || !app.tls ? {} : { [nginxAnnotation('ssl-redirect')]: 'false' }),
    [nginxAnnotation('proxy-body-size')]: app.bodySize,
    ...(app.sealosBuffers ? sealosBufferAnnotations : {}),
    ...unlessDefault('proxy-connect-timeout', connectSeconds, ingressNginxTimeouts.connectSeconds),
    ...unlessDefault('proxy-send-timeout', sendSeconds, ingressNginxTimeouts.sendSeconds),
    ...unlessDefault('proxy-read-timeout', readSeconds, ingressNginxTimeouts.readSeconds),
    ...(app.sealosBuffers ? { [nginxAnnotation('server-snippet')]: sealosHeaderBufferSnippet } : {}),
    ...corsAnnotations(app),
    ...(snippet ? { [nginxAnnotation('configuration-snippet')]: snippet } : {}),
  };
}

/**
 * HSTS is a controller-wide setting in ingress-nginx (ConfigMap `hsts*`, sent by lua_ingress.lua on HTTPS).
 * An app whose value differs from the default replaces the header in its snippet (headers-more replaces).
 */
function hstsSnippet(app: ResolvedApp): string | null {
  if (!app.tls || !app.hsts) return null;
  const same = app.hsts.maxAgeSeconds === ingressNginxHsts.maxAgeSeconds && app.hsts.includeSubdomains === ingressNginxHsts.includeSubdomains;
  return same ? null : `more_set_headers ${quote(`Strict-Transport-Security: ${hstsValue(app.hsts)}`)};\n`;
}

/** Every CORS annotation written out, so ingress-nginx's own defaults never decide. */
function corsAnnotations(app: ResolvedApp): Record<string, string> {
  if (!app.cors) return {};
  const cors = app.cors;
  return {
    [nginxAnnotation('enable-cors')]: 'true',
    [nginxAnnotation('cors-allow-origin')]: cors.allowOrigins.join(', '),
    [nginxAnnotation('cors-allow-methods')]: cors.allowMethods.join(', '),
    [nginxAnnotation('cors-allow-headers')]: cors.allowHeaders.join(', '),
    [nginxAnnotation('cors-allow-credentials')]: String(cors.allowCredentials),
    [nginxAnnotation('cors-max-age')]: String(cors.maxAgeSeconds),
  };
}

/**
 * The location snippet: the terminal's WebSocket guard and the app's request and response
 * header rules (the local gateway renders the same lines). No `if` here carries a header directive: when several `if`
 * blocks match, nginx keeps only the last one's headers, and ingress-nginx renders
 * CORS as `if` blocks before this snippet. Returns null when there is nothing to add.
 */
export function configurationSnippet(app: ResolvedApp): string | null {
  const module = app.backendProtocol === 'GRPC' ? 'grpc' : 'proxy';
  const lines = [
    ...(app.webSocketGuard ? webSocketGuardLines : []),
    ...app.requestHeaders.remove.map((name) => `${module}_set_header ${name} "";`),
    ...Object.entries(app.requestHeaders.set).map(([name, value]) => `${module}_set_header ${name} ${quote(value)};`),
    ...app.responseHeaders.remove.map((name) => `${module}_hide_header ${name};`),
    ...Object.entries(app.responseHeaders.set).map(([name, value]) => `add_header ${name} ${quote(value)} always;`),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : null;
}

/**
 * A WebSocket upgrade whose Sec-Fetch-Site is not same-origin or same-site (or is
 * missing) gets 403. One `if` that only returns,
 * so no other block's headers are lost on the requests it lets through.
 */
export const webSocketGuardLines: readonly string[] = [
  'set $meshgate_websocket_guard "$http_upgrade:$http_sec_fetch_site";',
  'if ($meshgate_websocket_guard ~* "^websocket:(?!(same-origin|same-site)$)") { return 403; }',
];

/** The Strict-Transport-Security value: `max-age=<seconds>[; includeSubDomains]`. */
export function hstsValue(hsts: { maxAgeSeconds: number; includeSubdomains: boolean }): string {
  return `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}`;
}
