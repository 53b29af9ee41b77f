import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../notify/webhook-receiver.ts';
import { freePort } from '../../harness/net/ports.ts';
import { servedApps } from '../../harness/scenario/resolve.ts';
import { readTarget } from '../../harness/target.ts';
import { meshgateBin, runMeshgate, scratchDir, startLocal } from './meshgate-cli.ts';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let healthy: Awaited<ReturnType<typeof startLocal>>;
let failing: Awaited<ReturnType<typeof startLocal>>;

beforeAll(async () => {
  scratch = await scratchDir();
  healthy = await startLocal(scratch.dir);
  const brokenDir = join(scratch.dir, 'broken');
  await mkdir(brokenDir);
  failing = await startLocal(brokenDir, { faults: { errorRate: 1 } });
});
afterAll(async () => {
  await healthy?.environment.stop();
  await failing?.environment.stop();
  await scratch?.remove();
});

describe('meshgate watch', { timeout: 240_000 }, () => {
  it('passes while every served app of every protocol answers from its own backend, and writes its report', async () => {
    const result = await runMeshgate(['watch', '--target', healthy.targetFile, '--duration', '3s', '--status-every', '500ms', '--reports', scratch.dir, '--run-id', 'watch-ok', '--json']);
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

  it('stops on SIGINT and gates on the traffic it saw', async () => {
    const child = execa(process.execPath, [meshgateBin, 'watch', '--target', healthy.targetFile, '--duration', '10m', '--reports', scratch.dir], { reject: false, timeout: 60_000 });
    await new Promise<void>((resolve) => child.stderr?.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/PASS: \d+ requests, 0 failed/);
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

  it('refuses a bad duration', async () => {
    const result = await runMeshgate(['watch', '--target', healthy.targetFile, '--duration', 'forever']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('not a duration: forever');
  });
});
