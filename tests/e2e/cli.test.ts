import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakConfig, meshgate, meshgateBin, processesMentioning, runMeshgate, scratchDir, startLocal } from './meshgate-cli.ts';

// Every test runs beside the others (the project's maxConcurrency): each starts its own
// environment or none. True end-to-end runs spawn the CLI (`runMeshgate`): a clean validate, up/run/down, and
// what needs the CLI's own environment. Input checks and runs whose process does not
// matter call its entry function in this process (`meshgate`).

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

describe.concurrent('meshgate validate on the embedded local environment', () => {
  it('exits 0 with every case PASSED or NOT_SUPPORTED and writes the three reports', async () => {
    const result = await runMeshgate(['validate', '--reports', scratch.dir, '--run-id', 'e2e-clean', '--json'], {}, 170_000);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(scratch.dir, 'e2e-clean', 'results.json'), 'utf8'));
    expect(report.status).toBe('completed');
    expect(report.gate.verdict).toBe('pass');
    const suites = new Set(report.cases.map((record: { suite: string }) => record.suite));
    expect([...suites].sort()).toEqual(['cors', 'multi-tenant', 'performance', 'protocols', 'ssl']);
    for (const record of report.cases) expect(['PASSED', 'NOT_SUPPORTED'], record.key).toContain(record.result);
    expect(await readdir(join(scratch.dir, 'e2e-clean'))).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'summary.md']));
    expect(await processesMentioning('e2e-clean')).toBe('');
  }, 180_000);

  it('runs a single case selected by id', async () => {
    const result = await meshgate(['validate', 'cors', '--case', '^no-policy-no-cors-headers', '--reports', scratch.dir, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.counts.PASSED).toBeGreaterThan(0);
    expect(result.stderr).not.toContain('preflight-allowed-origin');
    expect(result.stderr).not.toContain('JUNIT report written');
  });
});

describe.concurrent('bad input exits 2 with a message naming what is wrong', () => {
  let taken: Server;
  let takenPort: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('a malformed scenario: the file and the field path', async () => {
    const file = join(scratch.dir, 'bad-scenario.yaml');
    await writeFile(file, 'version: 1\nname: x\ndomain: cloud.test\ntenants:\n  - user: alice\n    apps:\n      - { name: web, kind: mainframe, host: abcdefghijkl }\n');
    const result = await meshgate(['validate', '--scenario', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('tenants[0].apps[0].kind');
  });

  it('an unknown suite name: the name and the suites that exist', async () => {
    const result = await meshgate(['validate', 'nosuch']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown suite nosuch; available: cors, multi-tenant, performance, protocols, ssl/);
  });

  it('an unreachable target: the address it could not reach', async () => {
    const { targetFile, environment } = await startLocal(scratch.dir);
    const { httpPort } = environment.target().gateway;
    await environment.stop();
    const result = await runMeshgate(['run', '--target', targetFile, 'multi-tenant', '--reports', scratch.dir, '--run-id', 'e2e-unreachable', '--json'], { MESHGATE_TIMEOUT_GATEWAY_REACHABLE_MS: '500' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`127.0.0.1:${httpPort}`);
    expect(result.stderr).toMatch(/timed out after 500 ms waiting for the gateway/);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'E_WAIT_TIMEOUT' } });
    expect(await readFile(join(scratch.dir, 'e2e-unreachable', 'junit.xml'), 'utf8')).toMatch(/<error message="timed out after 500 ms waiting for the gateway[^"]*" type="E_WAIT_TIMEOUT">/);
  });

  it('a port already taken: the address and the flag', async () => {
    // Checked before any process starts: a fixture start would time out at once instead.
    const result = await meshgate(['validate', '--http-port', String(takenPort), 'multi-tenant']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`127.0.0.1:${takenPort} (--http-port) is already in use`);
  });

  it.each([
    { args: ['--env', 'existing', '--mode', 'dual', '--fixture-image', 'r.example/echo:1'], message: '--env existing --mode dual needs --istio-gateway ADDRESS[:HTTP:HTTPS]' },
    { args: ['--env', 'existing', '--istio-gateway', '127.0.0.9'], message: '--env existing needs --fixture-image' },
    { args: ['--env', 'existing', '--istio-gateway', '127.0.0.9:80'], message: 'not a gateway endpoint: 127.0.0.9:80' },
    { args: ['--env', 'k3s', '--keep'], message: '--env k3s cannot --reuse or --keep' },
    { args: ['--env', 'kind', '--mode', 'mesh'], message: "argument 'mesh' is invalid" },
  ])('cluster flags that contradict each other: $message', async ({ args, message }) => {
    const result = await meshgate(['validate', ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('--env kind without kind on the machine: exit 2 naming the missing tool, nothing left behind', async () => {
    const tmp = await scratchDir();
    try {
      const result = await runMeshgate(['validate', '--env', 'kind', '--reports', tmp.dir], { TMPDIR: tmp.dir, PATH: '/usr/bin:/bin' });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/kind create cluster .*: kind not found \(meshgate doctor --env kind says what to install\)/);
      expect((await readdir(tmp.dir)).filter((entry) => entry.startsWith('meshgate-'))).toEqual([]);
    } finally {
      await tmp.remove();
    }
  });

  it('a malformed flag and a malformed timeout override', async () => {
    expect((await meshgate(['validate', '--http-port', '0x50'])).exitCode).toBe(2);
    const result = await runMeshgate(['doctor'], { MESHGATE_TIMEOUT_CONVERGENCE_MS: 'soon' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('MESHGATE_TIMEOUT_CONVERGENCE_MS=soon');
  });
});

describe.concurrent('up, run, down', () => {
  it('up leaves an environment running for run, and down stops all of it', async ({ onTestFinished }) => {
    const targetFile = join(scratch.dir, 'up', 'target.json');
    // A failed check must not leave the environment up for the next run (down is idempotent).
    onTestFinished(async () => void (await runMeshgate(['down', '--target', targetFile])));
    const up = await runMeshgate(['up', '--target', targetFile, '--run-id', 'e2e-up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout.trim()).toBe(targetFile);
    const target = JSON.parse(await readFile(targetFile, 'utf8'));
    expect(JSON.stringify(target)).not.toMatch(/PRIVATE KEY/);
    // Three cases that each take all 8 slots: started together, they run one after another. Their durations
    // add up to no more than the run only when the wait for slots is not counted.
    const heavy = '^(websocket-100-concurrent|stalled-backend)';
    const run = await runMeshgate(['run', '--target', targetFile, '--reports', scratch.dir, '--run-id', 'e2e-heavy', '--concurrency', '8', 'protocols', '--case', heavy, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(scratch.dir, 'e2e-heavy', 'results.json'), 'utf8'));
    expect(report.cases).toHaveLength(3);
    const caseTime = report.cases.reduce((sum: number, record: { durationMs: number }) => sum + record.durationMs, 0);
    expect(caseTime).toBeLessThanOrEqual(Date.parse(report.finishedAt) - Date.parse(report.startedAt));
    const down = await runMeshgate(['down', '--target', targetFile]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(() => process.kill(target.ownerPid, 0)).toThrow();
    expect(await processesMentioning('e2e-up')).toBe('');
    await expect(readFile(targetFile)).rejects.toThrow();
    await expect(readFile(`${targetFile}.log`)).rejects.toThrow();
    const again = await runMeshgate(['down', '--target', targetFile]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`nothing is up (no ${targetFile})`);
  });
});

describe.concurrent('baselines', () => {
  it('a baseline saved from a clean run passes a clean run and catches a regression; a corrupt one exits 2 before anything starts', async () => {
    const recorded = await meshgate(['validate', 'multi-tenant', '--run-id', 'e2e-base', '--reports', scratch.dir]);
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    const baselineFile = join(scratch.dir, 'baseline.json');
    const saved = await meshgate(['baseline', 'save', 'e2e-base', '--reports', scratch.dir, '--out', baselineFile]);
    expect(saved.exitCode, saved.stderr).toBe(0);
    expect((await meshgate(['baseline', 'save', 'e2e-base', '--reports', scratch.dir, '--out', baselineFile])).exitCode).toBe(2);

    const clean = await meshgate(['validate', 'multi-tenant', '--baseline', baselineFile, '--reports', scratch.dir, '--json']);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout).notes).toEqual([]);

    const broken = await startLocal(scratch.dir, {
      configHook: breakConfig(/location \/ \{ ([^{}]*)return 404; \}/, 'location / { $1proxy_pass http://ns-c9w3e5ty_api_http; }'),
    });
    try {
      // Failing cases wait out the convergence window: 2 s instead of 15.
      const regressed = await meshgate(['run', '--target', broken.targetFile, '--baseline', baselineFile, '--timeouts', 'convergenceMs=2000', '--reports', scratch.dir, '--json', 'multi-tenant']);
      expect(regressed.exitCode, regressed.stderr).toBe(1);
      // The default server now proxies, on both listeners: unknown hosts, bare IPs, no Host, and the paused and suspended hosts that fall to it reach a backend.
      const reasons: Array<{ subject: string; message: string }> = JSON.parse(regressed.stdout).reasons;
      expect(reasons.map((reason) => reason.subject).sort()).toEqual([
        'multi-tenant/bare-ip-reaches-no-tenant[127.0.0.1]',
        'multi-tenant/empty-host-reaches-no-tenant[no-host]',
        'multi-tenant/paused-or-suspended-serves-nothing-https[ns-r4n7v1pz/blog]',
        'multi-tenant/paused-or-suspended-serves-nothing-https[ns-s0u5p3nd/site]',
        'multi-tenant/paused-or-suspended-serves-nothing[ns-r4n7v1pz/blog]',
        'multi-tenant/paused-or-suspended-serves-nothing[ns-s0u5p3nd/site]',
        'multi-tenant/unknown-host-reaches-no-tenant-https[meshgate-unknown.cloud.sealos.test]',
        'multi-tenant/unknown-host-reaches-no-tenant[meshgate-unknown.cloud.sealos.test]',
      ]);
      for (const reason of reasons) expect(reason.message).toMatch(/^regressed \(passed in baseline e2e-base\)/);
    } finally {
      await broken.environment.stop();
    }

    const corrupt = join(scratch.dir, 'corrupt.json');
    await writeFile(corrupt, '{"kind":"meshgate-baseline",');
    const refused = await meshgate(['validate', '--baseline', corrupt]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${corrupt}: cannot read baseline`);
    expect(refused.stderr).not.toContain('starting local environment');
  });
});

describe.concurrent('help and doctor', () => {
  it('--help lists the commands and the exit codes', async () => {
    const result = await meshgate(['--help']);
    expect(result.exitCode).toBe(0);
    for (const command of ['validate', 'up', 'run', 'down', 'fixture', 'doctor']) expect(result.stdout).toContain(command);
    expect((await meshgate(['validate', '--help'])).stdout).toMatch(/Exit codes: 0 pass, 1/);
  });

  it('doctor reports nginx with its version, and says what to do when it is missing', async () => {
    const ok = await meshgate(['doctor', '--json']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).find((check: { name: string }) => check.name === 'nginx').version).toMatch(/^\d+\.\d+/);
    // hey has no version flag: the version comes from its package, never its path; without it, doctor says so.
    const hey = JSON.parse(ok.stdout).find((check: { name: string }) => check.name === 'hey');
    const heyInstalled = (await execa('sh', ['-c', 'command -v hey'], { reject: false })).exitCode === 0;
    expect(hey).toMatchObject({ ok: heyInstalled, version: heyInstalled ? expect.stringMatching(/^(\d\S* \(Debian package\)|present \(hey prints no version\))$/) : 'not found' });
    const missing = await runMeshgate(['doctor'], { MESHGATE_NGINX: '/nonexistent/nginx' });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/✗ nginx\s+not found — run \.\/scripts\/setup\.sh/);
  });

  it('doctor --env kind on a machine without a Docker engine or kind says exactly what is missing', async () => {
    // This machine kind has at most the docker client, never an engine, and no kind.
    const result = await meshgate(['doctor', '--env', 'kind', '--json']);
    expect(result.exitCode).toBe(2);
    const checks = JSON.parse(result.stdout) as Array<{ name: string; ok: boolean; required: boolean; version: string; advice: string }>;
    const docker = checks.find((check) => check.name === 'docker')!;
    expect(docker).toMatchObject({ ok: false, required: true });
    expect(docker.version).toMatch(/^(not found|client present, engine not reachable)/);
    expect(checks.find((check) => check.name === 'kind')).toMatchObject({ ok: false, required: true, version: 'not found' });
    expect(result.stderr).toMatch(/missing for --env kind: docker, kind/);
  });

  it('fixture runs one echo backend and prints its ready line', async () => {
    const child = execa(process.execPath, [meshgateBin, 'fixture', '--tenant', 'alice', '--namespace', 'ns-alice', '--app', 'web'], { reject: false, timeout: 30_000 });
    const line = await new Promise<string>((resolve) => child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(JSON.parse(line)).toMatchObject({ ready: true, identity: { namespace: 'ns-alice', app: 'web' } });
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });
});
