// The flags of `validate` and `run` turned into calls of the run pipeline (harness/run/),
// loaded only when one of them runs: `--help` and every other command must not pay
// for the environments, vitest and the gate.
import type { PrepareInput, PreparedRun } from '../run/prepare.ts';
import type { SessionOptions } from '../run/session.ts';
import type { EnvironmentFlags } from '../run/start-environment.ts';
import { loadScenario } from '../scenario/load.ts';
import { type LoadedTarget, readTarget } from '../target.ts';
import type { ProfileName } from '../scenario/performance-profile.ts';
import { printCaseList } from './case-plan.ts';
import type { CommandContext } from './command-context.ts';
import { type LoadWorkersFlags, exportLoadWorkersSettings } from './load-workers-options.ts';
import { type NotifyFlags, notify } from './notify-options.ts';
import { type TimeoutsFlag, timeoutsOf } from './options.ts';
import { webhookOutput } from '../reporters/webhook-output.ts';

export interface SessionFlags extends EnvironmentFlags, Partial<NotifyFlags>, LoadWorkersFlags, TimeoutsFlag {
  reports: string;
  runId?: string;
  case?: string;
  concurrency: number;
  list?: boolean;
  json?: boolean;
  metricsOut?: string;
  pushgateway?: URL;
  target: string;
  baseline?: string;
  compareTarget?: string;
  profile?: ProfileName;
  baselineSubset?: boolean;
  baselineOtherMachine?: boolean;
}

/** Plans and prepares the run from the flags; with `--list`, prints the selected cases and returns undefined. */
async function prepare(requested: string[], flags: SessionFlags, planned: LoadedTarget, context: CommandContext): Promise<PreparedRun | undefined> {
  exportLoadWorkersSettings(flags);
  const [{ planRun, prepareRun }, catalogue] = await Promise.all([import('../run/prepare.ts'), context.catalogue()]);
  const plan = planRun(catalogue, requested, flags.case, planned, timeoutsOf(flags));
  if (flags.list) {
    printCaseList(plan.cases, context, Boolean(flags.json));
    return undefined;
  }
  const input: PrepareInput = { ...flags, liveReference: flags.env !== undefined && flags.env !== 'local' && flags.mode === 'dual' };
  return prepareRun(plan, input, planned, context.log);
}

/** The session's options from the flags: the report records them, the notice goes to the webhook. */
function sessionOptions(context: CommandContext, command: string, flags: SessionFlags, prepared: PreparedRun, target: LoadedTarget): SessionOptions {
  return {
    ...prepared,
    target,
    casePattern: flags.case,
    concurrency: flags.concurrency,
    timeouts: prepared.timeouts,
    reportsDir: flags.reports,
    printJson: flags.json ? context.printJson : undefined,
    metrics: { file: flags.metricsOut, pushgateway: flags.pushgateway, pushMs: prepared.timeouts.metricsPushMs },
    options: { command, ...flags, pushgateway: flags.pushgateway?.href, suites: prepared.suites, runId: prepared.runId, timeouts: prepared.timeouts },
    signal: context.signal,
    log: context.log,
    outputs: flags.notifyWebhook === undefined ? [] : [webhookOutput(command, flags.reportUrlBase, (notice) => notify(context, flags, notice))],
  };
}

/** `validate`: up, run every (or the chosen) suite, gate, down. */
export async function validateAction(context: CommandContext, suites: string[], flags: SessionFlags): Promise<void> {
  const { plannedTarget } = await import('../run/prepare.ts');
  const prepared = await prepare(suites, flags, plannedTarget(await loadScenario(flags.scenario), flags.env), context);
  if (!prepared) return;
  // The environments and reporters load once the input has passed every check.
  const [{ inEnvironment }, { runSession }] = await Promise.all([import('../run/validate.ts'), import('../run/session.ts')]);
  const start = { ...flags, runId: prepared.runId, timeouts: prepared.timeouts, signal: context.signal, log: context.log };
  await inEnvironment(start, prepared, flags.reports, async ({ target, compareTarget }) => {
    context.exitCode = await runSession(sessionOptions(context, 'validate', flags, { ...prepared, compareTarget }, target));
    return context.exitCode;
  });
}

/** `run`: the suites against the gateway a target file describes. */
export async function runAction(context: CommandContext, suites: string[], flags: SessionFlags): Promise<void> {
  const target = await readTarget(flags.target);
  const prepared = await prepare(suites, flags, target, context);
  if (!prepared) return;
  const { runSession } = await import('../run/session.ts');
  context.exitCode = await runSession(sessionOptions(context, 'run', flags, prepared, target));
}
