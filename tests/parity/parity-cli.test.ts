import { readFile, writeFile } from 'node:fs/promises';
import { type Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/net/ports.ts';
import { type ChildProcess, startChildProcess } from '../../harness/process/child-process.ts';
import type { ParityDocument } from '../../harness/parity/parity-document.ts';
import { tcpConnects, waitUntil } from '../../harness/wait.ts';
import { type FakeKube, startFakeKube, writeKubeconfig } from '../cluster/fake-kube-api.ts';
import { meshgate, meshgateBin, scratchDir } from '../e2e/meshgate-cli.ts';
import { missingBinaries } from '../required-binary.ts';
import { type GatewayPair, endpointFlag, startGatewayPair } from './gateway-pair.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

const pushgatewayBinary = '/usr/bin/prometheus-pushgateway';
const noPushgateway = missingBinaries([{ path: pushgatewayBinary, install: 'apt-get install prometheus-pushgateway' }]);

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch?.remove());

const readDocument = async (reports: string, runId: string): Promise<ParityDocument> => JSON.parse(await readFile(join(reports, runId, 'parity.json'), 'utf8'));

describe.skipIf(noPushgateway)('meshgate parity --from-cluster through two identical live gateways', () => {
  let pair: GatewayPair | undefined;
  let fake: FakeKube | undefined;
  let pushgateway: ChildProcess | undefined;
  afterAll(async () => {
    await Promise.all([pair?.stop(), fake?.close(), pushgateway?.stop()]);
  });

  it('is clean (exit 0) with the A/A noise learned, writes parity.html and parity.json, feeds the Pushgateway, and only lists', async () => {
    const pushPort = await freePort();
    pushgateway = startChildProcess('pushgateway', pushgatewayBinary, [`--web.listen-address=127.0.0.1:${pushPort}`, `--persistence.file=${join(scratch.dir, 'pushgateway.data')}`], defaultTimeouts);
    [pair, fake] = await Promise.all([startGatewayPair(), startFakeKube()]);
    for (const ingress of pair.ingressObjects) fake.seed(ingress as Parameters<FakeKube['seed']>[0]);
    await waitUntil('the Pushgateway to listen', `127.0.0.1:${pushPort}`, { timeouts: defaultTimeouts, name: 'upReadyMs' }, tcpConnects('127.0.0.1', pushPort, defaultTimeouts.requestMs));
    const reports = join(scratch.dir, 'reports');
    const metricsFile = join(scratch.dir, 'parity-metrics.txt');
    const result = await meshgate([
      'parity', '--from-cluster', '--kubeconfig', await writeKubeconfig(scratch.dir, fake.url),
      '--reference', endpointFlag(pair.reference), '--candidate', endpointFlag(pair.candidate),
      '--reference-ca', pair.caFiles.reference, '--candidate-ca', pair.caFiles.candidate,
      '--rate', '400', '--reports', reports, '--run-id', 'parity-clean', '--metrics-out', metricsFile, '--pushgateway', `http://127.0.0.1:${pushPort}`, '--json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'pass', differing: [] });
    const document = await readDocument(reports, 'parity-clean');
    expect(document.hosts.map((host) => host.host).sort()).toEqual(pair.hosts.map((host) => host.host).sort());
    expect(document.hosts.filter((host) => host.verdict !== 'same')).toEqual([]);
    // The echo backends answer JSON that carries each request's id: learned as noise, not compared.
    expect(document.hosts.filter((host) => host.noisy.includes('GET / body.headers.x-request-id')).length).toBeGreaterThan(pair.hosts.length / 2);
    const html = await readFile(join(reports, 'parity-clean', 'parity.html'), 'utf8');
    expect(html).toContain('meshgate parity: PASS');
    expect(html).toContain('<code>GET / body.headers.x-request-id</code>');
    expect(html).not.toContain('id="differs"');
    expect(fake.requests.map((item) => `${item.method} ${item.path}`)).toEqual(['GET /apis/networking.k8s.io/v1/ingresses']);
    expect(await readFile(metricsFile, 'utf8')).toContain(`meshgate_parity_hosts{command="parity",run_id="parity-clean",verdict="same"} ${pair.hosts.length}`);
    const exposed = await (await request(`http://127.0.0.1:${pushPort}/metrics`)).body.text();
    expect(exposed).toMatch(/meshgate_parity_verdict\{command="parity",instance="",job="meshgate",run_id="parity-clean",verdict="pass"\} 1/);
  }, 120_000);
});

describe('meshgate parity --from-cluster against a fake API server', () => {
  const ingress = (i: number) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `app-${i}`, namespace: `ns-${i % 97}`, annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: { rules: [{ host: `h${i}.cloud.example.test`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  });
  const closedGateway = async () => `127.0.0.1:${await freePort()}:${await freePort()}`;

  it('pages through 10,000 Ingresses with limit and continue and sends nothing but list requests', async () => {
    const fake = await startFakeKube();
    try {
      for (let i = 0; i < 10_000; i++) fake.seed(ingress(i));
      const gateway = await closedGateway();
      const result = await meshgate(['parity', '--from-cluster', '--kubeconfig', await writeKubeconfig(scratch.dir, fake.url), '--reference', gateway, '--candidate', gateway, '--reports', join(scratch.dir, 'paged')]);
      // Listed in full, then stopped at the closed gateway (exit 2): nothing probed, no report.
      expect(result.stderr).toContain('meshgate: listed 10000 Ingresses');
      expect(result.exitCode).toBe(2);
      expect(fake.requests.map((item) => `${item.method} ${item.path}`)).toEqual(Array(20).fill('GET /apis/networking.k8s.io/v1/ingresses'));
      expect(fake.requests.map((item) => item.query.limit)).toEqual(Array(20).fill('500'));
      expect(fake.requests.slice(1).every((item) => item.query.continue !== undefined)).toBe(true);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it('exits 2 naming the missing verb when RBAC refuses the list (403)', async () => {
    const fake = await startFakeKube();
    try {
      fake.failNext('GET', /^\/apis\/networking\.k8s\.io\/v1\/ingresses$/, 403);
      const gateway = await closedGateway();
      const result = await meshgate(['parity', '--from-cluster', '--kubeconfig', await writeKubeconfig(scratch.dir, fake.url), '--reference', gateway, '--candidate', gateway]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/403.*may not list ingresses\.networking\.k8s\.io in every namespace \(inventory and parity need the verb list on ingresses cluster-wide/);
      expect(fake.requests.every((item) => item.method === 'GET')).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

describe('meshgate parity with a gateway that stops answering', () => {
  it('exits 2 naming the hosts not compared, its report and metrics say error, and no output holds the Pushgateway password', async () => {
    // Accepts (the start-up check passes) and closes every connection at once: no probe gets an answer.
    const server = createServer((socket) => socket.destroy());
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const hosts = join(scratch.dir, 'hosts.txt');
      await writeFile(hosts, 'a.cloud.example.test\nb.cloud.example.test\n');
      const reports = join(scratch.dir, 'silent');
      const gateway = `127.0.0.1:${port}:${port}`;
      // A Pushgateway with credentials that is down too: its password reaches no output.
      const pushgateway = `http://meshgate:pgpass5Z8qXx@127.0.0.1:${await freePort()}`;
      const metricsFile = join(reports, 'metrics.txt');
      const result = await meshgate(['parity', '--hosts', hosts, '--reference', gateway, '--candidate', gateway, '--retries', '0', '--reports', reports, '--run-id', 'parity-silent', '--json', '--pushgateway', pushgateway, '--metrics-out', metricsFile]);
      expect(result.exitCode).toBe(2);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'E_ENVIRONMENT' } });
      expect(result.stderr).toMatch(/a\.cloud\.example\.test: the reference gateway answered none of its probes \(error ECONNRESET/);
      const document = await readDocument(reports, 'parity-silent');
      expect(document).toMatchObject({ verdict: 'error', counts: { same: 0, unreachable: 2 } });
      const html = await readFile(join(reports, 'parity-silent', 'parity.html'), 'utf8');
      expect(html).toContain('meshgate parity: ERROR');
      expect(html).not.toContain('PASS');
      expect(await readFile(metricsFile, 'utf8')).toContain('meshgate_parity_verdict{command="parity",run_id="parity-silent",verdict="error"} 1');
      expect(result.stderr).toMatch(/warning: metrics not pushed/);
      const outputs = [result.stdout, result.stderr, html, await readFile(metricsFile, 'utf8'), JSON.stringify(document)];
      for (const output of outputs) expect(output).not.toContain('pgpass5Z8qXx');
      // Resuming from a state file probes the hosts not compared again, rather than carrying them over.
      const state = join(scratch.dir, 'silent-state.jsonl');
      const again = (runId: string) => meshgate(['parity', '--hosts', hosts, '--reference', gateway, '--candidate', gateway, '--retries', '0', '--reports', reports, '--run-id', runId, '--state', state]);
      expect((await again('parity-silent-1')).exitCode).toBe(2);
      expect((await again('parity-silent-2')).exitCode).toBe(2);
      expect(await readDocument(reports, 'parity-silent-2')).toMatchObject({ resumed: 0, counts: { unreachable: 2 } });
    } finally {
      server.close();
    }
  });
});

describe('meshgate parity with gateways that hang', () => {
  it('two silent gateways are not the same: exit 2, the host not compared', async () => {
    // Accepts and never answers: every probe runs into its timeout.
    const held: Socket[] = [];
    const server = createServer((socket) => void held.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const hosts = join(scratch.dir, 'one-host.txt');
      await writeFile(hosts, 'a.cloud.example.test\n');
      const reports = join(scratch.dir, 'hanging');
      const gateway = `127.0.0.1:${port}:${port}`;
      const result = await meshgate(['parity', '--hosts', hosts, '--reference', gateway, '--candidate', gateway, '--timeout', '1', '--retries', '0', '--rate', '100', '--reports', reports, '--run-id', 'parity-hang']);
      expect(result.exitCode, result.stderr).toBe(2);
      const document = await readDocument(reports, 'parity-hang');
      expect(document).toMatchObject({ verdict: 'error', counts: { same: 0, unreachable: 1 } });
      expect(document.hosts[0]!.reason).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
    } finally {
      for (const socket of held) socket.destroy();
      server.close();
    }
  }, 60_000);
});

describe('meshgate parity interrupted', () => {
  it('SIGINT mid-run: exit 2 within 5 s, and the report says interrupted, not pass', async () => {
    // Every connection closed at once: probes are quick, the rate (2/s) keeps the run long.
    const server = createServer((socket) => socket.destroy());
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const hosts = join(scratch.dir, 'many-hosts.txt');
      await writeFile(hosts, Array.from({ length: 100 }, (_, i) => `h${i}.cloud.example.test`).join('\n'));
      const reports = join(scratch.dir, 'interrupted');
      const gateway = `127.0.0.1:${port}:${port}`;
      const child = execa(process.execPath, [meshgateBin, 'parity', '--hosts', hosts, '--reference', gateway, '--candidate', gateway, '--rate', '2', '--timeout', '1', '--reports', reports, '--run-id', 'parity-int', '--json'], { reject: false, timeout: 60_000 });
      let stderr = '';
      const seen = await new Promise<boolean>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('meshgate: comparing 100 hosts')) resolve(true);
        });
        void child.then(() => resolve(false));
      });
      expect(seen, stderr).toBe(true);
      const signalled = Date.now();
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, result.stderr).toBe(2);
      expect(Date.now() - signalled).toBeLessThan(5_000);
      expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 2, error: { code: 'E_INTERRUPTED' } });
      const document = await readDocument(reports, 'parity-int');
      expect(document.verdict).toBe('interrupted');
      expect(document.hosts.length).toBeLessThan(100);
      expect(await readFile(join(reports, 'parity-int', 'parity.html'), 'utf8')).toContain('meshgate parity: INTERRUPTED');
    } finally {
      server.close();
    }
  }, 60_000);
});
