import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshgate, scratchDir } from './meshgate-cli.ts';

// Every check here ends before an environment starts: the CLI runs in this process.
let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

/** `suite case-id [subject]` lines of a --list. */
function listed(stdout: string): Array<{ suite: string; caseId: string; subject: string }> {
  return stdout.trim().split('\n').map((line) => {
    const [, suite, caseId, subject] = /^(\S+)\s+(\S+) \[(.*)\]$/.exec(line)!;
    return { suite: suite!, caseId: caseId!, subject: subject! };
  });
}

describe('--case and --list, before anything starts', () => {
  it('--list prints every case id and subject of the scenario, starting nothing', async () => {
    const result = await meshgate(['validate', '--list', '--reports', scratch.dir]);
    expect(result.exitCode, result.stderr).toBe(0);
    const cases = listed(result.stdout);
    expect(cases.length).toBeGreaterThan(200);
    expect(cases).toContainEqual({ suite: 'cors', caseId: 'preflight-allowed-origin', subject: 'ns-k8x2m9qa/terminal exact' });
    expect(result.stderr).not.toContain('starting the');
    expect(await readdir(scratch.dir)).toEqual([]);
    const json = await meshgate(['validate', 'ssl', '--list', '--json']);
    expect(JSON.parse(json.stdout)).toContainEqual({ suite: 'ssl', caseId: 'tlsv12-accepted', subject: 'ns-k8x2m9qa/hello-web' });
  });

  it('every --help example selects cases', async () => {
    const help = (await meshgate(['validate', '--help'])).stdout;
    const examples = help.split('\n').filter((line) => line.startsWith('  meshgate validate '));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      const args = example.trim().split(' ').slice(2).map((arg) => arg.replace(/^'(.*)'$/, '$1'));
      const result = await meshgate(['validate', ...args, ...(args.includes('--list') ? [] : ['--list'])]);
      expect(result.exitCode, `${example}: ${result.stderr}`).toBe(0);
      expect(listed(result.stdout).length, example).toBeGreaterThan(0);
    }
  });

  it('matches the case id ($ anchors it), or id[subject] when the pattern has a [', async () => {
    const exact = listed((await meshgate(['validate', '--case', '^websocket-echo-ws$', '--list'])).stdout);
    expect(new Set(exact.map((item) => item.caseId))).toEqual(new Set(['websocket-echo-ws']));
    const bySubject = listed((await meshgate(['validate', '--case', 'echo-wss\\[ns-k8x2m9qa/', '--list'])).stdout);
    expect(bySubject.length).toBeGreaterThan(0);
    for (const item of bySubject) expect(`${item.caseId}[${item.subject}]`).toMatch(/echo-wss\[ns-k8x2m9qa\//);
  });

  it.each([
    { pattern: '^cors-preflight', message: '--case "^cors-preflight" selects no case with something to check in cors, multi-tenant, performance, protocols, ssl' },
    { pattern: '(', message: '--case "(" is not a regular expression' },
  ])('--case $pattern: exit 2, the reason, one JSON document, no environment and no report', async ({ pattern, message }) => {
    const result = await meshgate(['validate', '--case', pattern, '--reports', scratch.dir, '--json']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('starting the');
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'E_USAGE' } });
    expect(await readdir(scratch.dir)).toEqual([]);
  });

  it('a command-line error with --json still prints one JSON document', async () => {
    const result = await meshgate(['validate', '--http-port', '0x50', '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'E_USAGE', message: 'not a TCP port: 0x50 (expected 1-65535)' } });
    const push = await meshgate(['validate', '--pushgateway', 'ftp://x', '--json']);
    expect(push.exitCode).toBe(2);
    expect(JSON.parse(push.stdout).error.message).toContain('not a Pushgateway URL: ftp://x');
    const webhook = await meshgate(['validate', '--notify-webhook', 'hooks.example/x', '--json']);
    expect(webhook.exitCode).toBe(2);
    // The value itself is masked: a mistyped webhook still carries its token.
    expect(JSON.parse(webhook.stdout).error.message).toContain('not a webhook URL: ***');
  });
});
