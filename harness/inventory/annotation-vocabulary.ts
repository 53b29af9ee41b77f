/**
 * What meshgate's Istio translation (harness/kubernetes) does with each
 * ingress-nginx annotation, for `meshgate inventory`.
 */

/**
 * Every annotation ingress-nginx parses, per parser package of
 * internal/ingress/annotations/ at kubernetes/ingress-nginx dbb11b92 (controller
 * v1.15.1). A name outside this list is one ingress-nginx itself ignores.
 */
export const ingressNginxAnnotations: Readonly<Record<string, readonly string[]>> = {
  alias: ['server-alias'],
  auth: ['auth-realm', 'auth-secret', 'auth-secret-type', 'auth-type'],
  authreq: ['auth-always-set-cookie', 'auth-cache-duration', 'auth-cache-key', 'auth-keepalive', 'auth-keepalive-requests', 'auth-keepalive-share-vars', 'auth-keepalive-timeout', 'auth-method', 'auth-proxy-set-headers', 'auth-request-redirect', 'auth-response-headers', 'auth-signin', 'auth-signin-redirect-param', 'auth-snippet', 'auth-url'],
  authreqglobal: ['enable-global-auth'],
  authtls: ['auth-tls-error-page', 'auth-tls-match-cn', 'auth-tls-pass-certificate-to-upstream', 'auth-tls-secret', 'auth-tls-verify-client', 'auth-tls-verify-depth'],
  backendprotocol: ['backend-protocol'],
  canary: ['canary', 'canary-by-cookie', 'canary-by-header', 'canary-by-header-pattern', 'canary-by-header-value', 'canary-weight', 'canary-weight-total'],
  clientbodybuffersize: ['client-body-buffer-size'],
  connection: ['connection-proxy-header'],
  cors: ['cors-allow-credentials', 'cors-allow-headers', 'cors-allow-methods', 'cors-allow-origin', 'cors-expose-headers', 'cors-max-age', 'enable-cors'],
  customheaders: ['custom-headers'],
  customhttperrors: ['custom-http-errors'],
  defaultbackend: ['default-backend'],
  disableproxyintercepterrors: ['disable-proxy-intercept-errors'],
  fastcgi: ['fastcgi-index', 'fastcgi-params-configmap'],
  http2pushpreload: ['http2-push-preload'],
  ipallowlist: ['allowlist-source-range', 'whitelist-source-range'],
  ipdenylist: ['denylist-source-range'],
  loadbalancing: ['load-balance'],
  log: ['enable-access-log', 'enable-rewrite-log'],
  mirror: ['mirror-host', 'mirror-request-body', 'mirror-target'],
  modsecurity: ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-snippet', 'modsecurity-transaction-id'],
  opentelemetry: ['enable-opentelemetry', 'opentelemetry-operation-name', 'opentelemetry-trust-incoming-span'],
  portinredirect: ['use-port-in-redirects'],
  proxy: ['proxy-body-size', 'proxy-buffer-size', 'proxy-buffering', 'proxy-buffers-number', 'proxy-busy-buffers-size', 'proxy-connect-timeout', 'proxy-cookie-domain', 'proxy-cookie-path', 'proxy-http-version', 'proxy-max-temp-file-size', 'proxy-next-upstream', 'proxy-next-upstream-timeout', 'proxy-next-upstream-tries', 'proxy-read-timeout', 'proxy-redirect-from', 'proxy-redirect-to', 'proxy-request-buffering', 'proxy-send-timeout'],
  proxyssl: ['proxy-ssl-ciphers', 'proxy-ssl-name', 'proxy-ssl-protocols', 'proxy-ssl-secret', 'proxy-ssl-server-name', 'proxy-ssl-verify', 'proxy-ssl-verify-depth'],
  ratelimit: ['limit-allowlist', 'limit-burst-multiplier', 'limit-connections', 'limit-rate', 'limit-rate-after', 'limit-rpm', 'limit-rps', 'limit-whitelist'],
  redirect: ['from-to-www-redirect', 'permanent-redirect', 'permanent-redirect-code', 'relative-redirects', 'temporal-redirect', 'temporal-redirect-code'],
  rewrite: ['app-root', 'force-ssl-redirect', 'preserve-trailing-slash', 'rewrite-target', 'ssl-redirect', 'use-regex'],
  satisfy: ['satisfy'],
  serversnippet: ['server-snippet'],
  serviceupstream: ['service-upstream'],
  sessionaffinity: ['affinity', 'affinity-canary-behavior', 'affinity-mode', 'session-cookie-change-on-failure', 'session-cookie-conditional-samesite-none', 'session-cookie-domain', 'session-cookie-expires', 'session-cookie-max-age', 'session-cookie-name', 'session-cookie-path', 'session-cookie-samesite', 'session-cookie-secure'],
  snippet: ['configuration-snippet'],
  sslcipher: ['ssl-ciphers', 'ssl-prefer-server-ciphers'],
  sslpassthrough: ['ssl-passthrough'],
  streamsnippet: ['stream-snippet'],
  upstreamhashby: ['upstream-hash-by', 'upstream-hash-by-subset'],
  upstreamvhost: ['upstream-vhost'],
  xforwardedprefix: ['x-forwarded-prefix'],
};

/**
 * How the translation treats an annotation:
 * - `translated`: reproduced, and how;
 * - `difference`: reproduced with a difference a tenant can notice; `row` names its
 *   known-differences row (suites/known-differences.ts), whose classification decides;
 * - `gap`: not carried, and why that blocks a cutover of the Ingress;
 * - `snippet`: nginx directives, classed one by one (snippet-vocabulary.ts).
 */
export type Handling = { translated: string } | { difference: string; row?: string } | { gap: string } | { snippet: true };

const translated = (how: string): Handling => ({ translated: how });
const difference = (effect: string, row?: string): Handling => ({ difference: effect, ...(row ? { row } : {}) });

/** The annotations the translation handles, as harness/kubernetes writes them (ingress-annotations.ts, virtual-service.ts, istio-routing.ts, istio-gaps.ts). */
const handled: Readonly<Record<string, Handling | ((value: string) => Handling)>> = {
  'backend-protocol': (value) =>
    ['HTTP', 'GRPC', 'WS'].includes(value.toUpperCase())
      ? translated(value.toUpperCase() === 'GRPC' ? 'an HTTP/2 (h2c) route to the gRPC port' : 'an HTTP route; WebSocket upgrades pass')
      : { gap: `backend protocol ${value}: meshgate's translation speaks HTTP, gRPC and WebSocket to backends only` },
  'ssl-redirect': translated('a 308 redirect route to https on the HTTP listener, unless "false"'),
  'proxy-connect-timeout': translated("the DestinationRule's connectionPool.tcp.connectTimeout"),
  'proxy-read-timeout': translated("the route's per-try idle timeout (the wait between two reads, 504 past it; long streams survive) and the WebSocket upgrade route's idle timeout (envoy-filters.ts)"),
  'proxy-send-timeout': difference('no per-write upstream timeout in Istio: a stalled buffered upload gets 504 after the read timeout instead'),
  'proxy-body-size': difference("a 413 route for a declared length and Envoy's buffer filter for the rest; the gateway holds each upload whole in memory", 'body-limit-by-route-and-buffer'),
  'client-body-buffer-size': difference('no per-route buffer size in Istio; no visible effect expected'),
  'proxy-buffer-size': difference('no per-route buffer size in Istio; no visible effect expected'),
  'enable-cors': difference('the route\'s corsPolicy; Envoy answers preflights itself', 'cors-preflight-200'),
  'cors-allow-origin': translated('corsPolicy.allowOrigins (exact, and a regex for *.domain)'),
  'cors-allow-methods': translated('corsPolicy.allowMethods'),
  'cors-allow-headers': translated('corsPolicy.allowHeaders'),
  'cors-allow-credentials': translated('corsPolicy.allowCredentials'),
  'cors-max-age': translated('corsPolicy.maxAge'),
  'server-snippet': { snippet: true },
  'configuration-snippet': { snippet: true },
};

/** Why some of the rest block: what a tenant loses when the translation drops them. */
const gapReasons: Readonly<Record<string, string>> = {
  'auth-url': 'external authentication is dropped: the app is served without it',
  'auth-type': 'basic or digest authentication is dropped: the app is served without it',
  'auth-tls-verify-client': 'client-certificate authentication is dropped',
  'whitelist-source-range': 'the source-address allow list is dropped: every client reaches the app',
  'allowlist-source-range': 'the source-address allow list is dropped: every client reaches the app',
  'denylist-source-range': 'the source-address deny list is dropped',
  'limit-rps': 'the rate limit is dropped',
  'limit-rpm': 'the rate limit is dropped',
  'limit-connections': 'the connection limit is dropped',
  'rewrite-target': 'the path rewrite is dropped: the backend sees other paths',
  'use-regex': 'regular-expression paths are matched as prefixes',
  canary: 'the canary split is dropped: the canary Ingress competes with the main one for the host',
  'permanent-redirect': 'the redirect is dropped: the backend answers instead',
  'temporal-redirect': 'the redirect is dropped: the backend answers instead',
  'force-ssl-redirect': 'HTTP is served where ingress-nginx redirects to https',
  'app-root': 'the redirect of / is dropped',
  affinity: 'session affinity is dropped',
  'ssl-passthrough': 'TLS passthrough is not translated: the gateway terminates TLS',
  'custom-http-errors': 'custom error pages are dropped',
  'default-backend': 'the custom default backend is dropped',
  'stream-snippet': 'raw nginx stream configuration has no Istio counterpart',
  'modsecurity-snippet': 'the WAF rules are dropped',
  'enable-modsecurity': 'the WAF is dropped',
  'auth-snippet': 'raw nginx configuration of the auth request is dropped',
};

/** The class name of an annotation (without the prefix), or undefined when ingress-nginx itself does not know it. */
export function annotationHandling(name: string, value: string): Handling | undefined {
  const known = handled[name];
  if (known) return typeof known === 'function' ? known(value) : known;
  if (!Object.values(ingressNginxAnnotations).some((names) => names.includes(name))) return undefined;
  return { gap: gapReasons[name] ?? 'ingress-nginx applies it; the translation does not carry it' };
}
