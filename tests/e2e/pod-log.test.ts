import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshgateBin, scratchDir } from './meshgate-cli.ts';

// In a pod, `kubectl logs` shows stdout and stderr merged in the order they were written.
// The in-cluster gate reads its verdict back with `kubectl logs job/meshgate-gate | grep '^{'`
// (README): the document must be one line, and the last one, after the cleanup's progress.
let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch?.remove());

describe('--json in a merged log', () => {
  it('the JSON document is one line, the last one, after every progress line', async () => {
    const args = ['validate', 'cors', '--case', '^no-policy-no-cors-headers$', '--reports', scratch.dir, '--json'];
    const result = await execa(process.execPath, [meshgateBin, ...args], { reject: false, all: true, timeout: 150_000, stdin: 'ignore' });
    const lines = result.all!.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([lines.at(-1)]);
    expect(result.stdout.trimEnd().split('\n')).toEqual([lines.at(-1)]);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ verdict: 'pass', exitCode: 0 });
    expect(result.stderr).toMatch(/stopping the environment/);
  });
});
