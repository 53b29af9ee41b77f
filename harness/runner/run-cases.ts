import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import type { Timeouts } from '../timeouts.ts';
import type { CasesOutcome } from '../results/case-record.ts';
import type { PlannedCase } from '../suite/case-selection.ts';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import type { LoadedTarget } from '../target.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { ResultsCollector } from './results-collector.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The one test file of a run: it registers the catalogue's suites in vitest's worker (suite-file.ts). */
const suiteFile = fileURLToPath(new URL('./suite-file.ts', import.meta.url));

export interface CaseRunOptions {
  /** Where the cases come from: the runtime loads `catalogue.module` again in its worker. */
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
  /** The run's timeouts: the cases get them (through vitest's provide), the cancel grace is one. */
  timeouts: Timeouts;
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * The case runtime: runs the selected suites of the catalogue against the target
 * and returns their records. Suites run one after another (so the performance
 * suite never competes with functional traffic); cases within a suite run
 * concurrently, bounded by `concurrency` slots. vitest is its engine; nothing
 * outside harness/runner/ knows that.
 */
export async function runCases(options: CaseRunOptions): Promise<CasesOutcome> {
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
async function runVitest(suites: string[], options: CaseRunOptions, collector: ResultsCollector): Promise<void> {
  // Loaded here, not at start-up: commands that run no suite need not pay for it.
  const [{ createVitest }, { exactTestNamePattern }] = await Promise.all([import('vitest/node'), import('./test-names.ts')]);
  const vitest = await withoutSignalHandlers(() => createVitest(
    'test',
    {
      root: projectRoot,
      config: false,
      watch: false,
      include: [relative(projectRoot, suiteFile)],
      // junit.xml is written with the other reports (it must also say "interrupted"), not by vitest's reporter.
      reporters: [collector, new ProgressReporter(options.progress)],
      provide: { catalogueModule: options.catalogue.module, suites, target: options.target, compareTarget: options.compareTarget ?? null, concurrency: options.concurrency, timeouts: options.timeouts },
      testNamePattern: options.selected === undefined ? undefined : exactTestNamePattern(options.selected),
      fileParallelism: false,
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
      setTimeout(resolve, options.timeouts.cancelGraceMs).unref();
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

/** How many vitest creations are under way in this process (runs side by side share one patch). */
let quieting = 0;
let processOnce = process.once;

/**
 * vitest's logger registers SIGINT/SIGTERM listeners that exit the process 1 ms
 * later. meshgate must stop its environment first (it cancels the run itself on
 * those signals), so while vitest is created those registrations are dropped.
 * Counted, so that overlapping creations restore the real `process.once` last.
 */
async function withoutSignalHandlers<T>(create: () => Promise<T>): Promise<T> {
  if (quieting++ === 0) {
    processOnce = process.once;
    const once = processOnce;
    process.once = function (this: NodeJS.Process, event: string | symbol, listener: (...args: any[]) => void) {
      return event === 'SIGINT' || event === 'SIGTERM' ? this : once.call(this, event, listener);
    } as typeof process.once;
  }
  try {
    return await create();
  } finally {
    if (--quieting === 0) process.once = processOnce;
  }
}
