import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../../harness/errors.ts';
import { appendRuns, baselineFromReport } from '../../harness/gate/baseline.ts';
import { catalogue } from '../../suites/catalogue.ts';
import { catalogueHash, checkBaselineFits, scenarioHash } from '../../harness/gate/baseline-fit.ts';
import type { LoadResult } from '../../harness/results/load-result.ts';
import type { CaseRecord } from '../../harness/results/case-record.ts';
import { describeMachine } from '../../harness/results/machine.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { meshgate, scratchDir } from '../e2e/meshgate-cli.ts';
import { runReportOf } from '../reporters/run-report-fixture.ts';

const machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 24, os: 'linux 6.1', node: '20.20.2' };
const loadCase = (p95Us: number): CaseRecord => ({
  key: 'performance/http-closed-loop[ns-a/web c=10]', suite: 'performance', caseId: 'http-closed-loop', subject: 'ns-a/web c=10', description: '', result: 'PASSED', reason: '', durationMs: 1,
  measurements: { load: { p95Us, rps: 1000, windows: [] } as unknown as LoadResult },
});
const report = (runId: string, p95Us: number, overrides = {}) => runReportOf([loadCase(p95Us)], { runId, scenarioHash: 'h', catalogueHash: 'c', machine, ...overrides });

describe('checkBaselineFits', () => {
  const baseline = baselineFromReport(report('base', 1000), 'results.json');
  const run = { scenarioHash: 'h', catalogueHash: 'c', machine };

  it('a baseline of this scenario, catalogue and machine class fits with nothing to say', () => {
    expect(checkBaselineFits('b.json', baseline, run, {})).toEqual([]);
  });

  it.each([
    { name: 'another scenario', run: { ...run, scenarioHash: 'x' }, message: /b\.json: the baseline was recorded with another scenario \(sealos-default\); .* --baseline-subset/ },
    { name: 'another catalogue', run: { ...run, catalogueHash: 'x' }, message: /another case catalogue .* --baseline-subset/ },
    { name: 'another machine class', run: { ...run, machine: { ...machine, cores: 64 } }, message: /another machine class \(2 x Test CPU\); .* --baseline-other-machine/ },
  ])('$name is refused (exit 2) unless a flag says it is meant, and then the report says so', ({ run: other, message }) => {
    const error = (() => {
      try {
        return checkBaselineFits('b.json', baseline, other, {});
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
    expect(checkBaselineFits('b.json', baseline, other, { subset: true, otherMachine: true })).toEqual([{ subject: 'baseline', message: expect.stringMatching(/: accepted by --baseline-/) }]);
  });

  it('the catalogue hash changes with any file under suites/', async () => {
    const scratch = await scratchDir();
    try {
      await writeFile(join(scratch.dir, 'a.ts'), 'one');
      const before = await catalogueHash(scratch.dir);
      await writeFile(join(scratch.dir, 'a.ts'), 'two');
      expect(await catalogueHash(scratch.dir)).not.toBe(before);
    } finally {
      await scratch.remove();
    }
  });
});

describe('appendRuns: a baseline holds several runs', () => {
  it('adds each run as a sample of its load cases', () => {
    const joined = appendRuns(baselineFromReport(report('r1', 1000), 'r1'), [{ report: report('r2', 1100), source: 'r2' }, { report: report('r3', 900), source: 'r3' }]);
    expect(joined.runs?.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3']);
    expect(joined.cases[0]?.samples?.map((s) => s.p95Us)).toEqual([1000, 1100, 900]);
  });

  it.each([
    { name: 'another scenario', overrides: { scenarioHash: 'x' }, message: /another scenario/ },
    { name: 'another machine class', overrides: { machine: { ...machine, cpu: 'Other' } }, message: /another machine class/ },
    { name: 'the same run twice', overrides: { runId: 'r1' }, message: /already in the baseline/ },
  ])('refuses $name', ({ overrides, message }) => {
    expect(() => appendRuns(baselineFromReport(report('r1', 1000), 'r1'), [{ report: report('r2', 1000, overrides), source: 'r2.json' }])).toThrow(message);
  });
});

describe('a mismatched baseline on the command line', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch.remove());

  it('exits 2 before anything starts: no environment, no report', async () => {
    const scenario = await loadScenario();
    const fits = baselineFromReport(report('base', 1000, { scenarioHash: scenarioHash(scenario.input), catalogueHash: await catalogueHash(catalogue.dir), machine: describeMachine() }), 'r');
    const file = join(scratch.dir, 'other-scenario.json');
    await writeFile(file, JSON.stringify({ ...fits, scenario: 'another', scenarioHash: 'a'.repeat(64) }));
    const reports = join(scratch.dir, 'reports');
    const result = await meshgate(['validate', 'performance', '--baseline', file, '--reports', reports]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${file}: the baseline was recorded with another scenario (another)`);
    expect(result.stderr).not.toMatch(/starting the local environment/);
    expect(await readdir(reports).catch(() => [])).toEqual([]);
  });

  it('--profile gate without a baseline or compare target is refused before anything starts', async () => {
    const result = await meshgate(['validate', 'performance', '--profile', 'gate', '--reports', join(scratch.dir, 'reports')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/the gate profile needs a reference: --baseline FILE .* or --compare-target FILE/);
    expect(result.stderr).not.toMatch(/starting the local environment/);
  });
});
