import { describe, expect, it } from 'vitest';
import { startChildProcess } from '../../harness/process/child-process.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// A short idle limit: progress must keep the wait alive far beyond it, and silence must end it.
const timeouts = { ...defaultTimeouts, fixtureReadyMs: 1_500 };

/** A node child running `script`. */
const nodeChild = (name: string, script: string) => startChildProcess(name, process.execPath, ['-e', script], timeouts);

describe('waiting for a child process by its progress', () => {
  it('keeps waiting while lines come, well past the idle limit in total', async () => {
    // Ten lines 400 ms apart: 4 s in all, never 1.5 s without progress.
    const child = nodeChild('slow starter', `let n = 0; const t = setInterval(() => { console.log('ready ' + ++n); if (n === 10) clearInterval(t); }, 400); setTimeout(() => {}, 60000);`);
    let lines = 0;
    try {
      const started = Date.now();
      await child.waitForLines((line) => ++lines === 10 && line === 'ready 10', 'fixtureReadyMs', 'ten ready lines');
      expect(Date.now() - started).toBeGreaterThan(1500);
    } finally {
      await child.stop();
    }
  });

  it('fails at once with the stderr of a child that died', async () => {
    const child = nodeChild('doomed', `console.error('cannot bind: EADDRINUSE'); process.exit(3);`);
    await expect(child.waitForLines(() => false, 'fixtureReadyMs', 'a ready line')).rejects.toThrow(/doomed exited \(code 3\) before it was ready: cannot bind: EADDRINUSE/);
  });

  it('fails when progress stops, naming what was awaited and the flag and variable that raise the limit', async () => {
    const child = nodeChild('stalled', `console.log('ready 1'); setTimeout(() => {}, 60000);`);
    try {
      await expect(child.waitForLines(() => false, 'fixtureReadyMs', 'two ready lines')).rejects.toThrow(
        /timed out after 1500 ms waiting for two ready lines \(no progress for that long\) \(stalled\); on a slow or busy machine raise it with --timeouts fixtureReadyMs=<ms> or MESHGATE_TIMEOUT_FIXTURE_READY_MS=<ms>$/,
      );
    } finally {
      await child.stop();
    }
  });
});
