import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';
import { meshgate, scratchDir, startLocal, withEnv } from './meshgate-cli.ts';

// The CLI's entry function in this process: each run resolves its timeouts anew
// (defaults < MESHGATE_TIMEOUT_* < --timeouts), so `withEnv` reaches it.

describe('timeouts from the command line', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let environment: StartedEnvironment;
  let targetFile: string;
  beforeAll(async () => {
    scratch = await scratchDir();
    ({ environment, targetFile } = await startLocal(scratch.dir));
  });
  afterAll(async () => {
    await environment?.stop();
    await scratch?.remove();
  });

  it('a malformed --timeouts value exits 2 naming the flag, before anything starts', async () => {
    const result = await meshgate(['run', '--target', targetFile, '--timeouts', 'convergenceMs=soon', '--reports', scratch.dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--timeouts convergenceMs=soon: expected milliseconds from 1 to 3600000');
    const unknown = await meshgate(['validate', '--timeouts', 'convergence=30000']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--timeouts convergence=30000: no such timeout \(one of fixtureReadyMs, .*webhookMs\)/);
  });

  it('a malformed MESHGATE_TIMEOUT_* variable exits 2 naming the variable, whatever the command', async () => {
    for (const args of [['doctor'], ['run', '--target', targetFile, '--timeouts', 'convergenceMs=1000']]) {
      const result = await withEnv({ MESHGATE_TIMEOUT_REQUEST_MS: '5s' }, () => meshgate(args));
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('MESHGATE_TIMEOUT_REQUEST_MS=5s: expected milliseconds');
    }
  });

  it('a flag wins over the variable, the variable over the default; the cases get them and the report records them', async () => {
    // Without the gateway's configuration the quick profile skips this case, with the hold (the gateway default read
    // timeout and 2 s) in its reason: the reason is worded in the case runtime, so it shows what reached it. A default
    // of 310 s also leaves only the apps reading longer (3600 s, 86400 s) as its subjects.
    const target = JSON.parse(await readFile(targetFile, 'utf8'));
    delete target.gateway.configFile;
    const unconfigured = join(scratch.dir, 'no-config.json');
    await writeFile(unconfigured, JSON.stringify(target));
    const env = { MESHGATE_TIMEOUT_GATEWAY_DEFAULT_READ_MS: '3000', MESHGATE_TIMEOUT_CANCEL_GRACE_MS: '2500' };
    const args = ['run', 'protocols', '--case', '^websocket-idle-beyond-default-timeout$', '--profile', 'quick', '--target', unconfigured];
    const flags = ['--timeouts', 'gatewayDefaultReadMs=310000', '--timeouts', 'convergenceMs=4321', '--reports', scratch.dir, '--run-id', 'timeouts-flag', '--json'];
    await withEnv(env, () => meshgate([...args, ...flags]));
    const report = JSON.parse(await readFile(join(scratch.dir, 'timeouts-flag', 'results.json'), 'utf8'));
    expect(report.options.timeouts).toEqual({ ...defaultTimeouts, gatewayDefaultReadMs: 310_000, convergenceMs: 4_321, cancelGraceMs: 2_500 });
    const cases: Array<{ subject: string; result: string; reason: string }> = report.cases;
    expect(cases.map((record) => `${record.subject} ${record.result}`).sort()).toEqual(['ns-k8x2m9qa/chat-ws SKIPPED', 'ns-k8x2m9qa/terminal SKIPPED']);
    for (const record of cases) expect(record.reason).toMatch(/^the quick profile holds no WebSocket for 312 s /);
  });
});
