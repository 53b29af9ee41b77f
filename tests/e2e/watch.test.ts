import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../notify/webhook-receiver.ts';
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

describe('meshgate watch', () => {
  it('passes while every host answers from its own backend', async () => {
    const result = await runMeshgate(['watch', '--target', healthy.targetFile, '--duration', '2s', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.requests).toBeGreaterThanOrEqual(2 * 9);
    expect(summary.failures).toBe(0);
    expect(Object.keys(summary.byApp)).toContain('ns-k8x2m9qa/echo-grpc');
  });

  it('reports every failed request with time, host and protocol, and fails the gate', async () => {
    const result = await runMeshgate(['watch', '--target', failing.targetFile, '--duration', '1s']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/✗ \d{4}-\d\d-\d\dT[\d:.]+Z pqxtwzmbavke\.cloud\.sealos\.test \(ns-k8x2m9qa\/hello-web, https\): status 500/);
    expect(result.stderr).toMatch(/rmvcdkwqzjha\.cloud\.sealos\.test \(ns-k8x2m9qa\/echo-grpc, grpc\)/);
  });

  it('stops on SIGINT and gates on the traffic it saw', async () => {
    const child = execa(process.execPath, [meshgateBin, 'watch', '--target', healthy.targetFile, '--duration', '10m'], { reject: false, timeout: 60_000 });
    await new Promise<void>((resolve) => child.stderr?.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/PASS: \d+ requests, 0 failed/);
  });

  it('posts its verdict to --notify-webhook, and a refusing receiver leaves the exit code as it was', async () => {
    const receiver = await startReceiver(503);
    try {
      const result = await runMeshgate(['watch', '--target', failing.targetFile, '--duration', '1s', '--notify-webhook', receiver.url]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/refused \(HTTP 503\); the verdict stands/);
      expect(receiver.bodies).toEqual([{ text: expect.stringMatching(/^\*meshgate watch: FAIL \(exit 1\)\*\n• \d+ requests, \d+ failed/) }]);
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
