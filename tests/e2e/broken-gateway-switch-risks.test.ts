import { afterAll } from 'vitest';
import { type Breakage, breakConfig, describeBreakages } from './meshgate-cli.ts';
import { RouteTimeoutHop } from './route-timeout-hop.ts';

/**
 * The cases for the risks of the switch (suites/multi-tenant/switch-risk-cases.ts,
 * suites/protocols/long-stream-cases.ts) must fail on a gateway that really does
 * what a wrong translation would do. Each row breaks the local nginx one way and
 * expects exactly the listed cases to fail.
 */

/** slow-api's and slow-grpc's read timeout (scenarios/default.yaml): a route timeout set from it cuts their streams. */
const readTimeoutMs = 2_000;
const hops = { http: await RouteTimeoutHop.start(readTimeoutMs), grpc: await RouteTimeoutHop.start(readTimeoutMs) };
afterAll(() => Promise.all([hops.http.hop.close(), hops.grpc.hop.close()]));

/** Sends upstream `name` through `hop`, which forwards to the backend the config named. */
function throughHop(name: string, { hop, port }: { hop: RouteTimeoutHop; port: number }): (config: string) => string {
  return (config) => {
    const pattern = new RegExp(`(upstream ${name} \\{ server 127\\.0\\.0\\.1:)([0-9]+)`);
    const backend = pattern.exec(config)?.[2];
    if (!backend) throw new Error(`no upstream ${name} in the rendered nginx.conf`);
    hop.backendPort = Number(backend);
    return breakConfig(pattern, `$1${port}`)(config);
  };
}

/** What ingress-nginx does with use-forwarded-headers: true (lua_ingress.lua rewrite(), dbb11b92 lines 126-139): the client's values win. */
const forwardedHeadersTrusted = (config: string): string =>
  [
    breakConfig(/map \$scheme \$meshgate_listen_port [^\n]*\n/, (maps) =>
      [
        maps,
        '  map $http_x_forwarded_proto $meshgate_client_proto { default $http_x_forwarded_proto; "" $scheme; }\n',
        '  map $http_x_forwarded_port $meshgate_client_port { default $http_x_forwarded_port; "" $meshgate_listen_port; }\n',
        '  map $http_x_forwarded_host $meshgate_client_host { default $http_x_forwarded_host; "" $http_host; }\n',
      ].join(''),
    ),
    breakConfig(/set \$pass_access_scheme \$scheme;/, 'set $pass_access_scheme $meshgate_client_proto;'),
    breakConfig(/set \$pass_server_port \$meshgate_listen_port;/, 'set $pass_server_port $meshgate_client_port;'),
    breakConfig(/set \$best_http_host \$http_host;/, 'set $best_http_host $meshgate_client_host;'),
  ].reduce((text, hook) => hook(text), config);

const breakages: Breakage[] = [
  {
    // Envoy's route timeout from a VirtualService `timeout`: the whole response, not the gap between reads.
    name: 'every response bounded by the read timeout as a whole',
    suites: ['protocols', '--case', '^long-'],
    options: { configHook: (config) => throughHop('ns-c9w3e5ty_slow-grpc_grpc', hops.grpc)(throughHop('ns-c9w3e5ty_slow-api_http', hops.http)(config)) },
    failing: ['long-download-outlives-read-timeout', 'long-grpc-stream-outlives-read-timeout'],
  },
  {
    // Envoy's default (headers_with_underscores_action ALLOW); nginx with enable-underscores-in-headers.
    name: 'header names with underscores passed on',
    suites: ['multi-tenant', '--case', '^(underscore|client-forwarded|forwarded)'],
    options: { configHook: breakConfig(/underscores_in_headers off;/, 'underscores_in_headers on;') },
    failing: ['underscore-headers-dropped'],
  },
  {
    name: 'client X-Forwarded-Host/-Proto/-Port trusted (use-forwarded-headers: true)',
    suites: ['multi-tenant', '--case', '^(underscore|client-forwarded|forwarded)'],
    options: { configHook: forwardedHeadersTrusted },
    // forwarded-headers-do-not-route sends a client X-Forwarded-Host too.
    failing: ['client-forwarded-headers-replaced', 'forwarded-headers-do-not-route'],
  },
  {
    // ingress-nginx without Sealos' admission webhook: createServers adds the squatter's /api/ location to the owner's server.
    name: "a squatter's /api/ location merged into the owner's server",
    suites: ['multi-tenant', '--case', '^(squatter|host-claim)'],
    options: {
      configHook: breakConfig(/(# ns-c9w3e5ty\/squatter-api: [^\n]*\n)/, '$1    location /api/ { proxy_pass http://ns-c9w3e5ty_squatter-api_http; }\n'),
    },
    failing: ['squatter-specific-path-never-wins'],
  },
  {
    // ingress-nginx without Sealos' admission webhook: mergeAlternativeBackends makes the squatter's canary-by-header Ingress the owner's alternative backend.
    name: "a squatter's canary-by-header route merged into the owner's location",
    suites: ['multi-tenant', '--case', '^(squatter|host-claim)'],
    options: {
      configHook: breakConfig(
        /(# ns-c9w3e5ty\/squatter-canary: [^\n]*\n(?:[^\n]*\n)*?\s*location \/ \{\n)/,
        '$1      if ($http_x_canary = "always") { proxy_pass http://ns-c9w3e5ty_squatter-canary_http; }\n',
      ),
    },
    failing: ['squatter-header-match-never-wins'],
  },
  {
    // Istio's and Envoy's redirect keep the path as requested; ingress-nginx drops one trailing `/` (preserve-trailing-slash false).
    name: 'the ssl-redirect keeps the trailing slash',
    suites: ['ssl', '--case', '^(ssl-redirect|no-redirect)'],
    options: { configHook: breakConfig(/return 308 (\S+)\$meshgate_redirect_uri;/, 'return 308 $1$request_uri;') },
    failing: ['ssl-redirect-drops-trailing-slash'],
  },
  {
    // Envoy's response_headers_to_add with append: the backend's header and the gateway's both reach the client.
    name: "HSTS added beside the backend's own instead of replacing it",
    suites: ['ssl', '--case', '^(hsts|no-hsts)'],
    options: { configHook: breakConfig(/more_set_headers 'Strict-Transport-Security: (\$meshgate_hsts_\w+)';/, 'add_header Strict-Transport-Security $1 always;') },
    failing: ['hsts-where-configured'],
  },
];

describeBreakages(breakages);
