import { catalogueHash, checkBaselineFits, scenarioHash } from '../gate/baseline-fit.ts';
import { readBaseline } from '../gate/baseline.ts';
import { UsageError } from '../errors.ts';
import { features } from '../target.ts';
import { describeMachine } from '../results/machine.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { type ProfileName, describeCost, withProfile } from '../scenario/performance-profile.ts';
import { type PlannedCase, planCases, selectCases, selectSuites } from '../suite/case-selection.ts';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import { type LoadedTarget, readTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import type { ReportContext } from './report.ts';
import { checkRunId, newRunId } from './run-id.ts';

/** The suites and cases a run selects, known before anything starts. */
export interface RunPlan {
  catalogue: SuiteCatalogue;
  suites: string[];
  cases: PlannedCase[];
  /** The run's timeouts (defaults < MESHGATE_TIMEOUT_* < --timeouts): some cases' subjects depend on them, and they go down to every stage. */
  timeouts: Timeouts;
}

/** What a run needs to know before it starts, from the command line. */
export interface PrepareInput {
  runId?: string;
  /** `--baseline FILE`, and the mismatches accepted by --baseline-subset and --baseline-other-machine. */
  baseline?: string;
  baselineSubset?: boolean;
  baselineOtherMachine?: boolean;
  /** `--compare-target FILE`. */
  compareTarget?: string;
  profile?: ProfileName;
  /** `--gate-max-rounds`, `--gate-max-minutes`: bounds of each live A/B level's sequence of rounds. */
  gateMaxRounds?: number;
  gateMaxMinutes?: number;
  /** The environment gives its own live reference (dual mode in a cluster). */
  liveReference: boolean;
}

/** Everything checked before the environment starts, so bad input costs nothing (exit 2). */
export type PreparedRun = RunPlan & Pick<ReportContext, 'runId' | 'baseline' | 'compareTarget' | 'performance'>;

/**
 * The target an environment will write, as far as case subjects depend on it,
 * before anything is started: the scenario decides the subjects; the gateway
 * address (the bare-IP case's subject) is loopback, as the local environment's is.
 * Cases are re-selected against the real target once it exists.
 */
export function plannedTarget(scenario: LoadedScenario, environment: string): LoadedTarget {
  return {
    version: 1,
    environment,
    runId: 'planned',
    // The local environment names its nginx.conf, which decides some cases' subjects (long read timeouts).
    gateway: { address: '127.0.0.1', httpPort: 80, httpsPort: 443, ...(environment === 'local' ? { configFile: 'nginx.conf' } : {}) },
    caFile: null,
    features: [...features],
    scenario: scenario.input,
    resolved: scenario.resolved,
  };
}

/** The suites of the catalogue (all when none is named) and the cases `--case` selects of them against `planned`; unknown names and empty selections are usage errors. */
export function planRun(catalogue: SuiteCatalogue, requested: string[], casePattern: string | undefined, planned: LoadedTarget, timeouts: Timeouts): RunPlan {
  const suites = selectSuites(catalogue, requested);
  return { catalogue, suites, cases: selectCases(planCases(catalogue, suites, planned, timeouts), casePattern, suites), timeouts };
}

/**
 * The prepare stage: run id, baseline (and whether it fits this scenario, case
 * catalogue and machine class), compare target and performance profile, each
 * checked before anything starts.
 */
export async function prepareRun(plan: RunPlan, input: PrepareInput, planned: LoadedTarget, log: (line: string) => void): Promise<PreparedRun> {
  const runId = checkRunId(input.runId ?? newRunId());
  const identity = { scenarioHash: scenarioHash(planned.scenario), catalogueHash: await catalogueHash(plan.catalogue.dir), machine: describeMachine() };
  const baseline = input.baseline === undefined ? undefined : { file: input.baseline, content: await readBaseline(input.baseline) };
  const accepted = baseline ? checkBaselineFits(baseline.file, baseline.content, identity, { subset: input.baselineSubset, otherMachine: input.baselineOtherMachine }) : [];
  const compareTarget = input.compareTarget === undefined ? undefined : { file: input.compareTarget, content: await readTarget(input.compareTarget) };
  const levels = withProfile(planned.resolved.performance, input.profile, { maxRounds: input.gateMaxRounds, maxMinutes: input.gateMaxMinutes });
  const live = compareTarget !== undefined || input.liveReference;
  if (plan.suites.includes('performance')) {
    if (levels.profile === 'gate' && !baseline && !live) throw new UsageError('the gate profile needs a reference: --baseline FILE (k >= 3 runs) or --compare-target FILE (live A/B)');
    log(`meshgate: ${describeCost(levels, levels.targets.length, live)}`);
  }
  return { ...plan, runId, baseline, compareTarget, performance: { levels, accepted, catalogueHash: identity.catalogueHash } };
}
