import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForMarks } from '../../harness/watch/watch-marks.ts';

let dir: string | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function markFile(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-marks-'));
  return join(dir, 'switched');
}

describe('listenForMarks', () => {
  it('marks a touch of the file at its modification time, and SIGUSR2 at once', async () => {
    const file = await markFile();
    const marks: Array<{ at: number; by: string }> = [];
    const got = (count: number) => new Promise<void>((resolve) => {
      const timer = setInterval(() => marks.length >= count && (clearInterval(timer), resolve()), 20);
    });
    // A file left over from before: no mark until it is touched.
    await writeFile(file, '');
    await utimes(file, (Date.now() - 60_000) / 1000, (Date.now() - 60_000) / 1000);
    const since = Date.now() - 10_000;
    stop = listenForMarks(file, since, (mark) => marks.push(mark));
    const touchedAt = since + 5_000;
    await utimes(file, touchedAt / 1000, touchedAt / 1000);
    await got(1);
    process.kill(process.pid, 'SIGUSR2');
    await got(2);
    // utimes takes seconds as a float: the time comes back within a millisecond.
    expect(marks[0]).toEqual({ at: expect.closeTo(touchedAt, 0), by: file });
    expect(marks[1]).toEqual({ at: expect.any(Number), by: 'SIGUSR2' });
  });

  it('a file touched while the watch was starting marks; an older one does not', async () => {
    const file = await markFile();
    await writeFile(file, '');
    const marks: unknown[] = [];
    stop = listenForMarks(file, Date.now() - 60_000, (mark) => marks.push(mark));
    expect(marks).toHaveLength(1);
    stop();
    stop = listenForMarks(file, Date.now() + 1_000, (mark) => marks.push(mark));
    expect(marks).toHaveLength(1);
  });
});
