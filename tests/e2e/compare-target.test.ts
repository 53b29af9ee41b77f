import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { writeTarget } from '../../harness/target.ts';
import { runMeshgate, scratchDir, startLocal } from './meshgate-cli.ts';

// Live A/B (--compare-target): load alternates between a reference and a candidate
// gateway; the gate judges the candidate against the reference measured in the same run.
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const started: StartedEnvironment[] = [];
const targets: Record<'reference' | 'same' | 'slower', string> = { reference: '', same: '', slower: '' };

beforeAll(async () => {
  scratch = await scratchDir();
  for (const [name, latencyMs] of [['reference', 20], ['same', 20], ['slower', 30]] as const) {
    const { environment } = await startLocal(scratch.dir, { faults: { latencyMs } });
    started.push(environment);
    const target = environment.target();
    // 6 A/B rounds of 2 s: the gate judges the paired ratios of the rounds.
    const scenario = { ...target.scenario, performance: { concurrency: [10], rates: [], durationSeconds: 2, warmupSeconds: 0.5, rounds: 6, targets: ['ns-k8x2m9qa/hello-web'] } };
    targets[name] = join(scratch.dir, `${name}.json`);
    await writeTarget(targets[name], { ...target, scenario });
  }
});
afterAll(async () => {
  await Promise.all(started.map((environment) => environment.stop()));
  await scratch?.remove();
});

describe('run --compare-target', () => {
  it('passes a candidate that performs like its reference', async () => {
    const result = await runMeshgate(['run', '--target', targets.same, '--compare-target', targets.reference, '--reports', scratch.dir, '--json', 'performance']);
    expect(result.exitCode, result.stderr).toBe(0);
    const notes: Array<{ message: string }> = JSON.parse(result.stdout).notes;
    expect(notes.some((note) => note.message.startsWith('live A/B: within budget'))).toBe(true);
  });

  it('fails a candidate 50 % slower than its reference, naming the metric', async () => {
    // Paired rounds cancel the machine's drift; a 50 % slower backend (10 ms over 20 ms, above the
    // 0.5 ms floor) raises p95 by half and cuts throughput by a third: at least one metric must fail.
    const result = await runMeshgate(['run', '--target', targets.slower, '--compare-target', targets.reference, '--reports', scratch.dir, '--json', 'performance']);
    expect(result.exitCode, result.stderr).toBe(1);
    const reasons: Array<{ subject: string; message: string }> = JSON.parse(result.stdout).reasons;
    expect(reasons).toContainEqual(
      expect.objectContaining({
        subject: expect.stringMatching(/^performance\/http-closed-loop\[ns-k8x2m9qa\/hello-web c=10\] (p95 latency|throughput)$/),
        message: expect.stringMatching(/^live A\/B: worse than allowed: /),
      }),
    );
  });
});
