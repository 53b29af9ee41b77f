import type { KnownDifference } from '../harness/suite/known-difference.ts';

const nginxTmpl = 'https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/rootfs/etc/nginx/template/nginx.tmpl';
const luaIngress = 'https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/rootfs/etc/nginx/lua/lua_ingress.lua';
const envoyCors = 'https://github.com/envoyproxy/envoy/blob/main/source/extensions/filters/http/cors/cors_filter.cc';
const envoyConnManager = 'https://github.com/envoyproxy/envoy/blob/main/source/common/http/conn_manager_utility.cc';
const envoyApi = 'https://github.com/envoyproxy/data-plane-api/blob/84e84367f2560cdb47b9bb78fd3e615feb80c3e4/envoy';
const istio122 = 'https://github.com/istio/istio/blob/1.22.0/pilot/pkg';
const istio129 = 'https://github.com/istio/istio/blob/1.29.6/pilot/pkg';

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
    ingressNginx: "204 from the CORS block with the allow-* headers and Content-Length: 0 (nginx.tmpl CORS, 'trueoptions')",
    istio:
      "Envoy's CORS filter answers the preflight itself with 200 and the allow-* headers, without the route's response headers; its HTTP/1 codec adds Content-Length: 0 to a header-only answer that is not 204 (codec_impl.cc StreamEncoderImpl::encodeHeadersBase)",
    sources: [`${nginxTmpl}#L892-L902`, envoyCors, 'https://github.com/envoyproxy/envoy/blob/main/source/common/http/http1/codec_impl.cc'],
    classification: 'accepted-gap',
    istioExpectation: (expected) => ({ ...expected, status: 200 }),
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
    id: 'forwarded-headers-by-route',
    cases: ['forwarded-headers-do-not-route', 'client-forwarded-headers-replaced'],
    ingressNginx: 'X-Forwarded-For and X-Real-IP are the client address, X-Forwarded-Host the Host, X-Forwarded-Port 443/80 and -Proto the scheme, whatever the client sent (nginx.tmpl 1303-1322)',
    istio:
      "the gateway appends the client address to a client's X-Forwarded-For and passes X-Real-IP, X-Forwarded-Host and -Port untouched (use_remote_address, no trusted hops); meshgate's VirtualService sets all five on each listener's routes, the address and Host from the connection, port and scheme as the Gateway server's",
    sources: [`${nginxTmpl}#L1303-L1322`, envoyConnManager, 'https://github.com/envoyproxy/envoy/issues/31428', `${istio129}/networking/core/route/route.go#L503-L510`],
    classification: 'translated',
  },
  {
    id: 'paused-direct-503',
    cases: ['paused-or-suspended-serves-nothing', 'paused-or-suspended-serves-nothing-https'],
    ingressNginx: 'the ingress class pause/disable is served by no controller: the default server answers 404 (HTTPS: default certificate, then 404)',
    istio:
      "meshgate's VirtualService for a paused or suspended app answers 503 itself with a directResponse route (Envoy's DirectResponseAction; the community fork used fault.abort instead); no backend is reached",
    sources: [`${nginxTmpl}#L924`, `${istio129}/networking/core/route/route.go#L855-L860`, 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPDirectResponse'],
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
    id: 'body-limit-by-route-and-buffer',
    cases: ['body-over-limit-refused', 'body-at-limit-accepted'],
    ingressNginx: 'proxy-body-size: a declared Content-Length over the limit is refused with 413 before any body is read; a chunked body when it passes the limit (nginx.tmpl 1272)',
    istio:
      "meshgate's VirtualService refuses a Content-Length over the limit with a 413 directResponse route (a header regex); its EnvoyFilter enables Envoy's buffer filter on the backend routes with max_request_bytes = the limit, so a chunked or HTTP/2 body is refused with 413 once that much has arrived (as Higress does). Buffering costs memory (a whole body up to the limit per upload, in the gateway) and upload streaming (the backend sees nothing until the body is complete); gRPC apps are not buffered",
    sources: [
      `${nginxTmpl}#L1272`,
      `${envoyApi}/extensions/filters/http/buffer/v3/buffer.proto#L21-L45`,
      'https://github.com/alibaba/higress/blob/9c463254e1afa5aceca8ca9a8aa743aa49b0e88e/helm/core/templates/request-body-size-limit-envoyfilter.yaml',
    ],
    classification: 'translated',
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
    id: 'host-claim-namespace-scoped',
    cases: ['host-claim-stays-with-owner', 'squatter-specific-path-never-wins', 'squatter-header-match-never-wins'],
    ingressNginx: "the oldest Ingress keeps a host's path; a newer one's location is skipped (controller.go createServers)",
    istio:
      "routes of every VirtualService bound to a host are merged, then SortVHostRoutes puts every specific route (a path, a header match) before the catch-alls, whatever the objects' ages: a squatter bound to the host would win its specific paths. Isolation rests on binding: the shared Gateway lists each host as <namespace>/<host>, so only the owner's namespace binds it, and PILOT_SCOPE_GATEWAY_TO_NAMESPACE keeps a tenant's own Gateway off the shared gateway's pods",
    sources: [
      'https://github.com/kubernetes/ingress-nginx/blob/dbb11b92ddb77bee9c35e462479129354c84f939/internal/ingress/controller/controller.go#L831',
      `${istio122}/networking/core/route/route.go#L1521-L1533`,
      `${istio122}/networking/core/gateway.go#L531-L534`,
      'https://github.com/istio/istio/blob/1.22.0/pilot/pkg/features/pilot.go',
    ],
    classification: 'translated',
  },
  {
    id: 'websocket-idle-by-route-idle-timeout',
    cases: ['websocket-idle-hold', 'websocket-idle-beyond-default-timeout'],
    ingressNginx: 'proxy-read-timeout closes an idle WebSocket after the app timeout (3600 s for WS apps): nginx counts only reads from the backend',
    istio:
      "Istio turns the stream idle timeout off, and the per-try idle timeout starts only once a request is complete, which an upgrade's never is; meshgate's EnvoyFilter sets the upgrade route's idle_timeout to the app's read timeout, so an idle WebSocket is closed after it (Envoy counts traffic in either direction)",
    sources: [`${istio122}/networking/core/listener_builder.go#L348`, `${envoyApi}/config/route/v3/route_components.proto#L1384-L1409`, `${envoyApi}/config/route/v3/route_components.proto#L1722-L1741`],
    classification: 'translated',
  },
  {
    id: 'unknown-sni-closed',
    cases: ['unknown-host-reaches-no-tenant-https'],
    ingressNginx: 'ssl_reject_handshake off: a name no server lists completes the handshake with the default certificate, then 404 (nginx.tmpl 924)',
    istio:
      'each HTTPS server becomes a filter chain matching only its hosts as SNI names, and no chain catches the rest: Envoy closes the connection of an unknown name during the handshake; no backend is reached either way',
    sources: [`${nginxTmpl}#L924`, `${istio122}/networking/core/listener.go#L1236-L1250`, `${istio122}/model/gateway.go#L401-L416`],
    classification: 'accepted-gap',
    istioExpectation: () => ({ backend: null, error: '^(ECONNRESET|EPROTO|ERR_SSL_[A-Z_]+)$' }),
  },
  {
    id: 'ssl-redirect-trailing-slash',
    cases: ['ssl-redirect-drops-trailing-slash'],
    ingressNginx: "the 308 to HTTPS drops a trailing '/' of the request URI (query included) unless preserve-trailing-slash is set (lua_ingress.lua 158-164)",
    istio: "a VirtualService redirect to https (Envoy's RedirectAction without path_redirect) keeps the path as sent: /dir/ is redirected to https://<host>/dir/",
    sources: [`${luaIngress}#L157-L164`, `${envoyApi}/config/route/v3/route_components.proto`],
    classification: 'accepted-gap',
    istioExpectation: (expected) => {
      const location = expected.headers?.['location'];
      return { ...expected, headers: { location: location && 'matches' in location ? { matches: location.matches.replace(/\/dir\$$/, '/dir/$') } : { present: true } } };
    },
  },
  {
    id: 'gateway-answers-without-cors',
    cases: [],
    ingressNginx: "answers from the CORS location itself (the ssl-redirect's 308, the terminal guard's 403) carry the CORS headers of the location's CORS block (more_set_headers in the location, lua rewrite phase after it)",
    istio:
      "Envoy's CORS filter skips a route without a route entry, so its own answers (redirect 308, directResponse 403 / 413 / 503) carry no CORS headers (cors_filter.cc CorsFilter::decodeHeaders); a browser following a cross-origin redirect needs them only with credentials off, and no case checks them yet",
    sources: [`${nginxTmpl}#L873-L903`, 'https://github.com/envoyproxy/envoy/blob/main/source/extensions/filters/http/cors/cors_filter.cc'],
    classification: 'accepted-gap',
  },
];