import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEchoClient, unary } from '../../harness/clients/grpc-echo-client.ts';
import { type GatewayAddress, sendHttpRequest } from '../../harness/clients/http-client.ts';
import { readTarget, type LoadedTarget } from '../../harness/target.ts';
import { processesMentioning, runMeshgate, scratchDir } from './meshgate-cli.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// `up --ingresses` replays a cluster's export on loopback: the Ingress set read from labring/sealos
// (tests/inventory/sealos-ingresses.yaml), served by the local nginx as ingress-nginx would, with
// fixtures standing in for the Services. Each expectation cites ingress-nginx at dbb11b92 (controller v1.15.1).
const sealosSet = new URL('../inventory/sealos-ingresses.yaml', import.meta.url).pathname;
const runId = 'e2e-ingress-replay';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let targetFile: string;
let target: LoadedTarget;
let gateway: GatewayAddress;

beforeAll(async () => {
  scratch = await scratchDir();
  targetFile = join(scratch.dir, 'target.json');
  const up = await runMeshgate(['up', '--ingresses', sealosSet, '--target', targetFile, '--run-id', runId]);
  expect(up.exitCode, up.stderr).toBe(0);
  target = await readTarget(targetFile);
  gateway = { address: target.gateway.address, httpPort: target.gateway.httpPort, httpsPort: target.gateway.httpsPort, ca: await readFile(target.caFile!, 'utf8'), requestMs: defaultTimeouts.requestMs };
});

afterAll(async () => {
  await runMeshgate(['down', '--target', targetFile]);
  expect(await processesMentioning(runId)).toBe('');
  await scratch.remove();
});

/** ws hands `servername` to tls.connect (SNI), though its types do not list it. */
function socketOptions(host: string, headers: Record<string, string> = {}): WebSocket.ClientOptions & { servername: string } {
  return { headers: { host, ...headers }, servername: host, ca: gateway.ca, handshakeTimeout: 10_000 };
}

/** The status of a WebSocket upgrade over HTTPS: 101 when it opens (closed at once), else the refusal's. */
function upgradeStatus(host: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`wss://${gateway.address}:${gateway.httpsPort}/`, socketOptions(host, headers));
    socket.once('open', () => (socket.terminate(), resolve(101)));
    socket.once('unexpected-response', (_request, response) => (response.resume(), resolve(response.statusCode ?? 0)));
    socket.once('error', reject);
  });
}

describe('up --ingresses: a real Ingress set replayed on the local gateway', () => {
  it('serves a launchpad host over HTTPS from its own backend, with HSTS, and redirects HTTP with 308', async () => {
    const host = 'qkzvmlfhbpxa.cloud.example.test';
    const https = await sendHttpRequest(gateway, { scheme: 'https', host, path: '/' });
    expect(https.status).toBe(200);
    expect(https.backend).toBe('ns-k8x2m9qa/network-qkzvmlfhbpxa');
    // lua_ingress.lua 178-189 (_M.header) with config.go's HSTS defaults: max-age 31536000, includeSubDomains.
    expect(https.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    // lua_ingress.lua 65-79 (redirect_to_https): ssl-redirect on a host with a certificate; 308 is http-redirect-code's default.
    const http = await sendHttpRequest(gateway, { scheme: 'http', host, path: '/shop/' });
    expect(http.status).toBe(308);
    expect(http.headers.location).toBe(`https://${host}:${gateway.httpsPort}/shop`);
  });

  it('serves a host without TLS over HTTP, with no redirect', async () => {
    // lua_ingress.lua 78: ssl_redirect needs a certificate configured for the request's host.
    const answer = await sendHttpRequest(gateway, { scheme: 'http', host: 'legacy.cloud.example.test', path: '/' });
    expect(answer.status).toBe(200);
    expect(answer.backend).toBe('ns-z1x2c3v4/legacy-lua');
    // The tenant's configuration-snippet `proxy_set_header X-Tenant "z1x2c3v4";` reaches the backend.
    expect(JSON.parse(answer.body.toString()).headers['x-tenant']).toBe('z1x2c3v4');
  });

  it("answers a CORS preflight for the terminal as the template does, and lets a cross-site WebSocket through as its flag snippet does", async () => {
    const host = 'tk3m9x2qa.cloud.example.test';
    const preflight = await sendHttpRequest(gateway, {
      scheme: 'https', host, method: 'OPTIONS', path: '/',
      headers: { origin: 'https://app.cloud.example.test', 'access-control-request-method': 'PUT' },
    });
    // nginx.tmpl 892-902: an allowed origin's OPTIONS gets 204, its origin echoed, the annotation's methods.
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.cloud.example.test');
    expect(preflight.headers['access-control-allow-methods']).toBe('PUT, GET, POST, PATCH, OPTIONS');
    // The terminal's snippet refuses `$flag = '02'` only (a cross-site request that is not an upgrade): a cross-site
    // upgrade makes "012" and passes in ingress-nginx, as here. The refusal it does make is named, not replayed.
    const upgrade = await upgradeStatus(host, { 'sec-fetch-site': 'cross-site' });
    expect(upgrade).toBe(101);
    expect(target.untranslated).toContainEqual(expect.objectContaining({ appId: 'ns-k8x2m9qa/terminal-k8x2m9qa', setting: '[not-understood] if ($flag = 02 ) { return 403; }' }));
  });

  it('proxies gRPC to the GRPC backend and WebSocket to the WS backend', async () => {
    const grpcHost = 'grpcxwzkqmvb.cloud.example.test';
    const client = createEchoClient({ address: `${gateway.address}:${gateway.httpsPort}`, tls: { ca: gateway.ca!, servername: grpcHost } });
    try {
      const result = await unary(client, { message: 'replay' }, { deadlineMs: 10_000 });
      expect(`${result.reply.backend.namespace}/${result.reply.backend.app}`).toBe('ns-k8x2m9qa/network-grpcxwzkqmvb');
    } finally {
      client.close();
    }
    const wsHost = 'chatwsjqpzle.cloud.example.test';
    const socket = new WebSocket(`wss://${gateway.address}:${gateway.httpsPort}/`, socketOptions(wsHost));
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => socket.send('replay'));
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    socket.close();
    expect(echoed).toContain('replay');
  });

  it('serves no paused app, no canary on its own, and no host of another class: the default server answers 404', async () => {
    // nginx.tmpl 671-678: the catch-all server's 404; ingress-nginx configures no server for a class it does not watch.
    for (const host of ['pausedappxyz.cloud.example.test', 'console.cloud.example.test', 'nowhere.cloud.example.test']) {
      expect((await sendHttpRequest(gateway, { scheme: 'http', host, path: '/' })).status, host).toBe(404);
    }
    // The canary Ingress (weight 10) is not served separately: the main Ingress's backend answers.
    const main = await sendHttpRequest(gateway, { scheme: 'https', host: 'qkzvmlfhbpxa.cloud.example.test', path: '/' });
    expect(main.backend).toBe('ns-k8x2m9qa/network-qkzvmlfhbpxa');
  });

  it('writes a target that `run` takes: the multi-tenant suite passes on the replayed set', async () => {
    const run = await runMeshgate(['run', '--target', targetFile, '--reports', join(scratch.dir, 'reports'), 'multi-tenant']);
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(run.stderr).toMatch(/PASS: \d+ passed, 0 failed/);
  });

  it('writes what the replay does not carry into the target, per Ingress', () => {
    const untranslated = target.untranslated ?? [];
    expect(untranslated).toContainEqual(expect.objectContaining({ appId: 'ns-q7w2e9rt/admin-behind-auth', setting: expect.stringMatching(/^\[blocking-gap\] auth-url: /) }));
    expect(untranslated).toContainEqual(expect.objectContaining({ appId: 'ns-k8x2m9qa/shop-canary', setting: '[blocking-gap] canary Ingress' }));
    expect(target.environment).toBe('local');
  });
});
