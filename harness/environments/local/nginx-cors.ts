import { createHash } from 'node:crypto';
import type { CorsPolicy } from '../../scenario/resolve.ts';

/**
 * CORS the way ingress-nginx's `enable-cors` renders it, expressed with maps
 * instead of `if` chains: an allowed Origin is echoed with the policy's methods,
 * headers, max-age and credentials flag; a preflight (OPTIONS from an allowed
 * origin) is answered 204 by the gateway. Origins are anchored at both ends, so
 * `https://evil<domain>` and `https://<domain>.evil.test` never match.
 */

/** A stable name for a policy, so apps sharing one policy share its maps. */
export function corsPolicyKey(policy: CorsPolicy): string {
  return createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 8);
}

/** The http-level maps of every distinct policy. */
export function renderCorsMaps(policies: CorsPolicy[]): string {
  return policies.map(renderPolicyMaps).join('\n');
}

function renderPolicyMaps(policy: CorsPolicy): string {
  const key = corsPolicyKey(policy);
  const allowed = `$cors_origin_${key}`;
  const whenAllowed = (name: string, value: string) => `map ${allowed} $cors_${name}_${key} { "" ""; default "${value}"; }`;
  return [
    `map $http_origin ${allowed} { default ""; "~*^(${policy.allowOrigins.map(originPattern).join('|')})$" $http_origin; }`,
    whenAllowed('methods', policy.allowMethods.join(', ')),
    whenAllowed('headers', policy.allowHeaders.join(', ')),
    whenAllowed('max_age', String(policy.maxAgeSeconds)),
    whenAllowed('credentials', policy.allowCredentials ? 'true' : ''),
    `map "$request_method:${allowed}" $cors_preflight_${key} { default 0; "~^OPTIONS:." 1; }`,
  ].join('\n');
}

/** The location lines: headers are empty (so not sent) unless the origin is allowed. */
export function renderCorsHeaders(key: string): string[] {
  return [
    `add_header Access-Control-Allow-Origin $cors_origin_${key} always;`,
    `add_header Access-Control-Allow-Methods $cors_methods_${key} always;`,
    `add_header Access-Control-Allow-Headers $cors_headers_${key} always;`,
    `add_header Access-Control-Max-Age $cors_max_age_${key} always;`,
    `add_header Access-Control-Allow-Credentials $cors_credentials_${key} always;`,
    // Responses differ by Origin, so caches must key on it.
    'add_header Vary Origin always;',
    `if ($cors_preflight_${key}) { return 204; }`,
  ];
}

/** `https://*.a.b` becomes `https://[a-z0-9-]+\.a\.b`, like ingress-nginx's wildcard origins. */
function originPattern(origin: string): string {
  return origin
    .replaceAll('.', '\\.')
    .replace('://*\\.', '://[a-z0-9-]+\\.');
}
