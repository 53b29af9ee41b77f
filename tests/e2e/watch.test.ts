import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ResultPromise, execa } from 'execa';
import { type TestContext, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../notify/webhook-receiver.ts';
import { freePort } from '../../harness/net/ports.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { servedApps } from '../../harness/scenario/resolve.ts';
import { readTarget } from '../../harness/target.ts';
import { nginxBinary } from '../../harness/environments/local/nginx-process.ts';
import { upstreamName } from '../../harness/environments/local/nginx-config.ts';
import { waitUntil } from '../../harness/wait.ts';
import { DelayHop } from '../../scripts/delay-hop.ts';
import { meshgate, meshgateBin, runMeshgate, scratchDir, startLocal } from './meshgate-cli.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let healthy: Awaited<ReturnType<typeof startLocal>>;
let failing: Awaited<ReturnType<typeof startLocal>>;
let slowHost: Awaited<ReturnType<typeof startLocal>>;
let hop: DelayHop | undefined;
/** The app whose answers the delay hop holds 700 ms in `slowHost`. */
const slowApp = 'ns-k8x2m9qa/hello-web';

// Unpinned: every local environment pins its gateway to core 0 (harness/process/cpu-pinning.ts), so on a
// shared machine that core is the busiest, and watch judges latency against a 1 s ceiling. There is no load
// generator here to keep apart from the gateway; a gateway starved on core 0 is the machine's stall, not the test's.
const unpinned = { pinCpus: false };

beforeAll(async () => {
  scratch = await scratchDir();
  healthy = await startLocal(scratch.dir, unpinned);
  const brokenDir = join(scratch.dir, 'broken');
  await mkdir(brokenDir);
  failing = await startLocal(brokenDir, { faults: { errorRate: 1 } });
  slowHost = await startSlowHost(join(scratch.dir, 'slow'));
});
afterAll(async () => {
  await healthy?.environment.stop();
  await failing?.environment.stop();
  await slowHost?.environment.stop();
  await hop?.close();
  await scratch?.remove();
});

/** The local environment with one app's answers held 700 ms by a delay hop between nginx and its backend (loopback). */
async function startSlowHost(dir: string): Promise<Awaited<ReturnType<typeof startLocal>>> {
  await mkdir(dir);
  const started = await DelayHop.start();
  hop = started.hop;
  hop.delayUs = 700_000;
  const app = (await loadScenario()).resolved.apps.find((candidate) => candidate.id === slowApp);
  if (!app) throw new Error(`no app ${slowApp} in the default scenario`);
  const upstream = upstreamName(app);
  const configHook = (config: string) => {
    const server = new RegExp(`(upstream ${upstream} \\{ server 127\\.0\\.0\\.1:)(\\d+)`).exec(config);
    if (!server) throw new Error(`no upstream ${upstream} in the rendered nginx.conf`);
    started.hop.backendPort = Number(server[2]);
    return config.replace(server[0], `${server[1]}${started.port}`);
  };
  return startLocal(dir, { ...unpinned, configHook });
}

/** The local gateway's nginx: its prefix, master pid and worker pids. */
async function localNginx(targetFile: string): Promise<{ prefix: string; master: number; workers: number[] }> {
  const { caFile } = JSON.parse(await readFile(targetFile, 'utf8')) as { caFile: string };
  const prefix = dirname(caFile);
  const master = Number((await readFile(join(prefix, 'nginx.pid'), 'utf8')).trim());
  const workers = (await execa('pgrep', ['-P', String(master)])).stdout.split('\n').map(Number);
  return { prefix, master, workers };
}

/** Starts `watch` and resolves once it has completed exchanges (its first status line), so what follows happens under traffic. (Wrapped: awaiting the child itself would wait for its end.) */
async function startWatch(args: string[]): Promise<{ child: ResultPromise<{ reject: false; timeout: number }> }> {
  const child = execa(process.execPath, [meshgateBin, 'watch', '--status-every', '500ms', ...args], { reject: false, timeout: 120_000 });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/ \d+ exchanges, /.test(stderr)) resolve();
    });
    child.then(() => reject(new Error(`watch ended before its first status line: ${stderr}`)), reject);
  });
  return { child };
}

/** Resolves when the child writes `text` on stderr (a progress wait, bounded by the child's own timeout). */
function stderrShows(child: ResultPromise<{ reject: false; timeout: number }>, text: string): Promise<void> {
  return new Promise((resolve) => child.stderr?.on('data', (chunk: Buffer) => chunk.toString().includes(text) && resolve()));
}

/** A healthy environment of the test's own, for a test that stops, reloads or kills its nginx, stopped when the test ends. */
async function ownHealthy(name: string, onTestFinished: TestContext['onTestFinished']): Promise<Awaited<ReturnType<typeof startLocal>>> {
  const dir = join(scratch.dir, name);
  await mkdir(dir);
  const started = await startLocal(dir, unpinned);
  onTestFinished(() => started.environment.stop());
  return started;
}

// Side by side: each test watches a gateway no other test disturbs (those that stop, reload or kill nginx start their own).
describe.concurrent('meshgate watch', { timeout: 240_000 }, () => {
  // First: the longest (about 25 s), so the others run beside it.
  it('a host whose answers take 700 ms fails on the p95 budget, named, with no event', async () => {
    const target = await readTarget(slowHost.targetFile);
    const host = servedApps(target.resolved).find((app) => app.id === slowApp)!.host;
    // 20 answers at least make a p95: at 0.7 s + 0.2 s a round, the slow host has them after about 18 s.
    // A stall is an answer slower than --max-latency: raised so that only the p95 budget (500 ms) judges the 700 ms host.
    const result = await runMeshgate(['watch', '--target', slowHost.targetFile, '--duration', '25s', '--max-latency', '5s', '--reports', scratch.dir, '--json']);
    expect(result.exitCode, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.events).toEqual([]);
    expect(summary.p95Breaches.map((breach: { host: string }) => breach.host)).toEqual([host]);
    expect(summary.p95Breaches[0].p95Ms).toBeGreaterThanOrEqual(700);
    expect(result.stderr).toContain(`p95 over the 500 ms budget on ${host} (${slowApp}, https): `);
  });

  it('passes while every served app of every protocol answers from its own backend, and writes its report', async () => {
    // Latency is judged by the stall and p95 tests; here a busy machine's slow first handshakes must not count.
    const result = await runMeshgate(['watch', '--target', healthy.targetFile, '--duration', '3s', '--max-latency', '5s', '--p95-budget', '5s', '--status-every', '500ms', '--reports', scratch.dir, '--run-id', 'watch-ok', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const target = await readTarget(healthy.targetFile);
    const served = servedApps(target.resolved);
    expect(Object.keys(summary.byApp).sort()).toEqual(served.map((app) => app.id).sort());
    expect(new Set(Object.values(summary.byApp).map((tally: any) => tally.protocol))).toEqual(new Set(['https', 'wss', 'grpc']));
    for (const tally of Object.values(summary.byApp) as Array<{ requests: number }>) expect(tally.requests).toBeGreaterThanOrEqual(1);
    expect(summary.failures).toBe(0);
    expect(result.stderr).toContain(`watching ${served.length} served apps`);
    // A rolling line (not a line per app per round) in a log without a terminal.
    expect(result.stderr.split('\n').filter((line) => / exchanges, 0 failed \(0 distinct\)/.test(line)).length).toBeGreaterThanOrEqual(1);
    expect(result.stderr.split('\n').length).toBeLessThan(20);
    const csv = (await readFile(join(scratch.dir, 'watch-ok', 'watch.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('timestamp,host,app,protocol,requests,failures,success_rate,p50_latency_ms,p95_latency_ms,max_latency_ms');
    expect(new Set(csv.slice(1).map((line) => line.split(',')[1]))).toEqual(new Set(served.map((app) => app.host)));
    const html = await readFile(join(scratch.dir, 'watch-ok', 'watch.html'), 'utf8');
    expect(html).toContain('meshgate watch: PASS</h1>');
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('names each failure once (status, gRPC code) with time, host and protocol, and fails the gate', async () => {
    const result = await runMeshgate(['watch', '--target', failing.targetFile, '--duration', '1500ms', '--reports', scratch.dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/✗ \d{4}-\d\d-\d\dT[\d:.]+Z pqxtwzmbavke\.cloud\.sealos\.test \(ns-k8x2m9qa\/hello-web, https\): status 500 \(expected 200\)/);
    expect(result.stderr).toMatch(/rmvcdkwqzjha\.cloud\.sealos\.test \(ns-k8x2m9qa\/echo-grpc, grpc\): gRPC \d+ [A-Z_]+/);
    expect(result.stderr.match(/pqxtwzmbavke\.cloud\.sealos\.test \(/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/FAIL: \d+ requests, \d+ failed \(\d+ distinct\)/);
  });

  it('a gateway that does not accept connections is exit 2 naming the address, with one JSON document', async () => {
    const target = JSON.parse(await readFile(healthy.targetFile, 'utf8'));
    const closed = await freePort();
    target.gateway = { ...target.gateway, httpPort: closed, httpsPort: closed };
    const file = join(scratch.dir, 'closed-target.json');
    await writeFile(file, JSON.stringify(target));
    const result = await runMeshgate(['watch', '--target', file, '--duration', '2s', '--json'], { MESHGATE_TIMEOUT_GATEWAY_REACHABLE_MS: '1000' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`127.0.0.1:${closed}`);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'E_WAIT_TIMEOUT' } });
  });

  it('marks the switch on SIGUSR2, stops on SIGINT and gates on the traffic it saw', async () => {
    const { child } = await startWatch(['--target', healthy.targetFile, '--duration', '10m', '--max-latency', '5s', '--p95-budget', '5s', '--reports', scratch.dir]);
    const marked = stderrShows(child, 'switch marked');
    child.kill('SIGUSR2');
    await marked;
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/PASS: \d+ requests, 0 failed/);
    expect(result.stderr).toMatch(/▶ switch marked at [\d-]+T[\d:.]+Z \(SIGUSR2\)/);
  });

  it('posts its verdict to --notify-webhook, and a refusing receiver leaves the exit code as it was', async () => {
    const receiver = await startReceiver(404);
    try {
      const result = await runMeshgate(['watch', '--target', failing.targetFile, '--duration', '1s', '--notify-webhook', receiver.url]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/not delivered: refused with HTTP 404; the verdict stands/);
      expect(receiver.bodies).toEqual([{ text: expect.stringMatching(/^\*meshgate watch: FAIL \(exit 1\)\*\n• run \S+\n• \d+ requests, \d+ failed[\s\S]*• report folder: \S+$/) }]);
    } finally {
      await receiver.close();
    }
  });

  it('a gateway frozen for 3 s (nginx master and workers stopped) fails with one stall event naming every host, shown as it happens', async ({ onTestFinished }) => {
    const frozen = await ownHealthy('frozen', onTestFinished);
    const served = servedApps((await readTarget(frozen.targetFile)).resolved).map((app) => app.host);
    const { child: watch } = await startWatch(['--target', frozen.targetFile, '--duration', '10s', '--reports', scratch.dir, '--run-id', 'watch-freeze', '--json']);
    const { master, workers } = await localNginx(frozen.targetFile);
    const frozenAt = Date.now();
    try {
      process.kill(master, 'SIGSTOP');
      for (const worker of workers) process.kill(worker, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    } finally {
      for (const pid of [master, ...workers]) process.kill(pid, 'SIGCONT');
    }
    const result = await watch;
    expect(result.exitCode, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.events).toHaveLength(1);
    const [event] = summary.events;
    expect(event).toMatchObject({ kind: 'stall', hosts: [...served].sort(), seen: { slow: expect.any(Number) } });
    expect(Object.keys(event.seen)).toEqual(['slow']);
    // It began before the freeze (an exchange already in flight) and ended after it; the upper bound only catches a hang.
    expect(event.start).toBeGreaterThan(frozenAt - 2_000);
    expect(event.durationMs).toBeGreaterThanOrEqual(2_500);
    expect(event.durationMs).toBeLessThan(8_000);
    expect(result.stderr).toMatch(/⚠ stall started at [\d-]+T[\d:.]+Z: \d+ of \d+ hosts failing or slow/);
    expect(result.stderr).toMatch(/FAIL: .*, 1 event, /);
    expect(result.stderr).toContain(`s: ${served.length} of ${served.length} hosts`);
    expect(result.stderr).toMatch(/ - stall at [\d:.]+ for \d+\.\d s: /);
    const html = await readFile(join(scratch.dir, 'watch-freeze', 'watch.html'), 'utf8');
    expect(html).toContain('<h2>Events (1)</h2>');
  });

  it('a reload (nginx -s reload) marked as the switch passes with no event; the report compares before and after and counts the held WebSocket', async ({ onTestFinished }) => {
    const reloaded = await ownHealthy('reloaded', onTestFinished);
    const markFile = join(scratch.dir, 'switched');
    const { child: watch } = await startWatch(['--target', reloaded.targetFile, '--duration', '8s', '--max-latency', '5s', '--p95-budget', '5s', '--mark-file', markFile, '--mark-window', '3s', '--reports', scratch.dir, '--run-id', 'watch-reload', '--json']);
    const { prefix, master, workers } = await localNginx(reloaded.targetFile);
    await writeFile(markFile, '');
    await execa(nginxBinary, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'logs', 'error.log'), '-s', 'reload']);
    // The reload really happened under traffic: new workers replaced the old ones.
    await waitUntil('nginx to start new workers after the reload', `pid ${master}`, { timeouts: defaultTimeouts, name: 'nginxReloadMs' }, async () => {
      const now = (await localNginx(reloaded.targetFile)).workers;
      if (now.every((pid) => workers.includes(pid))) throw new Error(`workers still ${now.join(', ')}`);
    });
    const result = await watch;
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ events: [], p95Breaches: [], failures: 0 });
    expect(result.stderr).toMatch(/▶ switch marked at [\d-]+T[\d:.]+Z \(.*switched\)/);
    expect(summary.marks).toHaveLength(1);
    const [mark] = summary.marks;
    expect(mark.protocols.map((protocol: { protocol: string }) => protocol.protocol)).toEqual(['grpc', 'https', 'wss']);
    for (const protocol of mark.protocols) {
      expect(protocol.before.answers).toBeGreaterThan(0);
      expect(protocol.after.answers).toBeGreaterThan(0);
      expect(protocol).toMatchObject({ failuresAround: 0, budgetSpent: 0 });
    }
    // nginx keeps a graceful worker's upgraded connections until worker_shutdown_timeout: the WebSocket survives.
    expect(mark.websockets).toEqual({ held: 1, survived: 1, reconnectMs: [] });
    const html = await readFile(join(scratch.dir, 'watch-reload', 'watch.html'), 'utf8');
    expect(html).toContain('No event');
    expect(html).toMatch(/WebSocket connections held across the switch: 1 open at the mark, 1 survived/);
  });

  it('a worker killed at the switch drops the held WebSocket: the report counts it as not surviving, with its reconnect', async ({ onTestFinished }) => {
    const killed = await ownHealthy('killed', onTestFinished);
    const { child: watch } = await startWatch(['--target', killed.targetFile, '--duration', '6s', '--mark-window', '3s', '--reports', scratch.dir, '--json']);
    const { master, workers } = await localNginx(killed.targetFile);
    const marked = stderrShows(watch, 'switch marked');
    watch.kill('SIGUSR2');
    await marked;
    // The master starts a new worker; connections the killed one held are gone.
    for (const worker of workers) process.kill(worker, 'SIGKILL');
    await waitUntil('nginx to replace its killed worker', `pid ${master}`, { timeouts: defaultTimeouts, name: 'nginxReloadMs' }, async () => {
      const now = (await localNginx(killed.targetFile)).workers;
      if (now.length === 0 || now.some((pid) => workers.includes(pid))) throw new Error(`workers ${now.join(', ')}`);
    });
    const result = await watch;
    const [mark] = JSON.parse(result.stdout).marks;
    expect(mark.websockets).toMatchObject({ held: 1, survived: 0, reconnectMs: [expect.any(Number)] });
    expect(mark.websockets.reconnectMs[0]).toBeLessThan(5_000);
    expect(result.stderr).toMatch(/zqbnhyvtlfew\.cloud\.sealos\.test: held WebSocket ended \(closed 1006\); reconnecting/);
  });

  it('refuses bad latency budgets and a mark file in no folder', async () => {
    for (const [args, message] of [
      [['--max-latency', 'soon'], 'not a duration: soon'],
      [['--p95-budget', '2m'], 'not a latency budget: 2m'],
      [['--p95-budget', '2s'], '--p95-budget 2000 ms is above --max-latency 1000 ms'],
      [['--mark-file', '/nonexistent-meshgate/switched'], 'no folder /nonexistent-meshgate to watch it in'],
    ] as const) {
      const result = await meshgate(['watch', '--target', healthy.targetFile, ...args]);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('refuses a bad duration', async () => {
    const result = await meshgate(['watch', '--target', healthy.targetFile, '--duration', 'forever']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('not a duration: forever');
  });
});
