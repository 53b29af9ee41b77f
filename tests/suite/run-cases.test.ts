import { describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/errors.ts';
import { plannedTarget } from '../../harness/run/prepare.ts';
import { type CaseRunOptions, runCases } from '../../harness/runner/run-cases.ts';
import { defineCase, type GatewayCase } from '../../harness/suite/gateway-case.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The case runtime on cases that never touch a network: what it runs, in which order,
// side by side or alone, and what a hung case or an interrupt leaves in the records.
const target = plannedTarget(await loadScenario(), 'local');
const quick = { successes: 1, timeoutMs: 0 };

function valueCase(id: string, subjects: string[], observe: (subject: string) => Promise<string>, extra: Partial<GatewayCase<string>> = {}): GatewayCase<string> {
  return defineCase<string>({
    id,
    description: `${id} case`,
    features: [],
    subjects: () => subjects,
    subjectName: (subject) => subject,
    expect: () => ({ details: { value: 'ok' } }),
    probe: async (subject) => ({ details: { value: await observe(subject) } }),
    convergence: quick,
    ...extra,
  });
}

function run(suites: Record<string, GatewayCase<any>[]>, options: Partial<CaseRunOptions> = {}) {
  const lines: string[] = [];
  const outcome = runCases({
    catalogue: { suites, knownDifferences: [], dir: '.' },
    target,
    suites: Object.keys(suites),
    concurrency: 4,
    progress: (line) => lines.push(line),
    timeouts: { ...defaultTimeouts, caseMs: 60_000, cancelGraceMs: 100 },
    ...options,
  });
  return { outcome, lines };
}

const never = () => new Promise<string>(() => undefined);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the case runtime', () => {
  it('records every case and subject in the catalogue order with its outcome, and prints one line per case', async () => {
    const { outcome, lines } = run({
      first: [
        valueCase('passes', ['a', 'b'], async () => 'ok'),
        valueCase('fails', ['a'], async () => 'wrong'),
        valueCase('needs-a-feature', ['a'], async () => 'ok', { features: ['kind-cluster' as never] }),
        valueCase('declines', ['a'], async () => 'ok', { skip: () => 'not in this profile' }),
        valueCase('has-nothing', [], async () => 'ok'),
      ],
      second: [valueCase('later', ['z'], async () => 'ok')],
    });
    const { cases, interrupted, harnessErrors } = await outcome;
    expect(cases.map((record) => [record.key, record.result])).toEqual([
      ['first/passes[a]', 'PASSED'],
      ['first/passes[b]', 'PASSED'],
      ['first/fails[a]', 'FAILED'],
      ['first/needs-a-feature[a]', 'NOT_SUPPORTED'],
      ['first/declines[a]', 'SKIPPED'],
      ['first/has-nothing[-]', 'SKIPPED'],
      ['second/later[z]', 'PASSED'],
    ]);
    expect(cases[2]!.reason).toContain('value');
    expect(cases[2]!.fingerprint).toBeDefined();
    expect(cases[3]!.reason).toBe('the target lacks kind-cluster');
    expect(cases[4]!.reason).toBe('not in this profile');
    expect([interrupted, harnessErrors]).toEqual([false, []]);
    expect(lines).toHaveLength(7);
    expect(lines.find((line) => line.includes('first fails [a]'))).toMatch(/^ {3}\d ✗ first fails \[a\] \d+ms {2}\S/);
  });

  it('runs exactly the selected cases, and refuses a run with nothing in it', async () => {
    const suites = { only: [valueCase('one', ['a', 'b'], async () => 'ok'), valueCase('two', ['a'], async () => 'ok')] };
    const { outcome } = run(suites, { selected: [{ suite: 'only', caseId: 'one', subject: 'b' }] });
    expect((await outcome).cases.map((record) => record.key)).toEqual(['only/one[b]']);
    await expect(run(suites, { suites: [] }).outcome).rejects.toThrow(UsageError);
  });

  it('runs cases side by side within the slots, and a serial case alone', async () => {
    let running = 0;
    const seen: Record<string, number> = {};
    const observe = async (subject: string) => {
      running++;
      await tick();
      seen[subject] = Math.max(seen[subject] ?? 0, running);
      await tick();
      running--;
      return 'ok';
    };
    const { outcome } = run({ mixed: [valueCase('together', ['t1', 't2', 't3'], observe), valueCase('alone', ['s1', 's2'], observe, { serial: true }), valueCase('after', ['u1', 'u2'], observe)] });
    expect((await outcome).cases.every((record) => record.result === 'PASSED')).toBe(true);
    expect(seen.t3).toBe(3);
    expect([seen.s1, seen.s2]).toEqual([1, 1]);
    expect(seen.u2).toBe(2);
  });

  it('fails a case that outlives its timeout, even one that ignores its signal, and the run goes on', async () => {
    const { outcome } = run({ hung: [valueCase('hangs', ['a'], never), valueCase('next', ['a'], async () => 'ok', { serial: true })] }, { timeouts: { ...defaultTimeouts, caseMs: 50, cancelGraceMs: 100 } });
    const { cases } = await outcome;
    expect(cases.map((record) => record.result)).toEqual(['FAILED', 'PASSED']);
    expect(cases[0]!.reason).toBe('the case did not finish within 0.05 s');
  });

  it('on an interrupt, waits the cancel grace and reports what had not finished as not run', async () => {
    const controller = new AbortController();
    const { outcome } = run(
      { cut: [valueCase('quick', ['a'], async () => 'ok'), valueCase('stuck', ['a'], never, { serial: true }), valueCase('never-started', ['a'], async () => 'ok')] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort('SIGINT'), 30);
    const { cases, interrupted } = await outcome;
    expect(interrupted).toBe(true);
    expect(cases.map((record) => [record.caseId, record.result])).toEqual([
      ['quick', 'PASSED'],
      ['stuck', 'FAILED'],
      ['never-started', 'SKIPPED'],
    ]);
    expect(cases[2]!.reason).toBe('not run (the run was interrupted)');
  });

  it('names a suite whose subjects cannot be listed as a harness error', async () => {
    const broken = valueCase('broken', [], async () => 'ok', {
      subjects: () => {
        throw new Error('no apps');
      },
    });
    const { outcome } = run({ bad: [broken] });
    expect((await outcome).harnessErrors).toEqual(['suite bad: no apps']);
  });
});
