import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate, writeTlsFiles } from '../../harness/environments/local/certificates.ts';
import { type NginxConfigInput, quote, renderNginxConfig } from '../../harness/environments/local/nginx-config.ts';
import { corsOriginRegex } from '../../harness/environments/local/nginx-cors.ts';
import { nginxSizing } from '../../harness/environments/local/nginx-sizing.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { type ResolvedApp, type ResolvedScenario, servedApps } from '../../harness/scenario/resolve.ts';

const httpPort = 18080;
const httpsPort = 18443;
const fakeTls = new Map([
  ['_default', { certFile: '/fake/tls/default.crt', keyFile: '/fake/tls/default.key' }],
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
    headersMoreModule: '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so',
  });
}

/** The `server { ... }` blocks whose server_name is `host`, in order (HTTP first, then HTTPS). */
function serverBlocks(host: string): string[] {
  const blocks = config.split(/\n {2}server \{\n/).slice(1);
  return blocks.filter((block) => block.includes(`server_name ${host} ;`));
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
  it('declares one upstream per active app, squatters included (ingress-nginx keeps a backend per Service), none for paused or suspended apps', () => {
    const upstreams = [...config.matchAll(/^ {2}upstream (\S+) \{ server 127\.0\.0\.1:(\d+); keepalive 320;/gm)];
    const active = scenario.apps.filter((candidate) => candidate.state === 'active');
    expect(upstreams).toHaveLength(active.length);
    expect(config).toContain('upstream ns-c9w3e5ty_squatter_http ');
    for (const name of ['ns-r4n7v1pz_blog', 'ns-s0u5p3nd_site']) expect(config).not.toContain(name);
  });

  it.each([
    { upstream: 'ns-k8x2m9qa_hello-web_http', port: 20_000 },
    { upstream: 'ns-k8x2m9qa_echo-grpc_grpc', port: 21_001 },
    { upstream: 'ns-k8x2m9qa_chat-ws_http', port: 20_002 },
  ])('points $upstream at its backend port', ({ upstream, port }) => {
    expect(config).toContain(`upstream ${upstream} { server 127.0.0.1:${port};`);
  });

  it('has one server per served host with both listeners (nginx.tmpl SERVER: buildHTTPListener and buildHTTPSListener)', () => {
    for (const servedApp of served) {
      const blocks = serverBlocks(servedApp.host);
      expect(blocks, servedApp.host).toHaveLength(1);
      expect(blocks[0]).toContain(`listen 127.0.0.1:${httpPort};`);
      expect(blocks[0]).toContain(`listen 127.0.0.1:${httpsPort} ssl http2;`);
    }
  });

  it("gives a squatted host to its oldest claim and notes the newer one's rejected location", () => {
    const [block] = serverBlocks(app('ns-k8x2m9qa/hello-web').host);
    expect(block).toContain('proxy_pass http://ns-k8x2m9qa_hello-web_http;');
    expect(block).toContain('# ns-c9w3e5ty/squatter: location / already configured for this host by ns-k8x2m9qa/hello-web');
    expect(block).not.toContain('proxy_pass http://ns-c9w3e5ty_squatter_http;');
  });

  it("serves none of a narrower squatter route (Sealos' webhook refuses its Ingress) and says so in the owner's server", () => {
    const [block] = serverBlocks(app('ns-k8x2m9qa/hello-web').host);
    expect(block).toContain("# ns-c9w3e5ty/squatter-api: Ingress (path /api/) refused by Sealos' admission webhook: ns-k8x2m9qa/hello-web owns this host");
    expect(block).toContain("# ns-c9w3e5ty/squatter-canary: Ingress (canary header X-Canary: always) refused by Sealos' admission webhook");
    expect(block).not.toMatch(/location \/api\/|x_canary|squatter-(api|canary)_http/);
  });

  it('replaces a backend HSTS on HTTPS only, and sends it from the catch-all server too (lua_ingress.lua _M.header sets ngx.header in every location)', () => {
    expect(config).toContain('map $scheme $meshgate_hsts_31536000_sub { https "max-age=31536000; includeSubDomains"; default $upstream_http_strict_transport_security; }');
    expect(serverBlocks(app('ns-k8x2m9qa/hello-web').host)[0]).toContain("more_set_headers 'Strict-Transport-Security: $meshgate_hsts_31536000_sub';");
    expect(config).not.toContain('add_header Strict-Transport-Security');
    expect(serverBlocks('_')[0]).toContain("location / { more_set_headers 'Strict-Transport-Security: $meshgate_hsts_31536000_sub'; return 404; }");
  });

  it('answers /healthz with 200 on the catch-all server (nginx.tmpl SERVER for "_")', () => {
    expect(serverBlocks('_')[0]).toContain('location /healthz { access_log off; return 200; }');
  });

  it('has no server for hosts nobody serves', () => {
    for (const id of ['ns-r4n7v1pz/blog', 'ns-s0u5p3nd/site']) expect(serverBlocks(app(id).host)).toHaveLength(0);
  });

  it('uses the wildcard certificate, and the custom domain its own', () => {
    expect(serverBlocks('shop.tenant-shop.test')[0]).toContain('ssl_certificate /fake/tls/shop-tls.crt;\n    ssl_certificate_key /fake/tls/shop-tls.key;');
    expect(serverBlocks(app('ns-k8x2m9qa/hello-web').host)[0]).toContain('ssl_certificate /fake/tls/wildcard-cert.crt;');
  });

  it('redirects HTTP only where ssl-redirect is on, after the CORS block', () => {
    const redirect = `if ($pass_access_scheme = "http") { return 308 https://$host:${httpsPort}$meshgate_redirect_uri; }`;
    expect(serverBlocks(app('ns-k8x2m9qa/terminal').host)[0]).toContain(redirect);
    expect(serverBlocks(app('ns-r4n7v1pz/adminer').host)[0]).toContain(redirect);
    for (const id of ['ns-k8x2m9qa/hello-web', 'ns-k8x2m9qa/chat-ws']) expect(serverBlocks(app(id).host)[0], id).not.toContain('return 308');
    const terminal = serverBlocks(app('ns-k8x2m9qa/terminal').host)[0]!;
    expect(terminal.indexOf('trueoptions')).toBeLessThan(terminal.indexOf('return 308'));
  });

  it('refuses to render without a backend or a certificate for a served app', () => {
    expect(() => render(new Map([['wildcard-cert', fakeTls.get('wildcard-cert')!]]))).toThrow(/no certificate for TLS secret shop-tls/);
    expect(() =>
      renderNginxConfig({ scenario, prefix: '/p', listenHost: '127.0.0.1', httpPort, httpsPort, backends: new Map(), tlsFiles: fakeTls, workerProcesses: 1, headersMoreModule: '/m.so' }),
    ).toThrow(/no backend started for app/);
  });
});

describe("corsOriginRegex (template.go buildCorsOriginRegex)", () => {
  it("anchors at the end only and turns * into one DNS label, case-insensitively", () => {
    const line = corsOriginRegex(['https://cloud.sealos.test', 'https://*.cloud.sealos.test']);
    expect(line).toBe("if ($http_origin ~* ((https://cloud\\.sealos\\.test)|(https://[A-Za-z0-9\\-]+\\.cloud\\.sealos\\.test))$ ) { set $cors 'true'; }");
    const regex = new RegExp(/~\* (.*) \) \{/.exec(line)![1]!.replaceAll('\\-', '-'), 'i');
    expectOrigins(regex, [
      ['https://cloud.sealos.test', true],
      ['https://tk2x9qm4p.cloud.sealos.test', true],
      ['https://evilcloud.sealos.test', false],
      ['https://cloud.sealos.test.evil.test', false],
      ['http://cloud.sealos.test', false],
      ['null', false],
      ['https://a.b.cloud.sealos.test', false],
      // Anchored at the end only, as ingress-nginx: a longer origin ending in an allowed one matches.
      ['xhttps://cloud.sealos.test', true],
    ]);
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
    const tlsDir = join(dir, 'tls');
    const wildcard = await issueServerCertificate(ca, { hosts: [`*.${scenario.domain}`, scenario.domain], validityDays: 1 });
    const shop = await issueServerCertificate(ca, { hosts: ['shop.tenant-shop.test'], validityDays: 1 });
    const fake = await issueServerCertificate(ca, { hosts: ['ingress.local'], validityDays: 1 });
    const tlsFiles = new Map([
      ['_default', await writeTlsFiles(tlsDir, 'default', fake)],
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

describe('nginxSizing worker_connections (config.go MaxWorkerConnections, nginx.go OnUpdate)', () => {
  it("is max-worker-connections' default 16384, and three quarters of the descriptors only when that is 0", () => {
    expect(nginxSizing(['a.test'], 20_000).workerConnections).toBe(16_384);
    expect(nginxSizing(['a.test'], 20_000, 0).workerConnections).toBe(Math.floor(((20_000 - 1024) * 3) / 4));
  });
});
