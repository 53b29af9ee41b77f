import type { NginxSizing } from './nginx-sizing.ts';

/** ingress-nginx's default ssl-ciphers and ssl-protocols (internal/ingress/controller/config/config.go, sslCiphers / sslProtocols). */
export const ingressNginxTls = {
  protocols: 'TLSv1.2 TLSv1.3',
  ciphers:
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256',
} as const;

/**
 * The http block's settings as nginx.tmpl renders them with config.go's defaults
 * (kubernetes/ingress-nginx@dbb11b92, nginx.tmpl lines 255-300 and 380-480),
 * the Lua and GeoIP parts left out (docs/fidelity.md says why), temp paths and
 * logs under this gateway's own prefix.
 */
export function renderHttpSettings(prefix: string, sizing: NginxSizing, defaultCertificate: { certFile: string; keyFile: string } | undefined): string {
  return [
    'aio threads;',
    'tcp_nopush on;',
    'tcp_nodelay on;',
    'log_subrequest on;',
    'reset_timedout_connection on;',
    'keepalive_timeout 75s;',
    'keepalive_requests 1000;',
    `client_body_temp_path ${prefix}/tmp/client_body;`,
    `fastcgi_temp_path ${prefix}/tmp/fastcgi;`,
    `proxy_temp_path ${prefix}/tmp/proxy;`,
    `uwsgi_temp_path ${prefix}/tmp/uwsgi;`,
    `scgi_temp_path ${prefix}/tmp/scgi;`,
    'client_header_buffer_size 1k;',
    'client_header_timeout 60s;',
    'large_client_header_buffers 4 8k;',
    'client_body_buffer_size 8k;',
    'client_body_timeout 60s;',
    'http2_max_concurrent_streams 128;',
    'types_hash_max_size 2048;',
    `server_names_hash_max_size ${sizing.serverNamesHashMaxSize};`,
    `server_names_hash_bucket_size ${sizing.serverNamesHashBucketSize};`,
    'map_hash_bucket_size 64;',
    'proxy_headers_hash_max_size 512;',
    'proxy_headers_hash_bucket_size 64;',
    'variables_hash_bucket_size 256;',
    'variables_hash_max_size 2048;',
    'underscores_in_headers off;',
    'ignore_invalid_headers on;',
    'default_type text/html;',
    'server_tokens off;',
    'more_clear_headers Server;',
    'uninitialized_variable_warn off;',
    `log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id';`,
    `access_log ${prefix}/logs/access.log upstreaminfo;`,
    ...renderHttpMaps(),
    'server_name_in_redirect off;',
    'port_in_redirect off;',
    `ssl_protocols ${ingressNginxTls.protocols};`,
    'ssl_early_data off;',
    'ssl_session_cache shared:SSL:10m;',
    'ssl_session_timeout 10m;',
    'ssl_session_tickets off;',
    'ssl_buffer_size 4k;',
    `ssl_ciphers '${ingressNginxTls.ciphers}';`,
    'ssl_prefer_server_ciphers on;',
    'ssl_ecdh_curve auto;',
    ...(defaultCertificate ? [`ssl_certificate ${defaultCertificate.certFile};`, `ssl_certificate_key ${defaultCertificate.keyFile};`] : []),
    'proxy_ssl_session_reuse on;',
  ].join('\n');
}

/** nginx.tmpl 380-398: upgrade with upstream keep-alive, and a client X-Request-ID passed on (a new one otherwise). */
function renderHttpMaps(): string[] {
  return [
    "map $http_upgrade $connection_upgrade { default upgrade; '' ''; }",
    'map $http_x_request_id $req_id { default $http_x_request_id; "" $request_id; }',
    // What ingress-nginx's $server_port says: its pod listens on 80 and 443 (this gateway on free ports).
    'map $scheme $meshgate_listen_port { https 443; default 80; }',
  ];
}
