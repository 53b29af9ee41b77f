import type { CorsPolicy } from '../../scenario/resolve.ts';

/**
 * CORS exactly as ingress-nginx renders `enable-cors` into a location: the "CORS"
 * template of rootfs/etc/nginx/template/nginx.tmpl (`{{ define "CORS" }}`, line 873
 * at kubernetes/ingress-nginx@dbb11b92, controller-v1.15.0) with the origin regex of
 * internal/ingress/controller/template/template.go `buildCorsOriginRegex`.
 * Headers are set with headers-more (replace, not append); a preflight from an
 * allowed origin is answered 204 with Content-Length: 0 (nginx clears the template's
 * Content-Type from a 204: ngx_http_header_filter_module, NGX_HTTP_NO_CONTENT); nothing
 * adds Vary. The origin regex is case-insensitive and anchored at its end only.
 */
export function renderCorsBlock(policy: CorsPolicy): string[] {
  const headers = [
    "more_set_headers 'Access-Control-Allow-Origin: $http_origin';",
    ...(policy.allowCredentials ? ["more_set_headers 'Access-Control-Allow-Credentials: true';"] : []),
    `more_set_headers 'Access-Control-Allow-Methods: ${policy.allowMethods.join(', ')}';`,
    `more_set_headers 'Access-Control-Allow-Headers: ${policy.allowHeaders.join(', ')}';`,
    `more_set_headers 'Access-Control-Max-Age: ${policy.maxAgeSeconds}';`,
  ];
  return [
    '# Cors Preflight methods needs additional options and different Return Code',
    corsOriginRegex(policy.allowOrigins),
    "if ($request_method = 'OPTIONS') {",
    '  set $cors ${cors}options;',
    '}',
    'if ($cors = "true") {',
    ...headers.map((line) => `  ${line}`),
    '}',
    'if ($cors = "trueoptions") {',
    ...headers.map((line) => `  ${line}`),
    "  more_set_headers 'Content-Type: text/plain charset=UTF-8';",
    "  more_set_headers 'Content-Length: 0';",
    '  return 204;',
    '}',
  ];
}

/** template.go buildCorsOriginRegex: `if ($http_origin ~* ((o1)|(o2))$ ) { set $cors 'true'; }`. */
export function corsOriginRegex(origins: readonly string[]): string {
  if (origins.length === 1 && origins[0] === '*') return "set $http_origin *;\nset $cors 'true';";
  const alternatives = origins.map((origin) => originRegex(origin.trim())).join('|');
  return `if ($http_origin ~* (${alternatives})$ ) { set $cors 'true'; }`;
}

/** template.go buildOriginRegex: Go's regexp.QuoteMeta, then the first `\*` becomes one DNS label. */
function originRegex(origin: string): string {
  const quoted = origin.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
  return `(${quoted.replace('\\*', '[A-Za-z0-9\\-]+')})`;
}
