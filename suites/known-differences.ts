import type { KnownDifference } from '../harness/suite/known-difference.ts';

const nginxTmpl = 'https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/rootfs/etc/nginx/template/nginx.tmpl';
const envoyCors = 'https://github.com/envoyproxy/envoy/blob/main/source/extensions/filters/http/cors/cors_filter.cc';
const envoyConnManager = 'https://github.com/envoyproxy/envoy/blob/main/source/common/http/conn_manager_utility.cc';

/**
 * What ingress-nginx and Istio (Envoy) do differently with the same tenant, as data.
 * In istio mode a case named here is held to the row's Istio expectation (accepted
 * gaps) or to ingress-nginx's (translated, blocking gaps); a difference that is in
 * no row fails its case. tests/suite/known-differences.test.ts checks the table
 * against the cases; harness/kubernetes/istio-gaps.ts lists the per-app settings.
 */
export const knownDifferences: KnownDifference[] = [
  {
    id: 'cors-preflight-200',
    cases: ['preflight-allowed-origin'],
    ingressNginx: "204 from the CORS block with the allow-* headers, Content-Type and Content-Length: 0 (nginx.tmpl CORS, 'trueoptions')",
    istio: "Envoy's CORS filter answers the preflight itself with 200 and the allow-* headers; the route's response headers and Content-Length: 0 are not added",
    sources: [`${nginxTmpl}#L892-L902`, envoyCors],
    classification: 'accepted-gap',
    istioExpectation: ({ headers = {}, ...rest }) => {
      const { 'content-length': _length, ...kept } = headers;
      return { ...rest, status: 200, headers: kept };
    },
  },
  {
    id: 'http10-upgrade-required',
    cases: ['empty-host-reaches-no-tenant'],
    ingressNginx: 'an HTTP/1.0 request without Host reaches the default server: 404',
    istio: 'Envoy refuses HTTP/1.0 with 426 Upgrade Required unless Istio runs with PILOT_HTTP10=1; no backend is reached either way',
    sources: [
      'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/protocol.proto#config-core-v3-http1protocoloptions (accept_http_10)',
      'https://istio.io/latest/docs/reference/commands/pilot-discovery/ (PILOT_HTTP10)',
    ],
    classification: 'accepted-gap',
    istioExpectation: (expected) => ({ ...expected, status: [400, 404, 426] }),
  },
  {
    id: 'forwarded-port-absent',
    cases: ['forwarded-headers-do-not-route'],
    ingressNginx: 'X-Forwarded-For and X-Real-IP are the client address, X-Forwarded-Host the Host, X-Forwarded-Port 443/80 (nginx.tmpl 1303-1322)',
    istio:
      "the gateway appends the client address to a client's X-Forwarded-For and passes X-Real-IP / X-Forwarded-Host untouched (use_remote_address, no trusted hops); meshgate's VirtualService sets X-Real-IP, X-Forwarded-For and X-Forwarded-Host from the connection, but Envoy sends no X-Forwarded-Port",
    sources: [`${nginxTmpl}#L1303-L1322`, envoyConnManager, 'https://github.com/envoyproxy/envoy/issues/31428', 'https://github.com/envoyproxy/envoy/issues/3732'],
    classification: 'accepted-gap',
    istioExpectation: (expected) => ({ ...expected, details: { ...expected.details, forwardedPort: null } }),
  },
  {
    id: 'paused-direct-503',
    cases: ['paused-or-suspended-serves-nothing', 'paused-or-suspended-serves-nothing-https'],
    ingressNginx: 'the ingress class pause/disable is served by no controller: the default server answers 404 (HTTPS: default certificate, then 404)',
    istio: "meshgate's VirtualService for a paused or suspended app answers 503 itself (the community fork's fault.abort); no backend is reached",
    sources: [`${nginxTmpl}#L924`, 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPDirectResponse'],
    classification: 'accepted-gap',
    istioExpectation: (expected) => ({ ...expected, status: 503 }),
  },
  {
    id: 'large-header-default-buffers',
    cases: ['http1-large-request-header-refused-at-defaults'],
    ingressNginx: "apps without the launchpad's HTTP set keep large_client_header_buffers 4 8k: a 32 KiB header gets 400",
    istio: "Envoy's limit is per listener (max_request_headers_kb, 60 KiB by default): a 32 KiB header reaches the backend",
    sources: [`${nginxTmpl}#L272`, 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto (max_request_headers_kb)'],
    classification: 'accepted-gap',
    istioExpectation: () => ({ status: 200 }),
  },
  {
    id: 'no-body-limit',
    cases: ['body-over-limit-refused'],
    ingressNginx: 'proxy-body-size: a body over the limit is refused with 413 before the backend',
    istio: 'no per-route request body limit in a VirtualService: the body reaches the backend',
    sources: [`${nginxTmpl}#L1272`, 'https://istio.io/latest/docs/reference/config/networking/virtual-service/'],
    classification: 'blocking-gap',
  },
  {
    id: 'hsts-by-route-headers',
    cases: ['hsts-where-configured', 'no-hsts-over-http'],
    ingressNginx: 'HSTS on HTTPS responses by default (lua_ingress.lua header phase, config.go hsts*)',
    istio: "meshgate's VirtualService sets Strict-Transport-Security on its HTTPS routes only",
    sources: ['https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/rootfs/etc/nginx/lua/lua_ingress.lua#L178'],
    classification: 'translated',
  },
  {
    id: 'host-claim-merge',
    cases: ['host-claim-stays-with-owner'],
    ingressNginx: "the oldest Ingress keeps a host's path; a newer one's location is skipped (controller.go createServers)",
    istio:
      "VirtualServices for one host on one Gateway are merged, the oldest first, so the owner's route matches first; a tenant Gateway claiming the host is scoped to its namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE) and the shared Gateway lists hosts as <namespace>/<host>",
    sources: [
      'https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/internal/ingress/controller/controller.go#L831',
      'https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-virtual-services',
    ],
    classification: 'translated',
  },
  {
    id: 'redirect-keeps-trailing-slash',
    cases: ['ssl-redirect-drops-trailing-slash'],
    ingressNginx: 'the 308 to HTTPS drops one trailing / of the path unless preserve-trailing-slash (lua_ingress.lua rewrite)',
    istio: "a VirtualService redirect to https (Envoy's RedirectAction without path_redirect) keeps the path as requested: /dir/ stays /dir/",
    sources: [
      'https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/rootfs/etc/nginx/lua/lua_ingress.lua#L158-L164',
      'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-redirectaction',
    ],
    classification: 'accepted-gap',
    istioExpectation: (expected) => {
      const location = expected.headers?.['location'];
      return { ...expected, headers: { location: location && 'matches' in location ? { matches: location.matches.replace(/\/dir\$$/, '/dir/$') } : { present: true } } };
    },
  },
  {
    id: 'websocket-idle-unbounded',
    cases: [],
    ingressNginx: 'proxy-read-timeout closes an idle WebSocket after the app timeout (3600 s for WS apps)',
    istio: 'the route timeout does not apply to upgraded connections and the stream idle timeout is off for them: an idle WebSocket stays open (no case waits an hour)',
    sources: ['https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/http/upgrades'],
    classification: 'accepted-gap',
  },
];
