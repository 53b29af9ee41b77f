import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../../harness/environments/local/nginx-config.ts';
import { nginxSizing } from '../../harness/environments/local/nginx-sizing.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { type ResolvedScenario, servedApps } from '../../harness/scenario/resolve.ts';

/**
 * docs/fidelity.md, row by row: each row's directives as ingress-nginx's template
 * (kubernetes/ingress-nginx@dbb11b92 rootfs/etc/nginx/template/nginx.tmpl) renders them
 * with config.go's defaults and the default scenario's annotations, found in the local
 * gateway's config. Whitespace is collapsed (the template aligns its columns).
 */
type Scope = 'config' | `server:${string}`;
interface Row {
  scope: Scope;
  /** Template text with its values filled in, one directive per entry. */
  expected: string[];
  /** Text the template never renders (a departure the row denies). */
  absent?: string[];
}

const web = 'pqxtwzmbavke.cloud.sealos.test';
const terminal = 'tk2x9qm4p.cloud.sealos.test';
const grpc = 'rmvcdkwqzjha.cloud.sealos.test';
const ws = 'zqbnhyvtlfew.cloud.sealos.test';
const openFiles = 20_000;

function rows(scenario: ResolvedScenario): Record<string, Row> {
  const sizing = nginxSizing(servedApps(scenario).map((app) => app.host), openFiles);
  const corsHeaders = [
    "more_set_headers 'Access-Control-Allow-Origin: $http_origin';",
    "more_set_headers 'Access-Control-Allow-Methods: PUT, GET, POST, PATCH, OPTIONS';",
    "more_set_headers 'Access-Control-Allow-Headers: DNT, Keep-Alive, User-Agent, X-Requested-With, If-Modified-Since, Cache-Control, Content-Type, Range, Authorization';",
    "more_set_headers 'Access-Control-Max-Age: 1728000';",
  ];
  return {
    workers: { scope: 'config', expected: ['worker_processes 1;'] },
    rlimit: { scope: 'config', expected: [`worker_rlimit_nofile ${openFiles - 1024};`] },
    'worker-connections': { scope: 'config', expected: ['worker_connections 16384;'] },
    'client-keepalive': { scope: 'config', expected: ['keepalive_timeout 75s;', 'keepalive_requests 1000;'] },
    'header-buffers': {
      scope: `server:${web}`,
      expected: ['client_header_buffer_size 64k;', 'large_client_header_buffers 4 128k;'],
    },
    'server-names-hash': {
      scope: 'config',
      expected: [`server_names_hash_max_size ${sizing.serverNamesHashMaxSize};`, `server_names_hash_bucket_size ${sizing.serverNamesHashBucketSize};`],
    },
    'server-tokens': { scope: 'config', expected: ['server_tokens off;', 'more_clear_headers Server;'] },
    // Off only where the template turns it off too (the catch-all's /healthz).
    'access-log': { scope: 'config', expected: ['access_log /fake/prefix/logs/access.log upstreaminfo;'], absent: ['access_log off; location /', 'access_log off; set'] },
    'connection-upgrade': { scope: 'config', expected: ["map $http_upgrade $connection_upgrade { default upgrade; '' ''; }"] },
    'request-id': { scope: 'config', expected: ['map $http_x_request_id $req_id { default $http_x_request_id; "" $request_id; }'] },
    'tls-protocols': { scope: 'config', expected: ['ssl_protocols TLSv1.2 TLSv1.3;'] },
    'session-tickets': { scope: 'config', expected: ['ssl_session_tickets off;'] },
    ciphers: {
      scope: 'config',
      expected: [
        "ssl_ciphers 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256';",
      ],
    },
    'default-certificate': { scope: 'config', expected: ['ssl_certificate /fake/tls/default.crt;'] },
    'upstream-keepalive': { scope: 'config', expected: ['keepalive 320; keepalive_time 1h; keepalive_timeout 60s; keepalive_requests 10000;'] },
    'cors-block': {
      scope: `server:${terminal}`,
      expected: ["if ($request_method = 'OPTIONS') { set $cors ${cors}options; }", `if ($cors = "true") { ${corsHeaders.join(' ')} }`],
    },
    'cors-origin-regex': {
      scope: `server:${terminal}`,
      expected: ["if ($http_origin ~* ((https://cloud\\.sealos\\.test)|(https://[A-Za-z0-9\\-]+\\.cloud\\.sealos\\.test))$ ) { set $cors 'true'; }"],
    },
    'cors-preflight': {
      scope: `server:${terminal}`,
      expected: [`if ($cors = "trueoptions") { ${corsHeaders.join(' ')} more_set_headers 'Content-Type: text/plain charset=UTF-8'; more_set_headers 'Content-Length: 0'; return 204; }`],
      absent: ['Vary'],
    },
    'reject-handshake': { scope: 'server:_', expected: ['ssl_reject_handshake off;'] },
    'default-server-404': { scope: 'server:_', expected: ["location / { more_set_headers 'Strict-Transport-Security: $meshgate_hsts_31536000_sub'; return 404; }"] },
    'default-server-healthz': { scope: 'server:_', expected: ['location /healthz { access_log off; return 200; }'] },
    'http2-plain-port': { scope: `server:${grpc}`, expected: ['listen 127.0.0.1:18080;', 'listen 127.0.0.1:18443 ssl http2;'], absent: ['http2 on;', '18080 http2'] },
    'pass-variables': {
      scope: `server:${web}`,
      expected: ['set $pass_access_scheme $scheme;', 'set $best_http_host $http_host;', 'set $pass_port $pass_server_port;'],
    },
    'body-size': { scope: `server:${web}`, expected: ['client_max_body_size 32m;'] },
    'body-buffer': { scope: `server:${web}`, expected: ['client_body_buffer_size 64k;'] },
    'proxy-headers': {
      scope: `server:${web}`,
      expected: [
        [
          'proxy_set_header Host $best_http_host;',
          'proxy_set_header Upgrade $http_upgrade;',
          'proxy_set_header Connection $connection_upgrade;',
          'proxy_set_header X-Request-ID $req_id;',
          'proxy_set_header X-Real-IP $remote_addr;',
          'proxy_set_header X-Forwarded-For $remote_addr;',
          'proxy_set_header X-Forwarded-Host $best_http_host;',
          'proxy_set_header X-Forwarded-Port $pass_port;',
          'proxy_set_header X-Forwarded-Proto $pass_access_scheme;',
          'proxy_set_header X-Forwarded-Scheme $pass_access_scheme;',
          'proxy_set_header X-Scheme $pass_access_scheme;',
          'proxy_set_header X-Original-Forwarded-For $http_x_forwarded_for;',
          'proxy_set_header X-Original-Forwarded-Host $http_x_forwarded_host;',
          'proxy_set_header Proxy "";',
        ].join(' '),
      ],
      absent: ['X-Original-URI'],
    },
    timeouts: {
      scope: `server:${grpc}`,
      expected: ['proxy_connect_timeout 5s; proxy_send_timeout 60s; proxy_read_timeout 60s;', 'grpc_connect_timeout 5s; grpc_send_timeout 60s; grpc_read_timeout 60s;'],
    },
    buffering: { scope: `server:${ws}`, expected: ['proxy_buffering off; proxy_buffer_size 4k; proxy_buffers 4 4k;', 'proxy_request_buffering on; proxy_http_version 1.1;'] },
    'next-upstream': { scope: `server:${web}`, expected: ['proxy_next_upstream error timeout; proxy_next_upstream_timeout 0; proxy_next_upstream_tries 3;'] },
    snippet: { scope: `server:${terminal}`, expected: ['proxy_set_header Authorization "";', 'proxy_set_header X-SEALOS-tk2x9qm4p "1";'] },
    'ssl-redirect': {
      scope: 'config',
      expected: [
        'if ($pass_access_scheme = "http") { return 308 https://$host:18443$meshgate_redirect_uri; }',
        'map $request_uri $meshgate_redirect_uri { "~^(?<meshgate_kept_uri>.*)/$" $meshgate_kept_uri; default $request_uri; }',
      ],
    },
    // The departure the row states: the redirect is an `if` of its own, after (not inside) the CORS block.
    'redirect-cors': { scope: `server:${terminal}`, expected: ['return 204; } if ($pass_access_scheme = "http") { return 308'] },
    hsts: {
      scope: 'config',
      expected: [
        'map $scheme $meshgate_hsts_31536000_sub { https "max-age=31536000; includeSubDomains"; default $upstream_http_strict_transport_security; }',
        "more_set_headers 'Strict-Transport-Security: $meshgate_hsts_31536000_sub';",
      ],
      absent: ['add_header Strict-Transport-Security'],
    },
    'host-merge': { scope: `server:${web}`, expected: ['proxy_pass http://ns-k8x2m9qa_hello-web_http;'], absent: ['ns-c9w3e5ty_squatter_http;'] },
    'squatter-route': { scope: `server:${web}`, expected: ["# ns-c9w3e5ty/squatter-api: Ingress (path /api/) refused by Sealos' admission webhook"], absent: ['location /api/', 'squatter-api_http', 'squatter-canary_http'] },
    'grpc-pass': { scope: `server:${grpc}`, expected: ['grpc_pass grpc://ns-k8x2m9qa_echo-grpc_grpc;'] },
    'ws-protocol': { scope: `server:${ws}`, expected: ['proxy_pass http://ns-k8x2m9qa_chat-ws_http;'] },
  };
}

const collapse = (text: string) => text.replace(/\s+/g, ' ');
let config: string;
let table: Record<string, Row>;

/** One `server { ... }` block (collapsed) whose server_name is `name`. */
function serverBlock(name: string): string {
  const blocks = config.split(/\n {2}server \{\n/).slice(1);
  const block = blocks.find((candidate) => candidate.includes(`server_name ${name} ;`));
  if (!block) throw new Error(`no server ${name}`);
  return collapse(block);
}

beforeAll(async () => {
  const scenario = (await loadScenario()).resolved;
  table = rows(scenario);
  config = renderNginxConfig({
    scenario,
    prefix: '/fake/prefix',
    listenHost: '127.0.0.1',
    httpPort: 18080,
    httpsPort: 18443,
    backends: new Map(scenario.apps.map((app, i) => [app.id, { httpPort: 20_000 + i, grpcPort: 21_000 + i }])),
    tlsFiles: new Map([
      ['_default', { certFile: '/fake/tls/default.crt', keyFile: '/fake/tls/default.key' }],
      ['wildcard-cert', { certFile: '/fake/tls/wildcard.crt', keyFile: '/fake/tls/wildcard.key' }],
      ['ns-r4n7v1pz/shop-tls', { certFile: '/fake/tls/shop.crt', keyFile: '/fake/tls/shop.key' }],
    ]),
    workerProcesses: 1,
    headersMoreModule: '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so',
    openFilesLimit: openFiles,
  });
});

describe('docs/fidelity.md rows against the rendered default scenario', () => {
  const documented = [...readFileSync(new URL('../../docs/fidelity.md', import.meta.url), 'utf8').matchAll(/^\| ([a-z0-9-]+) \|/gm)].map((match) => match[1]!).filter((id) => id !== 'id');

  it('every documented row has a check and every check a row', () => {
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual(Object.keys(table).sort());
  });

  it.each(documented)('%s renders as the template does', (id) => {
    const row = table[id]!;
    const text = row.scope === 'config' ? collapse(config) : serverBlock(row.scope.slice('server:'.length));
    for (const line of row.expected) expect(text, `${id}: ${line}`).toContain(collapse(line));
    for (const line of row.absent ?? []) expect(text, `${id}: must not render ${line}`).not.toContain(line);
  });
});
