// The work of `validate` and `run`, loaded only when one of them runs: `--help`
// and every other command must not pay for the environments, vitest and the gate.
import { resolveScenario } from '../scenario/resolve.ts';
import { selectSuites } from '../runner/run-suites.ts';
import type { CommandContext } from './command-context.ts';
import { type LoadedTarget, readTarget } from '../target.ts';
import { checkRunId, newRunId } from './options.ts';
import { readBaseline } from '../gate/baseline.ts';
import type { SessionOptions } from './run-session.ts';
import type { EnvironmentFlags } from './start-environment.ts';
import { join } from 'node:path';
import { type NotifyFlags, noticeOfReport, notify } from './notify-options.ts';
import { type LoadWorkersFlags, exportLoadWorkersSettings } from './load-workers-options.ts';
import { catalogueHash, checkBaselineFits, scenarioHash } from '../gate/baseline-fit.ts';
import { describeMachine } from '../reporters/machine.ts';
import { loadScenario } from '../scenario/load.ts';
import { type ProfileName, describeCost, withProfile } from '../scenario/performance-profile.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { plannedTarget, printCaseList } from './case-plan.ts';

export interface SessionFlags extends EnvironmentFlags, Partial<NotifyFlags>, LoadWorkersFlags {
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

/** What validate and run check before anything starts, so bad input costs nothing (exit 2). */
interface Prepared {
  runId: string;
  suites: string[];
  baseline: SessionOptions['baseline'];
  compareTarget: SessionOptions['compareTarget'];
  performance: SessionOptions['performance'];
}

/**
 * Checks the command line against what the scenario yields before anything
 * starts: suites, `--case` (syntax, and that it selects a case), run id, and
 * whether the baseline fits this scenario, case catalogue and machine class. With
 * `--list`, prints the selected cases and returns undefined.
 */
async function prepare(requested: string[], flags: SessionFlags, planned: LoadedTarget, context: CommandContext): Promise<Prepared | undefined> {
  exportLoadWorkersSettings(flags);
  const suites = await selectSuites(requested);
  // Every suite's cases (load engine, gRPC, WebSocket clients): imported only by the commands that select cases.
  const { planCases, selectCases } = await import('../suite/case-selection.ts');
  const cases = selectCases(planCases(suites, planned), flags.case, suites);
  if (flags.list) {
    printCaseList(cases, context, Boolean(flags.json));
    return undefined;
  }
  const runId = checkRunId(flags.runId ?? newRunId());
  const identity = { scenarioHash: scenarioHash(planned.scenario), catalogueHash: await catalogueHash(), machine: describeMachine() };
  const baseline = flags.baseline === undefined ? undefined : { file: flags.baseline, content: await readBaseline(flags.baseline) };
  const accepted = baseline ? checkBaselineFits(baseline.file, baseline.content, identity, { subset: flags.baselineSubset, otherMachine: flags.baselineOtherMachine }) : [];
  const compareTarget = flags.compareTarget === undefined ? undefined : { file: flags.compareTarget, content: await readTarget(flags.compareTarget) };
  const performance = withProfile(planned.resolved.performance, flags.profile);
  const live = compareTarget !== undefined || (flags.env !== undefined && flags.env !== 'local' && flags.mode === 'dual');
  if (suites.includes('performance')) {
    if (performance.profile === 'gate' && !baseline && !live) throw new UsageError('the gate profile needs a reference: --baseline FILE (k >= 3 runs) or --compare-target FILE (live A/B)');
    context.log(`meshgate: ${describeCost(performance, performance.targets.length, live)}`);
  }
  return { runId, suites, baseline, compareTarget, performance: { levels: performance, accepted, catalogueHash: identity.catalogueHash } };
}

async function session(context: CommandContext, command: string, flags: SessionFlags, prepared: Prepared, target: LoadedTarget): Promise<number> {
  const { runSession } = await import('./run-session.ts');
  return runSession({
    target,
    baseline: prepared.baseline,
    compareTarget: prepared.compareTarget,
    performance: prepared.performance,
    suites: prepared.suites,
    casePattern: flags.case,
    concurrency: flags.concurrency,
    reportsDir: flags.reports,
    runId: prepared.runId,
    printJson: flags.json ? context.printJson : undefined,
    metrics: { file: flags.metricsOut, pushgateway: flags.pushgateway },
    options: { command, ...flags, pushgateway: flags.pushgateway?.href, suites: prepared.suites, runId: prepared.runId },
    signal: context.signal,
    log: context.log,
    onReport: (report, exitCode) => notify(context, flags, noticeOfReport(command, report, exitCode, flags, join(flags.reports, report.runId))),
  });
}

/** `validate`: up, run every (or the chosen) suite, gate, down. */
export async function validateAction(context: CommandContext, suites: string[], flags: SessionFlags): Promise<void> {
  const prepared = await prepare(suites, flags, plannedTarget(await loadScenario(flags.scenario), flags.env), context);
  if (!prepared) return;
  const logsDir = join(flags.reports, prepared.runId, 'cluster-logs');
  // The environments and reporters load once the input has passed every check.
  const [{ startEnvironment }, { writeErrorJunit }] = await Promise.all([import('./start-environment.ts'), import('../reporters/run-report.ts')]);
  const environment = await startEnvironment({ ...flags, runId: prepared.runId, logsDir, signal: context.signal, log: context.log }).catch(async (error: unknown) => {
    const cause = context.signal.aborted ? new InterruptedError(context.signal.reason as NodeJS.Signals) : error;
    await writeErrorJunit(join(flags.reports, prepared.runId), prepared.runId, cause);
    throw error;
  });
  try {
    const target = environment.target();
    // Dual mode: ingress-nginx beside Istio is the live reference, unless one was given.
    const reference = environment.referenceTarget?.();
    const compareTarget = prepared.compareTarget ?? (reference && { file: `${reference.gateway.software} in the same cluster`, content: { ...reference, resolved: resolveScenario(reference.scenario) } });
    context.exitCode = await session(context, 'validate', flags, { ...prepared, compareTarget }, { ...target, resolved: resolveScenario(target.scenario) });
    if (context.exitCode !== 0 && environment.exportLogs) {
      context.log(`meshgate: saving the cluster's logs to ${logsDir}`);
      await environment.exportLogs(logsDir).catch((error: unknown) => context.log(`meshgate: could not save the cluster's logs: ${String(error)}`));
    }
  } finally {
    context.log('meshgate: stopping the environment');
    await environment.stop();
  }
}

/** `run`: the suites against the gateway a target file describes. */
export async function runAction(context: CommandContext, suites: string[], flags: SessionFlags): Promise<void> {
  const target = await readTarget(flags.target);
  const prepared = await prepare(suites, flags, target, context);
  if (prepared) context.exitCode = await session(context, 'run', flags, prepared, target);
}
