import { describe, expect, it } from 'vitest';
import type { WatchAnswer } from '../../harness/watch/watch-answers.ts';
import { p95Breaches } from '../../harness/watch/watch-p95.ts';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** `latencies` answers of one host, `everyMs` apart. */
function host(name: string, latencies: number[], everyMs = 250): WatchAnswer[] {
  return latencies.map((latencyMs, index) => ({ at: t0 + index * everyMs, host: name, app: `ns/${name}`, protocol: 'https', latencyMs, failure: null, kind: null }));
}
const times = (count: number, latencyMs: number) => Array.from({ length: count }, () => latencyMs);
const budget = { budgetMs: 500, windowMs: 10_000 };

describe('p95Breaches (rolling, per host)', () => {
  const cases: Array<{ name: string; answers: WatchAnswer[]; breaches: Array<{ host: string; p95Ms: number; over: number; answers: number }> }> = [
    { name: 'fast answers', answers: host('a', times(200, 25)), breaches: [] },
    { name: 'one host 700 ms slow among fast ones is named (its window reaches back to 20 answers)', answers: [...host('a', times(100, 25)), ...host('slow', times(24, 720), 900)], breaches: [{ host: 'slow', p95Ms: 720, over: 20, answers: 20 }] },
    { name: 'a host with fewer than 20 answers is not judged', answers: host('slow', times(19, 720), 900), breaches: [] },
    { name: 'one 3 s answer in a window (a freeze) is no percentile', answers: host('a', [...times(20, 25), 3_000, ...times(20, 25)]), breaches: [] },
    { name: 'two late answers in a window of 40 (5 %) are not over', answers: host('a', [...times(60, 25), 900, ...times(38, 25), 900, ...times(40, 25)]), breaches: [] },
    { name: 'three late answers in a window of 40 (7.5 %) are', answers: host('a', [...times(60, 25), 900, ...times(18, 25), 900, ...times(18, 25), 900, ...times(40, 25)]), breaches: [{ host: 'a', p95Ms: 900, over: 3, answers: 40 }] },
    { name: 'two late answers among the first 20 are', answers: host('a', [25, 900, 25, 900, ...times(40, 25)]), breaches: [{ host: 'a', p95Ms: 900, over: 2, answers: 20 }] },
    { name: 'one late answer among the first 20 (a cold start) is not', answers: host('a', [900, ...times(40, 25)]), breaches: [] },
    { name: 'exactly the budget is within it', answers: host('a', times(40, 500)), breaches: [] },
    { name: 'late answers 20 s apart never share a window', answers: host('a', [900, ...times(79, 25), 900, ...times(79, 25), 900]), breaches: [] },
  ];
  it.each(cases)('$name', ({ answers, breaches }) => {
    expect(p95Breaches(answers, budget).map(({ host: name, p95Ms, over, answers: count }) => ({ host: name, p95Ms, over, answers: count }))).toEqual(breaches);
  });

  it('reports the worst window, worst host first', () => {
    const found = p95Breaches([...host('b', times(40, 600)), ...host('c', times(40, 800))], budget);
    expect(found.map((breach) => breach.host)).toEqual(['c', 'b']);
    expect(found[0]).toMatchObject({ app: 'ns/c', protocol: 'https', from: t0, to: t0 + 39 * 250 });
  });
});
