import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import { timeouts } from '../timeouts.ts';
import type { CaseRecord } from '../results/case-record.ts';
import { ProgressReporter } from '../reporters/progress-reporter.ts';
import { ResultsCollector } from '../reporters/results-collector.ts';
import type { LoadedTarget } from '../target.ts';
import type { PlannedCase } from '../suite/case-selection.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const suitesDir = fileURLToPath(new URL('../../suites/', import.meta.url));

export interface SuiteRunOptions {
  target: LoadedTarget;
  /** Reference target for live A/B load (--compare-target). */
  compareTarget?: LoadedTarget;
  /** Suite names as returned by `selectSuites`. */
  suites: string[];
  /** Only these cases (from `selectCases`, against this target); all of the suites' cases when absent. */
  selected?: PlannedCase[];
  /** Slots of functional work at once (harness/suite/case-slots.ts). */
  concurrency: number;
  progress: (line: string) => void;
  signal?: AbortSignal;
}

export interface SuiteRunOutcome {
  cases: CaseRecord[];
  interrupted: boolean;
  harnessErrors: string[];
}

/** The suites that exist: folders of suites/ holding a `<name>.suite.ts`. */
export async function availableSuites(): Promise<string[]> {
  const entries = await readdir(suitesDir, { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const files = await readdir(`${suitesDir}${entry.name}`);
    if (files.includes(`${entry.name}.suite.ts`)) names.push(entry.name);
  }
  return names.sort();
}

/** Checks suite names against what exists; an unknown one is a usage error (exit 2). */
export async function selectSuites(requested: string[]): Promise<string[]> {
  const known = await availableSuites();
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown suite ${unknown.join(', ')}; available: ${known.join(', ')}`);
  return requested.length > 0 ? requested : known;
}

/**
 * One vitest run over the selected suites against the target. Suite files run one
 * after another (so the performance suite never competes with functional traffic);
 * cases within a suite run concurrently, bounded by `concurrency` slots.
 */
export async function runSuites(options: SuiteRunOptions): Promise<SuiteRunOutcome> {
  const { suites } = options;
  const collector = new ResultsCollector();
  if (!options.signal?.aborted) await runVitest(suites, options, collector);
  if (collector.cases.length === 0 && !options.signal?.aborted) {
    throw new UsageError(`no case ran in suites ${suites.join(', ')}: nothing was selected`);
  }
  return {
    cases: collector.cases,
    interrupted: collector.interrupted || Boolean(options.signal?.aborted),
    harnessErrors: collector.harnessErrors,
  };
}

/** The vitest run over `suites`, reporting into `collector`; a signal cancels it. */
async function runVitest(suites: string[], options: SuiteRunOptions, collector: ResultsCollector): Promise<void> {
  // Loaded here, not at start-up: commands that run no suite need not pay for it.
  const [{ createVitest }, { exactTestNamePattern }] = await Promise.all([import('vitest/node'), import('../suite/case-selection.ts')]);
  const vitest = await withoutSignalHandlers(() => createVitest(
    'test',
    {
      root: projectRoot,
      config: false,
      watch: false,
      include: suites.map((name) => `suites/${name}/${name}.suite.ts`),
      // junit.xml is written with the other reports (it must also say "interrupted"), not by vitest's reporter.
      reporters: [collector, new ProgressReporter(options.progress)],
      provide: { target: options.target, compareTarget: options.compareTarget ?? null, concurrency: options.concurrency },
      testNamePattern: options.selected === undefined ? undefined : exactTestNamePattern(options.selected),
      fileParallelism: false,
      // One worker for every suite file, one after another: a fork per file costs a second of start-up each.
      isolate: false,
      // The slots bound the work (register-suite.ts); vitest's own count of tests must not bind first.
      maxConcurrency: options.concurrency,
      testTimeout: 600_000,
    },
    {},
    { stdout: process.stderr, stderr: process.stderr },
  ));
  // On a signal, running cases see their test signal abort and stop at their next
  // attempt; what has not returned within the grace is cut off by closing the pool.
  let cancel = (): void => undefined;
  const cancelled = new Promise<void>((resolve) => {
    cancel = () => {
      void vitest.cancelCurrentRun('keyboard-input');
      setTimeout(resolve, timeouts.cancelGraceMs).unref();
    };
  });
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (!options.signal?.aborted) await Promise.race([vitest.start(), cancelled]);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await vitest.close();
  }
}

/**
 * vitest's logger registers SIGINT/SIGTERM listeners that exit the process 1 ms
 * later. meshgate must stop its environment first (it cancels the run itself on
 * those signals), so while vitest is created those registrations are dropped.
 */
async function withoutSignalHandlers<T>(create: () => Promise<T>): Promise<T> {
  const once = process.once;
  process.once = function (this: NodeJS.Process, event: string | symbol, listener: (...args: any[]) => void) {
    return event === 'SIGINT' || event === 'SIGTERM' ? this : once.call(this, event, listener);
  } as typeof process.once;
  try {
    return await create();
  } finally {
    process.once = once;
  }
}
