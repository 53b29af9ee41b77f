import { configurationSnippet } from '../../kubernetes/ingress-annotations.ts';
import type { ResolvedApp } from '../../scenario/resolve.ts';
import { renderCorsBlock } from './nginx-cors.ts';

/**
 * One app's `location /` as ingress-nginx's SERVER template renders it for the
 * annotations Sealos writes (rootfs/etc/nginx/template/nginx.tmpl at
 * kubernetes/ingress-nginx@dbb11b92, lines 1186-1432), in the template's order:
 * the $pass_* variables, CORS, body limits, the proxy headers, timeouts and
 * buffers, the configuration snippet, then the pass. ingress-nginx's Lua phases
 * (rewrite: ssl-redirect; header: HSTS) become plain directives at the place
 * their phase runs: after the CORS `if`s and in the response headers.
 */
export interface LocationInput {
  app: ResolvedApp;
  upstream: string;
  /** The HTTPS port clients use, for the ssl-redirect Location (kept when it is not 443). */
  httpsPort: number;
}

/** The port ingress-nginx listens on by scheme (--http-port / --https-port defaults); it reports it as X-Forwarded-Port. */
const listenPorts = { http: 80, https: 443 } as const;

export function renderLocation({ app, upstream, httpsPort }: LocationInput): string[] {
  const grpc = app.backendProtocol === 'GRPC';
  const header = grpc ? 'grpc_set_header' : 'proxy_set_header';
  const snippet = configurationSnippet(app);
  return [
    'set $pass_access_scheme $scheme;',
    // nginx.tmpl 1193-1195: $server_port; ingress-nginx's pod listens on 80/443, this gateway on free ports.
    `set $pass_server_port $meshgate_listen_port;`,
    'set $best_http_host $http_host;',
    'set $pass_port $pass_server_port;',
    ...(app.cors ? renderCorsBlock(app.cors) : []),
    // lua_ingress.lua rewrite(): force/ssl redirect runs at the end of the rewrite phase, after the CORS ifs.
    ...(app.sslRedirect ? [renderRedirect(httpsPort)] : []),
    `client_max_body_size ${app.bodySize};`,
    ...(app.sealosBuffers ? ['client_body_buffer_size 64k;'] : []),
    `${header} Host $best_http_host;`,
    `${header} Upgrade $http_upgrade;`,
    `${header} Connection $connection_upgrade;`,
    `${header} X-Request-ID $req_id;`,
    `${header} X-Real-IP $remote_addr;`,
    `${header} X-Forwarded-For $remote_addr;`,
    `${header} X-Forwarded-Host $best_http_host;`,
    `${header} X-Forwarded-Port $pass_port;`,
    `${header} X-Forwarded-Proto $pass_access_scheme;`,
    `${header} X-Forwarded-Scheme $pass_access_scheme;`,
    `${header} X-Scheme $pass_access_scheme;`,
    `${header} X-Original-Forwarded-For $http_x_forwarded_for;`,
    `${header} X-Original-Forwarded-Host $http_x_forwarded_host;`,
    `${header} Proxy "";`,
    ...renderTimeouts(app, grpc),
    ...(snippet ? snippet.trimEnd().split('\n') : []),
    ...(app.hsts ? [renderHsts(app.hsts)] : []),
    grpc ? `grpc_pass grpc://${upstream};` : `proxy_pass http://${upstream};`,
    'proxy_redirect off;',
  ];
}

function renderTimeouts(app: ResolvedApp, grpc: boolean): string[] {
  const { connectSeconds, sendSeconds, readSeconds } = app.timeouts;
  const buffer = app.sealosBuffers ? '64k' : '4k';
  return [
    `proxy_connect_timeout ${connectSeconds}s;`,
    `proxy_send_timeout ${sendSeconds}s;`,
    `proxy_read_timeout ${readSeconds}s;`,
    'proxy_buffering off;',
    `proxy_buffer_size ${buffer};`,
    `proxy_buffers 4 ${buffer};`,
    'proxy_max_temp_file_size 1024m;',
    'proxy_request_buffering on;',
    'proxy_http_version 1.1;',
    'proxy_cookie_domain off;',
    'proxy_cookie_path off;',
    'proxy_next_upstream error timeout;',
    'proxy_next_upstream_timeout 0;',
    'proxy_next_upstream_tries 3;',
    ...(grpc ? [`grpc_connect_timeout ${connectSeconds}s;`, `grpc_send_timeout ${sendSeconds}s;`, `grpc_read_timeout ${readSeconds}s;`] : []),
  ];
}

/**
 * lua_ingress.lua rewrite() (dbb11b92 lines 157-174): 308 (http-redirect-code) to https://<host
 * without port><uri>, the uri's one trailing `/` dropped (preserve-trailing-slash false,
 * `$meshgate_redirect_uri`); here the port stays when not 443.
 */
function renderRedirect(httpsPort: number): string {
  const port = httpsPort === listenPorts.https ? '' : `:${httpsPort}`;
  return `if ($pass_access_scheme = "http") { return 308 https://$host${port}$meshgate_redirect_uri; }`;
}

/**
 * lua_ingress.lua `_M.header` (dbb11b92 lines 178-189) sets `ngx.header`, which replaces a
 * backend's own Strict-Transport-Security, in every location's header filter (the catch-all's
 * too) and on HTTPS only: over HTTP the map yields the backend's own header, left as it was.
 */
export function renderHsts(hsts: { maxAgeSeconds: number; includeSubdomains: boolean }): string {
  return `more_set_headers 'Strict-Transport-Security: $meshgate_hsts_${hstsKey(hsts)}';`;
}

/** The name part of an HSTS value's variable: `31536000_sub` or `31536000`. */
export function hstsKey(hsts: { maxAgeSeconds: number; includeSubdomains: boolean }): string {
  return `${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '_sub' : ''}`;
}

/** `map $scheme` per HSTS value: the value on HTTPS, as lua_ingress.lua `_M.header` sets it; elsewhere the backend's own. */
export function renderHstsMaps(values: ReadonlyArray<{ maxAgeSeconds: number; includeSubdomains: boolean }>): string[] {
  const unique = new Map(values.map((hsts) => [hstsKey(hsts), hsts]));
  return [...unique].map(
    ([key, hsts]) =>
      `map $scheme $meshgate_hsts_${key} { https "max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}"; default $upstream_http_strict_transport_security; }`,
  );
}

/** The request uri of a redirect: one trailing `/` dropped, as lua_ingress.lua does unless preserve-trailing-slash. */
export const redirectUriMap = 'map $request_uri $meshgate_redirect_uri { "~^(?<meshgate_kept_uri>.*)/$" $meshgate_kept_uri; default $request_uri; }';

export { listenPorts };
