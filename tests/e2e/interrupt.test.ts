import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshgateBin, processesMentioning, scratchDir } from './meshgate-cli.ts';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

/**
 * Ctrl-C in a terminal sends SIGINT to the whole process group: meshgate, vitest's
 * workers, nginx and the fixtures all get it at once. Whatever moment it lands on,
 * the run must end within 5 s with exit 2, leave no process and no temp dir, and
 * (once suites have started) write a report that says "interrupted".
 */
describe('SIGINT to the process group', () => {
  it.each([
    { moment: 'while the environment starts', suites: [], marker: 'starting the local environment', runId: 'e2e-int-start', report: false },
    { moment: 'while functional cases run', suites: ['multi-tenant', 'protocols'], marker: ' ✓ ', runId: 'e2e-int-cases', report: true },
    { moment: 'during the performance suite', suites: ['performance'], marker: ' ✓ performance ', runId: 'e2e-int-perf', report: true },
  ])('$moment: exit 2 within 5 s, nothing left behind', async ({ suites, marker, runId, report }) => {
    const tmp = await scratchDir();
    try {
      const child = execa(process.execPath, [meshgateBin, 'validate', ...suites, '--run-id', runId, '--reports', scratch.dir, '--json'], {
        reject: false,
        detached: true, // its own process group, as a terminal's foreground job
        env: { TMPDIR: tmp.dir },
        timeout: 170_000,
      });
      let stderr = '';
      const seen = await new Promise<boolean>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes(marker)) resolve(true);
        });
        void child.then(() => resolve(false));
      });
      expect(seen, `the run ended before "${marker}" appeared:\n${stderr}`).toBe(true);
      const signalled = Date.now();
      process.kill(-child.pid!, 'SIGINT');
      const result = await child;
      const tookMs = Date.now() - signalled;
      expect(result.exitCode, result.stderr).toBe(2);
      expect(tookMs, result.stderr).toBeLessThan(5_000);
      expect(result.stderr).toMatch(/interrupted|INTERRUPTED/);
      if (report) {
        const results = JSON.parse(await readFile(join(scratch.dir, runId, 'results.json'), 'utf8'));
        expect(results.status).toBe('interrupted');
      }
      // CI reads junit.xml and --json: both say the run did not complete, however many cases passed.
      expect(await readFile(join(scratch.dir, runId, 'junit.xml'), 'utf8')).toMatch(/<error message="[^"]*interrupted[^"]*" type="E_INTERRUPTED">/);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: report ? 'interrupted' : 'error', exitCode: 2 });
      expect((await readdir(tmp.dir)).filter((name) => name.startsWith('meshgate-'))).toEqual([]);
      expect(await processesMentioning(runId)).toBe('');
      expect(await processesMentioning(tmp.dir)).toBe('');
    } finally {
      await tmp.remove();
    }
  }, 180_000);
});
