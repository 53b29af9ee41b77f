import { quote } from '../environments/local/nginx-config.ts';
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

/** Buffer annotations every launchpad Ingress carries, with the values nginx-config.ts renders. */
export const sealosBufferAnnotations: Readonly<Record<string, string>> = {
  [nginxAnnotation('client-body-buffer-size')]: '64k',
  [nginxAnnotation('proxy-buffer-size')]: '64k',
};

/** The launchpad's larger client header buffers, per server (nginx-config.ts sets them for the whole gateway). */
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
  const snippet = configurationSnippet(app);
  return {
    'kubernetes.io/ingress.class': ingressClass(app),
    // Sealos writes WS for WebSocket apps; ingress-nginx does not know it and proxies as HTTP, which carries upgrades.
    [nginxAnnotation('backend-protocol')]: app.backendProtocol,
    [nginxAnnotation('ssl-redirect')]: String(app.sslRedirect),
    [nginxAnnotation('proxy-body-size')]: app.bodySize,
    ...sealosBufferAnnotations,
    [nginxAnnotation('proxy-connect-timeout')]: String(connectSeconds),
    [nginxAnnotation('proxy-send-timeout')]: String(sendSeconds),
    [nginxAnnotation('proxy-read-timeout')]: String(readSeconds),
    [nginxAnnotation('server-snippet')]: sealosHeaderBufferSnippet,
    ...corsAnnotations(app),
    ...(snippet ? { [nginxAnnotation('configuration-snippet')]: snippet } : {}),
  };
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
 * The location snippet: the terminal's WebSocket guard, the app's request and response
 * header rules, and HSTS. No `if` here carries a header directive: when several `if`
 * blocks match, nginx keeps only the last one's headers, and ingress-nginx renders
 * CORS as `if` blocks before this snippet. Returns null when there is nothing to add.
 */
export function configurationSnippet(app: ResolvedApp): string | null {
  const module = app.backendProtocol === 'GRPC' ? 'grpc' : 'proxy';
  const lines = [
    ...(app.webSocketGuard ? webSocketGuard() : []),
    ...app.requestHeaders.remove.map((name) => `${module}_set_header ${name} "";`),
    ...Object.entries(app.requestHeaders.set).map(([name, value]) => `${module}_set_header ${name} ${quote(value)};`),
    ...app.responseHeaders.remove.map((name) => `${module}_hide_header ${name};`),
    ...Object.entries(app.responseHeaders.set).map(([name, value]) => `add_header ${name} ${quote(value)} always;`),
    // Unconditional, unlike nginx-config.ts's HTTPS-only header: keeping it off plain HTTP would take an `if` (see
    // above); browsers ignore Strict-Transport-Security received over HTTP (RFC 6797, section 8.1).
    ...(app.tls && app.hsts ? [`add_header Strict-Transport-Security ${quote(hstsValue(app.hsts))} always;`] : []),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : null;
}

/**
 * A WebSocket upgrade whose Sec-Fetch-Site is not same-origin or same-site (or is
 * missing) gets 403, as nginx-config.ts's maps decide. One `if` that only returns,
 * so no other block's headers are lost on the requests it lets through.
 */
function webSocketGuard(): string[] {
  return [
    'set $meshgate_websocket_guard "$http_upgrade:$http_sec_fetch_site";',
    'if ($meshgate_websocket_guard ~* "^websocket:(?!(same-origin|same-site)$)") { return 403; }',
  ];
}

/** The Strict-Transport-Security value: `max-age=<seconds>[; includeSubDomains]`. */
export function hstsValue(hsts: { maxAgeSeconds: number; includeSubdomains: boolean }): string {
  return `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}`;
}
