import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { writeTarget } from '../../harness/target.ts';
import { meshgate, scratchDir, startLocal } from './meshgate-cli.ts';

interface Finding {
  subject: string;
  message: string;
}

/** The load case both gateways are measured on (its p95 latency and throughput are judged). */
const loadCase = 'performance/http-closed-loop[ns-k8x2m9qa/hello-web c=10]';

// Live A/B (--compare-target): each round loads a reference and a candidate gateway at the same
// time; the gate judges the candidate against the reference measured in the same rounds.
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const started: StartedEnvironment[] = [];
const targets: Record<'reference' | 'same' | 'slower', string> = { reference: '', same: '', slower: '' };

beforeAll(async () => {
  scratch = await scratchDir();
  for (const [name, latencyMs] of [['reference', 20], ['same', 20], ['slower', 60]] as const) {
    const { environment } = await startLocal(scratch.dir, { faults: { latencyMs } });
    started.push(environment);
    const target = environment.target();
    // At most 6 A/B rounds of 2 s: rounds are added until the gate decides; it judges their paired ratios.
    // The quick profile judges c=10 (the concurrency nearest 10); c=1 runs once, on the candidate only.
    const scenario = { ...target.scenario, performance: { concurrency: [1, 10], rates: [], durationSeconds: 2, warmupSeconds: 0.5, rounds: 6, targets: ['ns-k8x2m9qa/hello-web'] } };
    targets[name] = join(scratch.dir, `${name}.json`);
    await writeTarget(targets[name], { ...target, scenario });
  }
});
afterAll(async () => {
  await Promise.all(started.map((environment) => environment.stop()));
  await scratch?.remove();
});

describe('run --compare-target', () => {
  it('never fails a candidate that performs like its reference: both metrics judged on every round, measured within budget', async () => {
    const result = await meshgate(['run', '--target', targets.same, '--compare-target', targets.reference, '--reports', scratch.dir, '--json', 'performance']);
    const summary: { verdict: string; reasons: Finding[]; notes: Finding[] } = JSON.parse(result.stdout);
    expect(summary.verdict, result.stderr).not.toBe('fail');
    expect(result.exitCode, result.stderr).toBe(summary.verdict === 'pass' ? 0 : 1);
    // Every reason is one of the two judgements below: nothing else may make it inconclusive.
    const judged = [...summary.notes, ...summary.reasons].filter((finding) => finding.subject.startsWith(`${loadCase} `));
    expect(summary.reasons.filter((reason) => !judged.includes(reason))).toEqual([]);
    expect(judged.map((finding) => finding.subject.slice(loadCase.length + 1)).sort()).toEqual(['p95 latency', 'throughput']);
    expect(summary.notes.find((note) => note.subject === 'performance')?.message).toMatch(/; 1 other level ran once for the success rate \(the quick profile judges one level a target; --profile gate judges every level\)$/);
    for (const { message } of judged) {
      // Passed, or inconclusive only because this machine's noise hides an effect the size of the budget.
      const [, stop, effect, allowed, rounds] = /^live A\/B \((\d+ rounds in \d+ s, [^)]+)\): (?:within budget|too noisy to judge|too close to the budget to tell): (-?[\d.]+) % worse \[[^\]]+\], allowed ([\d.]+) %, detectable [\d.]+ %, (\d+) rounds/.exec(message) ?? [];
      // Decided within the bound, or undecided at it: never more rounds than allowed.
      expect(stop, message).toMatch(/^(\d+) rounds in \d+ s, (decided|undecided at the round bound)$/);
      expect(Number(rounds), message).toBeLessThanOrEqual(6);
      // The paired estimate of a like-for-like candidate lies inside the budget, whichever way the verdict went.
      expect(Math.abs(Number(effect)), message).toBeLessThan(Number(allowed));
    }
  }, 240_000);

  it('fails a candidate three times slower than its reference, naming the metric', async () => {
    // Paired rounds cancel the machine's drift; a backend three times slower (60 ms for 20 ms: clear even
    // at a load average of 25 on 2 cores, where +50 % was too noisy to judge) must fail a metric.
    const result = await meshgate(['run', '--target', targets.slower, '--compare-target', targets.reference, '--reports', scratch.dir, '--json', 'performance']);
    expect(result.exitCode, result.stderr).toBe(1);
    const reasons: Finding[] = JSON.parse(result.stdout).reasons;
    expect(reasons).toContainEqual(
      expect.objectContaining({
        subject: expect.stringMatching(/^performance\/http-closed-loop\[ns-k8x2m9qa\/hello-web c=10\] (p95 latency|throughput)$/),
        message: expect.stringMatching(/^live A\/B \(\d+ rounds in \d+ s, decided\): worse than allowed: /),
      }),
    );
  }, 240_000);
});
