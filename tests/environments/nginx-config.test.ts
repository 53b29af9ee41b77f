import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate, writeTlsFiles } from '../../harness/environments/local/certificates.ts';
import { type NginxConfigInput, quote, renderNginxConfig } from '../../harness/environments/local/nginx-config.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { type ResolvedApp, type ResolvedScenario, servedApps } from '../../harness/scenario/resolve.ts';

const httpPort = 18080;
const httpsPort = 18443;
const fakeTls = new Map([
  ['wildcard-cert', { certFile: '/fake/tls/wildcard-cert.crt', keyFile: '/fake/tls/wildcard-cert.key' }],
  ['ns-r4n7v1pz/shop-tls', { certFile: '/fake/tls/shop-tls.crt', keyFile: '/fake/tls/shop-tls.key' }],
]);

let scenario: ResolvedScenario;
let served: ResolvedApp[];
let config: string;

/** Fake backend ports: app number i gets HTTP 20000+i and gRPC 21000+i. */
function fakeBackends(apps: ResolvedApp[]): NginxConfigInput['backends'] {
  return new Map(apps.map((app, i) => [app.id, { httpPort: 20_000 + i, grpcPort: 21_000 + i }]));
}

function render(tlsFiles: NginxConfigInput['tlsFiles'], prefix = '/fake/prefix'): string {
  return renderNginxConfig({
    scenario,
    prefix,
    listenHost: '127.0.0.1',
    httpPort,
    httpsPort,
    backends: fakeBackends(scenario.apps),
    tlsFiles,
    workerProcesses: 1,
  });
}

/** The `server { ... }` blocks whose server_name is `host`, in order (HTTP first, then HTTPS). */
function serverBlocks(host: string): string[] {
  const blocks = config.split(/\n {2}server \{\n/).slice(1);
  return blocks.filter((block) => block.includes(`server_name ${host};`));
}

function app(id: string): ResolvedApp {
  const found = scenario.apps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no app ${id}`);
  return found;
}

beforeAll(async () => {
  scenario = (await loadScenario()).resolved;
  served = servedApps(scenario);
  config = render(fakeTls);
});

describe('renderNginxConfig on the default scenario', () => {
  it('declares one upstream per served app and none for paused, suspended or squatting apps', () => {
    const upstreams = [...config.matchAll(/^ {2}upstream (\S+) \{ server 127\.0\.0\.1:(\d+); keepalive 32; \}$/gm)];
    expect(upstreams).toHaveLength(served.length);
    const names = upstreams.map((match) => match[1]);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['ns-r4n7v1pz-blog', 'ns-s0u5p3nd-site', 'ns-c9w3e5ty-squatter']) {
      expect(config).not.toContain(name);
    }
  });

  it.each([
    { id: 'ns-k8x2m9qa/hello-web', upstream: 'ns-k8x2m9qa_hello-web_http', port: 20_000 },
    { id: 'ns-k8x2m9qa/echo-grpc', upstream: 'ns-k8x2m9qa_echo-grpc_grpc', port: 21_001 },
    { id: 'ns-k8x2m9qa/chat-ws', upstream: 'ns-k8x2m9qa_chat-ws_http', port: 20_002 },
  ])('points $id at its backend port', ({ upstream, port }) => {
    expect(config).toContain(`upstream ${upstream} { server 127.0.0.1:${port}; keepalive 32; }`);
  });

  it('has an HTTP and an HTTPS server for every served host', () => {
    for (const servedApp of served) {
      const blocks = serverBlocks(servedApp.host);
      expect(blocks, servedApp.host).toHaveLength(2);
      expect(blocks[0]).toContain(`listen 127.0.0.1:${httpPort};`);
      expect(blocks[1]).toContain(`listen 127.0.0.1:${httpsPort} ssl http2;`);
    }
  });

  it('has no server for hosts nobody serves', () => {
    for (const id of ['ns-r4n7v1pz/blog', 'ns-s0u5p3nd/site']) expect(serverBlocks(app(id).host)).toHaveLength(0);
  });

  it('answers unknown hosts with 404 on HTTP and a TLS alert on HTTPS', () => {
    expect(config).toContain(`listen 127.0.0.1:${httpPort} default_server;\n    server_name _;\n    location / { return 404; }`);
    expect(config).toContain(`listen 127.0.0.1:${httpsPort} ssl http2 default_server;\n    server_name _;\n    ssl_reject_handshake on;`);
  });

  it('uses the wildcard certificate, and the custom domain its own', () => {
    expect(serverBlocks('shop.tenant-shop.test')[1]).toContain('ssl_certificate /fake/tls/shop-tls.crt;\n    ssl_certificate_key /fake/tls/shop-tls.key;');
    expect(serverBlocks(app('ns-k8x2m9qa/hello-web').host)[1]).toContain('ssl_certificate /fake/tls/wildcard-cert.crt;');
  });

  it('proxies gRPC with grpc_pass and without connection-specific headers', () => {
    for (const block of serverBlocks(app('ns-k8x2m9qa/echo-grpc').host)) {
      expect(block).toContain('grpc_pass grpc://ns-k8x2m9qa_echo-grpc_grpc;');
      expect(block).not.toContain('proxy_pass');
      expect(block).not.toMatch(/grpc_set_header (Upgrade|Connection) /);
      expect(block).toContain('grpc_set_header Host $host;');
      expect(block).toMatch(/grpc_read_timeout 300s;/);
    }
  });

  it('strips Authorization and sets the X-SEALOS header for the terminal', () => {
    const https = serverBlocks(app('ns-k8x2m9qa/terminal').host)[1]!;
    expect(https).toContain('proxy_set_header Authorization "";');
    expect(https).toContain('proxy_set_header X-SEALOS-tk2x9qm4p "1";');
    expect(https).toContain('if ($meshgate_cross_site_websocket) { return 403; }');
  });

  it('hides X-Frame-Options and adds the CSP for adminer', () => {
    const https = serverBlocks(app('ns-r4n7v1pz/adminer').host)[1]!;
    expect(https).toContain('proxy_hide_header X-Frame-Options;');
    expect(https).toContain(`add_header Content-Security-Policy "frame-ancestors 'self' https://cloud.sealos.test https://*.cloud.sealos.test" always;`);
  });

  it.each([
    { id: 'ns-k8x2m9qa/terminal', redirects: true },
    { id: 'ns-r4n7v1pz/adminer', redirects: true },
    { id: 'ns-k8x2m9qa/hello-web', redirects: false },
    { id: 'ns-k8x2m9qa/chat-ws', redirects: false },
    { id: 'ns-r4n7v1pz/shop', redirects: false },
  ])('HTTP on $id redirects with 308: $redirects', ({ id, redirects }) => {
    const [http, https] = serverBlocks(app(id).host);
    const redirect = `location / { return 308 https://$host:${httpsPort}$request_uri; }`;
    if (redirects) {
      expect(http).toContain(redirect);
      expect(http).not.toContain('proxy_pass');
    } else {
      expect(http).not.toContain('return 308');
      expect(http).toContain('proxy_pass http://');
    }
    expect(https).not.toContain('return 308');
  });

  it.each([
    { id: 'ns-k8x2m9qa/hello-web', body: '32m', module: 'proxy', send: 300, read: 300 },
    { id: 'ns-k8x2m9qa/echo-grpc', body: '32m', module: 'grpc', send: 300, read: 300 },
    { id: 'ns-k8x2m9qa/chat-ws', body: '32m', module: 'proxy', send: 3600, read: 3600 },
    { id: 'ns-k8x2m9qa/terminal', body: '32m', module: 'proxy', send: 86400, read: 86400 },
    { id: 'ns-r4n7v1pz/adminer', body: '256m', module: 'proxy', send: 300, read: 300 },
    { id: 'ns-c9w3e5ty/api', body: '32m', module: 'proxy', send: 300, read: 300 },
  ])('sets body size $body and $module timeouts $send/$read for $id', ({ id, body, module, send, read }) => {
    const https = serverBlocks(app(id).host)[1]!;
    expect(https).toContain(`client_max_body_size ${body};`);
    expect(https).toContain(`${module}_connect_timeout 5s;`);
    expect(https).toContain(`${module}_send_timeout ${send}s;`);
    expect(https).toContain(`${module}_read_timeout ${read}s;`);
  });

  it('renders CORS as anchored origin maps with the wildcard label as [a-z0-9-]+\\.', () => {
    const maps = [...config.matchAll(/map \$http_origin \$cors_origin_(\w+) \{ default ""; "(.*)" \$http_origin; \}/g)];
    // Terminal and adminer share one policy, so one set of maps.
    expect(maps).toHaveLength(1);
    const pattern = maps[0]![2]!;
    expect(pattern).toBe('~*^(https://cloud\\.sealos\\.test|https://[a-z0-9-]+\\.cloud\\.sealos\\.test)$');
    const regex = new RegExp(pattern.slice(2), 'i');
    expectOrigins(regex, [
      ['https://cloud.sealos.test', true],
      ['https://tk2x9qm4p.cloud.sealos.test', true],
      ['https://evilcloud.sealos.test', false],
      ['https://cloud.sealos.test.evil.test', false],
      ['https://a.b.cloud.sealos.test', false],
      ['http://cloud.sealos.test', false],
      ['https://cloudxsealos.test', false],
    ]);
    const key = maps[0]![1]!;
    expect(config).toContain(`map $cors_origin_${key} $cors_methods_${key} { "" ""; default "PUT, GET, POST, PATCH, OPTIONS"; }`);
    expect(config).toContain(`map $cors_origin_${key} $cors_credentials_${key} { "" ""; default ""; }`);
  });

  it.each(['ns-k8x2m9qa/terminal', 'ns-r4n7v1pz/adminer'])('sends the CORS headers and Vary: Origin for %s', (id) => {
    const https = serverBlocks(app(id).host)[1]!;
    expect(https).toMatch(/add_header Access-Control-Allow-Origin \$cors_origin_\w+ always;/);
    expect(https).toContain('add_header Vary Origin always;');
    expect(https).toMatch(/if \(\$cors_preflight_\w+\) \{ return 204; \}/);
  });

  it('sends no CORS headers for apps without a policy', () => {
    expect(serverBlocks(app('ns-k8x2m9qa/hello-web').host).join('\n')).not.toContain('Access-Control');
  });

  it('refuses to render without a backend or a certificate for a served app', () => {
    expect(() => render(new Map([['wildcard-cert', fakeTls.get('wildcard-cert')!]]))).toThrow(/no certificate for TLS secret shop-tls/);
    expect(() =>
      renderNginxConfig({ scenario, prefix: '/p', listenHost: '127.0.0.1', httpPort, httpsPort, backends: new Map(), tlsFiles: fakeTls, workerProcesses: 1 }),
    ).toThrow(/no backend started for app/);
  });
});

/** Checks an origin regex against a table of origins and whether each must match. */
function expectOrigins(regex: RegExp, table: Array<[string, boolean]>): void {
  for (const [origin, allowed] of table) expect(regex.test(origin), origin).toBe(allowed);
}

describe('quote', () => {
  it.each([
    ['1', '"1"'],
    ['', '""'],
    ['1; mode=block', '"1; mode=block"'],
    ["frame-ancestors 'self'", `"frame-ancestors 'self'"`],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
  ])('%j becomes %s', (value, quoted) => {
    expect(quote(value)).toBe(quoted);
  });

  it.each(['$host', 'a$b', 'line\nbreak', 'carriage\rreturn', '${x}'])('refuses %j', (value) => {
    expect(() => quote(value)).toThrow(/not allowed in nginx config/);
  });
});

const nginxBinary = await execa('nginx', ['-v'], { reject: false }).then(
  (result) => result.exitCode === 0,
  () => false,
);
if (!nginxBinary) console.warn('nginx-config.test.ts: nginx is not on PATH; skipping the `nginx -t` check of the rendered config');

describe.skipIf(!nginxBinary)('the rendered config passes `nginx -t` (nginx on PATH)', () => {
  let dir: string | undefined;

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('nginx -t accepts the default scenario with real certificates', async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-nginx-config-'));
    await Promise.all(['logs', 'tmp'].map((sub) => mkdir(join(dir!, sub))));
    const ca = await createCertificateAuthority({ commonName: 'meshgate nginx-config test CA', validityDays: 2 });
    const wildcard = await issueServerCertificate(ca, { hosts: [`*.${scenario.domain}`, scenario.domain], validityDays: 1 });
    const shop = await issueServerCertificate(ca, { hosts: ['shop.tenant-shop.test'], validityDays: 1 });
    const tlsDir = join(dir, 'tls');
    const tlsFiles = new Map([
      ['wildcard-cert', await writeTlsFiles(tlsDir, 'wildcard-cert', wildcard)],
      ['ns-r4n7v1pz/shop-tls', await writeTlsFiles(tlsDir, 'shop-tls', shop)],
    ]);
    const configFile = join(dir, 'nginx.conf');
    await writeFile(configFile, render(tlsFiles, dir));
    const result = await execa('nginx', ['-t', '-q', '-p', dir, '-c', configFile, '-e', join(dir, 'logs', 'error.log')], {
      reject: false,
      timeout: 30_000,
    });
    expect(`${result.stderr}${result.stdout}`).not.toMatch(/\[emerg\]/);
    expect(result.exitCode).toBe(0);
  });
});
