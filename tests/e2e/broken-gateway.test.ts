import { type Breakage, breakConfig, describeBreakages, routeUpstream } from './meshgate-cli.ts';

/**
 * Every suite must fail on a gateway that really misbehaves. Each row breaks the
 * local nginx (or its backends) in one realistic way, runs the suites through the
 * real CLI, and expects exit 1 with exactly the listed cases failing.
 */
/** What fails when hello-web's host is served by another backend: every case that asks that host which app answers. */
const ownerHostElsewhere = [
  'client-forwarded-headers-replaced',
  'forwarded-headers-do-not-route',
  'host-claim-stays-with-owner',
  'host-routes-to-own-backend-http',
  'host-routes-to-own-backend-https',
  'squatter-header-match-never-wins',
  'squatter-specific-path-never-wins',
  'underscore-headers-dropped',
];

const breakages: Breakage[] = [
  {
    name: 'one host routed to another tenant backend',
    suites: ['multi-tenant'],
    options: { configHook: routeUpstream('ns-k8x2m9qa_hello-web_http', 'ns-c9w3e5ty_api_http') },
    failing: ownerHostElsewhere,
  },
  {
    // The squatter's Ingress is applied (its backend is an upstream); a gateway that lets the newer claim win must fail.
    name: 'a squatting tenant wins the host it claimed',
    suites: ['multi-tenant'],
    options: { configHook: routeUpstream('ns-k8x2m9qa_hello-web_http', 'ns-c9w3e5ty_squatter_http') },
    failing: ownerHostElsewhere,
  },
  {
    name: 'CORS allow-origin header missing',
    suites: ['cors'],
    options: { configHook: breakConfig(/more_set_headers 'Access-Control-Allow-Origin: \$http_origin';/, '') },
    failing: ['actual-request-allowed-origin', 'preflight-allowed-origin'],
  },
  {
    name: 'wildcard CORS (allow-origin *)',
    suites: ['cors'],
    // Every origin allowed and answered with `*`, as ingress-nginx renders cors-allow-origin "*" (template.go buildCorsOriginRegex).
    options: {
      configHook: (config) =>
        breakConfig(/if \(\$http_origin ~\* [^\n]+\{ set \$cors 'true'; \}/, "set $cors 'true';")(
          breakConfig(/more_set_headers 'Access-Control-Allow-Origin: \$http_origin';/, "more_set_headers 'Access-Control-Allow-Origin: *';")(config),
        ),
    },
    failing: ['actual-request-allowed-origin', 'disallowed-origin-gets-no-allow-origin', 'preflight-allowed-origin'],
  },
  {
    name: 'preflight not answered by the gateway',
    suites: ['cors'],
    options: { configHook: breakConfig(/if \(\$cors = "trueoptions"\) \{[^}]*\}/, '') },
    failing: ['preflight-allowed-origin'],
  },
  {
    name: 'TLS 1.0 and 1.1 enabled',
    suites: ['ssl'],
    options: {
      configHook: (config) =>
        breakConfig(/ssl_ciphers [^;]+;/, 'ssl_ciphers DEFAULT:@SECLEVEL=0;')(breakConfig(/ssl_protocols [^;]+;/, 'ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;')(config)),
    },
    failing: ['tlsv1-refused', 'tlsv11-refused'],
  },
  {
    name: 'wrong certificate (the custom domain certificate on every host)',
    suites: ['ssl'],
    options: {
      configHook: (config) => {
        const custom = /ssl_certificate (\S+shop-tls\.crt);/.exec(config)?.[1];
        return breakConfig(/ssl_certificate \S+wildcard-cert\.crt;/, `ssl_certificate ${custom};`)(
          breakConfig(/ssl_certificate_key \S+wildcard-cert\.key;/, `ssl_certificate_key ${custom?.replace(/\.crt$/, '.key')};`)(config),
        );
      },
    },
    // HSTS is checked over HTTPS on every host, whose certificate no longer verifies.
    failing: ['certificate-verifies-for-host', 'hsts-where-configured'],
  },
  {
    name: 'ssl-redirect dropped',
    suites: ['ssl'],
    options: { configHook: breakConfig(/if \(\$pass_access_scheme = "http"\) \{ return 308 [^}]+\}/, '') },
    failing: ['ssl-redirect-drops-trailing-slash', 'ssl-redirect-where-configured'],
  },
  {
    name: 'WebSocket upgrade headers dropped',
    suites: ['protocols'],
    options: { configHook: breakConfig(/proxy_set_header (Upgrade|Connection) \S+;/, '') },
    failing: [
      'websocket-100-concurrent',
      'websocket-close-code',
      'websocket-echo-ws',
      'websocket-echo-wss',
      'websocket-idle-hold',
      'websocket-large-message',
      'websocket-ping-pong',
      'websocket-terminal-same-origin-upgrades',
    ],
  },
  {
    name: 'gRPC proxied as HTTP/1',
    // grpc-deadline races the client's own deadline against the broken proxy's error: either may come first, so it sits out.
    suites: ['protocols', '--case', '^(?!grpc-deadline)'],
    options: { configHook: breakConfig(/grpc_pass grpc:\/\//, 'proxy_pass http://') },
    failing: [
      'grpc-4mib-message',
      'grpc-bidi-streaming',
      'grpc-client-streaming',
      'grpc-server-streaming',
      'grpc-status-and-trailers',
      'grpc-unary-tls-edge',
      'long-grpc-stream-outlives-read-timeout',
    ],
  },
  {
    name: 'the default server proxying to a tenant',
    suites: ['multi-tenant', '--case', '^(bare-ip|empty-host|unknown-host|paused)'],
    options: { configHook: breakConfig(/location \/ \{ ([^{}]*)return 404; \}/, 'location / { $1proxy_pass http://ns-c9w3e5ty_api_http; }') },
    failing: [
      'bare-ip-reaches-no-tenant',
      'empty-host-reaches-no-tenant',
      'paused-or-suspended-serves-nothing',
      'paused-or-suspended-serves-nothing-https',
      'unknown-host-reaches-no-tenant',
      'unknown-host-reaches-no-tenant-https',
    ],
  },
  {
    name: 'client forwarding headers passed through',
    suites: ['multi-tenant', '--case', '^forwarded'],
    options: {
      configHook: (config) =>
        breakConfig(/proxy_set_header X-Real-IP \$remote_addr;/, 'proxy_set_header X-Real-IP $http_x_real_ip;')(
          breakConfig(/proxy_set_header X-Forwarded-Host \$best_http_host;/, 'proxy_set_header X-Forwarded-Host $http_x_forwarded_host;')(config),
        ),
    },
    failing: ['forwarded-headers-do-not-route'],
  },
  {
    name: 'the terminal Authorization header not removed and its secret header not injected',
    suites: ['multi-tenant', '--case', '^(removed|injected)'],
    options: { configHook: breakConfig(/proxy_set_header (Authorization|X-SEALOS-\S+) "[^"]*";/, '') },
    failing: ['injected-request-headers-overwrite-client', 'removed-request-headers-do-not-reach-backend'],
  },
  {
    name: 'HSTS dropped',
    suites: ['ssl', '--case', '^hsts'],
    options: { configHook: breakConfig(/more_set_headers 'Strict-Transport-Security: [^']+';/, '') },
    failing: ['hsts-where-configured'],
  },
  {
    // ingress-nginx sends HSTS by default: a gateway that only sends it where an app configured its own must fail.
    name: "HSTS only where an app sets its own (ingress-nginx's default dropped)",
    suites: ['ssl', '--case', '^hsts'],
    options: { configHook: breakConfig(/more_set_headers 'Strict-Transport-Security: \$meshgate_hsts_31536000_sub';/, '') },
    failing: ['hsts-where-configured'],
  },
  {
    name: 'body limit too small',
    suites: ['protocols', '--case', '^(body|http1)'],
    options: { configHook: breakConfig(/client_max_body_size 32m;/, 'client_max_body_size 128k;') },
    failing: ['body-at-limit-accepted', 'http1-chunked-upload'],
  },
  {
    name: 'read timeout longer than configured',
    suites: ['protocols', '--case', '^slow-backend'],
    options: { configHook: breakConfig(/proxy_read_timeout 2s;/, 'proxy_read_timeout 30s;') },
    failing: ['slow-backend-beyond-read-timeout-504'],
  },
  {
    name: 'responses buffered whole before they are sent',
    suites: ['protocols', '--case', '^http1-response-streaming'],
    options: { configHook: breakConfig(/proxy_buffering off;/, 'proxy_buffering on;') },
    failing: ['http1-response-streaming'],
  },
  {
    name: 'client keep-alive disabled',
    suites: ['protocols', '--case', '^http1-keepalive'],
    options: { configHook: breakConfig(/keepalive_timeout 75s;/, 'keepalive_timeout 0;') },
    failing: ['http1-keepalive-reuse'],
  },
  {
    name: 'header buffers at nginx defaults',
    suites: ['protocols', '--case', '^http1-large'],
    options: {
      configHook: (config) =>
        breakConfig(/client_header_buffer_size 64k;/, 'client_header_buffer_size 1k;')(breakConfig(/large_client_header_buffers 4 128k;/, 'large_client_header_buffers 4 8k;')(config)),
    },
    failing: ['http1-large-request-header'],
  },
  {
    name: 'HTTP/2 not offered on the TLS port',
    suites: ['protocols', '--case', '^(http2|grpc-unary)'],
    options: { configHook: breakConfig(/ ssl http2/, ' ssl') },
    failing: ['grpc-unary-tls-edge', 'http2-negotiated-by-alpn'],
  },
  {
    name: 'backends failing 5 % of requests under load',
    suites: ['performance', '--case', '^(http-open-loop|grpc-unary-closed-loop)'],
    options: { faults: { errorRate: 0.05 } },
    failing: ['grpc-unary-closed-loop', 'http-open-loop'],
  },
  {
    name: 'WebSocket host routed to another tenant backend under load',
    suites: ['performance', '--case', '^websocket'],
    options: { configHook: routeUpstream('ns-k8x2m9qa_chat-ws_http', 'ns-c9w3e5ty_api_http') },
    failing: ['websocket-roundtrip-closed-loop'],
  },
];

describeBreakages(breakages);
