import { exportLoadWorkersSettings, type LoadWorkersSettings } from '../load/workers/worker-count.ts';
import { webhookOutput } from '../reporters/webhook-output.ts';
import { loadScenario } from '../scenario/load.ts';
import type { ProfileName } from '../scenario/performance-profile.ts';
import type { PlannedCase } from '../suite/case-selection.ts';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import { type LoadedTarget, readTarget } from '../target.ts';
import type { VerdictOutputs } from './after-verdict.ts';
import { type PreparedRun, planRun, plannedTarget, prepareRun } from './prepare.ts';
import type { SessionOptions } from './session.ts';
import type { EnvironmentFlags } from './start-environment.ts';
import type { Timeouts } from '../timeouts.ts';

/** What `validate` and `run` take from the command line; the report records all of it. */
export interface SessionInput extends EnvironmentFlags, LoadWorkersSettings {
  reports: string;
  runId?: string;
  /** `--case`. */
  case?: string;
  concurrency: number;
  /** `--list`: plan only. */
  list?: boolean;
  metricsOut?: string;
  pushgateway?: URL;
  /** `run`'s target file. */
  target: string;
  baseline?: string;
  compareTarget?: string;
  profile?: ProfileName;
  /** `--gate-max-rounds`, `--gate-max-minutes`: bounds of each live A/B level's rounds. */
  gateMaxRounds?: number;
  gateMaxMinutes?: number;
  baselineSubset?: boolean;
  baselineOtherMachine?: boolean;
  /** The run's timeouts (defaults < MESHGATE_TIMEOUT_* < --timeouts); the report records them with the rest. */
  timeouts: Timeouts;
}

/** How a session reaches its caller: the suites (content, passed in), the signal, and where the verdict goes. */
export interface SessionIo extends VerdictOutputs {
  catalogue: () => Promise<SuiteCatalogue>;
  signal: AbortSignal;
}

/** A session's end: the cases `--list` selected (nothing started), or the run's exit code. */
export type SessionOutcome = { listed: PlannedCase[] } | { exitCode: number };

/** `validate`: prepare, start the environment, run the selected suites against it, gate, write, stop. */
export async function validateSuites(requested: string[], input: SessionInput, io: SessionIo): Promise<SessionOutcome> {
  const prepared = await prepare(requested, input, plannedTarget(await loadScenario(input.scenario), input.env), io);
  if (!('runId' in prepared)) return prepared;
  // The environments, the runner and the reporters load once the input has passed every check.
  const [{ inEnvironment }, { runSession }] = await Promise.all([import('./validate.ts'), import('./session.ts')]);
  const start = { ...input, runId: prepared.runId, signal: io.signal, log: io.log };
  const exitCode = await inEnvironment(start, prepared, input.reports, ({ target, compareTarget }) => runSession(sessionOptions('validate', input, { ...prepared, compareTarget }, target, io)));
  return { exitCode };
}

/** `run`: the selected suites against the gateway a target file describes. */
export async function runSuites(requested: string[], input: SessionInput, io: SessionIo): Promise<SessionOutcome> {
  const target = await readTarget(input.target);
  const prepared = await prepare(requested, input, target, io);
  if (!('runId' in prepared)) return prepared;
  const { runSession } = await import('./session.ts');
  return { exitCode: await runSession(sessionOptions('run', input, prepared, target, io)) };
}

/** Plans the run against `planned`; with `--list` stops there, else prepares it (baseline, compare target, profile). */
async function prepare(requested: string[], input: SessionInput, planned: LoadedTarget, io: SessionIo): Promise<PreparedRun | { listed: PlannedCase[] }> {
  exportLoadWorkersSettings(input);
  const plan = planRun(await io.catalogue(), requested, input.case, planned, input.timeouts);
  if (input.list) return { listed: plan.cases };
  return prepareRun(plan, { ...input, liveReference: input.env !== undefined && input.env !== 'local' && input.mode === 'dual' }, planned, io.log);
}

/** The session's options: the report records the input, the notice goes to the webhook. */
function sessionOptions(command: string, input: SessionInput, prepared: PreparedRun, target: LoadedTarget, io: SessionIo): SessionOptions {
  return {
    ...prepared,
    target,
    casePattern: input.case,
    concurrency: input.concurrency,
    timeouts: input.timeouts,
    reportsDir: input.reports,
    printJson: io.printJson,
    metrics: io.metrics,
    options: { command, ...input, pushgateway: input.pushgateway?.href, suites: prepared.suites, runId: prepared.runId },
    signal: io.signal,
    log: io.log,
    outputs: [webhookOutput(command, io.reportUrlBase, io.notify)],
  };
}
