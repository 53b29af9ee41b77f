import { UsageError } from '../errors.ts';
import { type CaseRecord, caseKey, type CasesOutcome } from '../results/case-record.ts';
import type { PlannedCase } from '../suite/case-selection.ts';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import { subjectNames } from '../suite/gateway-case.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import { CaseSlots } from './case-slots.ts';
import { type CaseEnvironment, outcomeWithoutRunning, type PlannedRun, probeContextOf, recordOf, runOneCase } from './run-one-case.ts';

export interface CaseRunOptions {
  catalogue: SuiteCatalogue;
  target: LoadedTarget;
  /** Reference target for live A/B load (--compare-target). */
  compareTarget?: LoadedTarget;
  /** Suite names as returned by `selectSuites`, run in this order. */
  suites: string[];
  /** Only these cases (from `selectCases`, against this target); all of the suites' cases when absent. */
  selected?: PlannedCase[];
  /** Slots of functional work at once (harness/runner/case-slots.ts). */
  concurrency: number;
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** The run's timeouts: the cases get them; caseMs bounds one case once it has its slots, cancelGraceMs the return after the signal. */
  timeouts: Timeouts;
}

const marks = { PASSED: '✓', FAILED: '✗', SKIPPED: '○', NOT_SUPPORTED: '○' } as const;

/**
 * The case runtime: runs the selected suites of the catalogue against the target,
 * in this process, and returns their records in the catalogue's order. Suites run one
 * after another (so the performance suite never competes with functional traffic);
 * within a suite, consecutive cases run concurrently, bounded by `concurrency` slots,
 * and a serial case runs alone. On a signal, running cases see their signal abort;
 * what has not returned within the cancel grace is reported as not run.
 */
export async function runCases(options: CaseRunOptions): Promise<CasesOutcome> {
  const signal = options.signal ?? new AbortController().signal;
  const { runs, harnessErrors } = planRuns(options);
  const records = new Map<PlannedRun, CaseRecord>();
  const environment: CaseEnvironment = {
    context: probeContextOf(options.target, options.compareTarget, options.timeouts),
    differences: options.catalogue.knownDifferences,
  };
  const slots = new CaseSlots(options.concurrency);
  // Cases still running past the cancel grace may finish later: they no longer count.
  let closed = false;
  const finished = (run: PlannedRun, record: CaseRecord): void => {
    if (closed) return;
    records.set(run, record);
    options.progress(progressLine(records.size, record));
  };
  const start = async (run: PlannedRun): Promise<void> => {
    const early = outcomeWithoutRunning(run, options.target, options.timeouts);
    if (early) return finished(run, early);
    const weight = typeof run.gatewayCase.weight === 'function' ? run.gatewayCase.weight(run.subject) : (run.gatewayCase.weight ?? 1);
    await slots.run(weight, async () => {
      if (!signal.aborted) finished(run, await runOneCase(run, environment, signal));
    });
  };
  const work = (async () => {
    for (const group of inGroups(runs)) {
      if (signal.aborted) break;
      if (group.serial) for (const run of group.runs) await start(run);
      else await Promise.all(group.runs.map(start));
    }
  })();
  await Promise.race([work, cancelGrace(signal, options.timeouts.cancelGraceMs)]);
  closed = true;
  if (runs.length === 0 && harnessErrors.length === 0 && !signal.aborted) {
    throw new UsageError(`no case ran in suites ${options.suites.join(', ')}: nothing was selected`);
  }
  const notRun = (run: PlannedRun): CaseRecord => recordOf(run, { result: 'SKIPPED', reason: 'not run (the run was interrupted)' });
  return {
    cases: runs.map((run) => records.get(run) ?? notRun(run)),
    interrupted: signal.aborted,
    harnessErrors,
  };
}

/** The runs of the selected suites in the catalogue's order; a suite whose subjects cannot be listed is a harness error. */
function planRuns(options: CaseRunOptions): { runs: PlannedRun[]; harnessErrors: string[] } {
  const chosen = options.selected && new Set(options.selected.map((item) => caseKey(item.suite, item.caseId, item.subject)));
  const runs: PlannedRun[] = [];
  const harnessErrors: string[] = [];
  for (const suite of options.suites) {
    try {
      for (const gatewayCase of options.catalogue.suites[suite] ?? []) {
        const subjects: unknown[] = gatewayCase.subjects(options.target, options.timeouts);
        const names = subjectNames(gatewayCase, options.target, options.timeouts);
        const planned: PlannedRun[] = subjects.length === 0 ? [{ suite, gatewayCase, name: '-' }] : subjects.map((subject, index) => ({ suite, gatewayCase, subject, name: names[index]! }));
        runs.push(...planned.filter((run) => !chosen || chosen.has(caseKey(suite, gatewayCase.id, run.name))));
      }
    } catch (error) {
      harnessErrors.push(`suite ${suite}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { runs, harnessErrors };
}

/** Consecutive runs split where a suite begins or a case's `serial` flag changes. */
function inGroups(runs: PlannedRun[]): Array<{ serial: boolean; runs: PlannedRun[] }> {
  const groups: Array<{ serial: boolean; suite: string; runs: PlannedRun[] }> = [];
  for (const run of runs) {
    const serial = Boolean(run.gatewayCase.serial);
    const last = groups.at(-1);
    if (last && last.serial === serial && last.suite === run.suite) last.runs.push(run);
    else groups.push({ serial, suite: run.suite, runs: [run] });
  }
  return groups;
}

/** Resolves the cancel grace after `signal` aborts (never, if it does not). */
function cancelGrace(signal: AbortSignal, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const wait = () => setTimeout(resolve, graceMs).unref();
    if (signal.aborted) wait();
    else signal.addEventListener('abort', wait, { once: true });
  });
}

/** One line per finished case, on stderr, so stdout stays clean for --json. */
function progressLine(done: number, record: CaseRecord): string {
  const note = record.result === 'FAILED' ? `  ${record.reason.split('\n')[0]}` : record.result === 'PASSED' ? '' : `  (${record.result}: ${record.reason})`;
  return `${String(done).padStart(4)} ${marks[record.result]} ${record.suite} ${record.caseId} [${record.subject}] ${record.durationMs}ms${note}`;
}
