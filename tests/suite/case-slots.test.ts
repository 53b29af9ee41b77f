import { describe, expect, it } from 'vitest';
import { CaseSlots } from '../../harness/runner/case-slots.ts';

/** A job that records when it starts and ends only when `release` is called. */
function job(name: string, log: string[]) {
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { release: () => release(), work: async () => { log.push(`start ${name}`); await done; log.push(`end ${name}`); return name; } };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CaseSlots', () => {
  it('runs light jobs side by side up to the capacity, and the next one when a slot frees', async () => {
    const slots = new CaseSlots(2);
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => job(name, log));
    const running = [slots.run(1, a!.work), slots.run(1, b!.work), slots.run(1, c!.work)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    a!.release();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end a', 'start c']);
    b!.release();
    c!.release();
    expect(await Promise.all(running)).toEqual(['a', 'b', 'c']);
  });

  it('lets a heavy job wait for its slots without being overtaken by light ones behind it', async () => {
    const slots = new CaseSlots(4);
    const log: string[] = [];
    const [light, heavy, later] = ['light', 'heavy', 'later'].map((name) => job(name, log));
    const running = [slots.run(1, light!.work), slots.run(4, heavy!.work), slots.run(1, later!.work)];
    await tick();
    expect(log).toEqual(['start light']);
    light!.release();
    await tick();
    expect(log).toEqual(['start light', 'end light', 'start heavy']);
    heavy!.release();
    await tick();
    expect(log.at(-1)).toBe('start later');
    later!.release();
    await Promise.all(running);
  });

  it('gives a job heavier than the capacity all the slots, and frees them when it fails', async () => {
    const slots = new CaseSlots(3);
    await expect(slots.run(10, async () => { throw new Error('probe failed'); })).rejects.toThrow('probe failed');
    const log: string[] = [];
    const jobs = ['x', 'y', 'z'].map((name) => job(name, log));
    const running = jobs.map((each) => slots.run(1, each.work));
    await tick();
    expect(log).toEqual(['start x', 'start y', 'start z']);
    for (const each of jobs) each.release();
    await Promise.all(running);
  });

  it('runs a weight-0 job (idle connections only) at once, beside full slots, and takes none', async () => {
    const slots = new CaseSlots(1);
    const log: string[] = [];
    const [busy, idle, next] = ['busy', 'idle', 'next'].map((name) => job(name, log));
    const running = [slots.run(1, busy!.work), slots.run(0, idle!.work), slots.run(1, next!.work)];
    await tick();
    expect([...log].sort()).toEqual(['start busy', 'start idle']);
    busy!.release();
    await tick();
    expect(log.slice(2)).toEqual(['end busy', 'start next']);
    idle!.release();
    next!.release();
    await Promise.all(running);
  });
});
