import { Command } from 'commander';
import { resolveScenario } from '../scenario/resolve.ts';
import { selectSuites } from '../runner/run-suites.ts';
import type { CommandContext } from './command-context.ts';
import { type LoadedTarget, readTarget } from '../target.ts';
import { checkRunId, addClusterOptions, newRunId, sharedOptions } from './options.ts';
import { readBaseline } from '../gate/baseline.ts';
import { type SessionOptions, runSession } from './run-session.ts';
import { type EnvironmentFlags, startEnvironment } from './start-environment.ts';
import { join } from 'node:path';
import { type NotifyFlags, addNotifyOptions, noticeOfReport, notify } from './notify-options.ts';
import { type LoadWorkersFlags, addLoadWorkersOptions, exportLoadWorkersSettings } from './load-workers-options.ts';
import { UsageError } from '../errors.ts';
import { catalogueHash, checkBaselineFits, scenarioHash } from '../gate/baseline-fit.ts';
import { describeMachine } from '../reporters/machine.ts';
import { loadScenario } from '../scenario/load.ts';
import { type ProfileName, describeCost, withProfile } from '../scenario/performance-profile.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';

interface SessionFlags extends EnvironmentFlags, Partial<NotifyFlags>, LoadWorkersFlags {
  reports: string;
  runId?: string;
  case?: string;
  json?: boolean;
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

/** The scenario a run will use, known before it starts: validate's scenario file, run's target file. */
type ScenarioSource = () => Promise<{ input: unknown; resolved: ResolvedScenario }>;

async function prepare(suites: string[], flags: SessionFlags, scenario: ScenarioSource, log: (line: string) => void): Promise<Prepared> {
  exportLoadWorkersSettings(flags);
  const runId = checkRunId(flags.runId ?? newRunId());
  const selected = await selectSuites(suites);
  const { input, resolved } = await scenario();
  const identity = { scenarioHash: scenarioHash(input), catalogueHash: await catalogueHash(), machine: describeMachine() };
  const baseline = flags.baseline === undefined ? undefined : { file: flags.baseline, content: await readBaseline(flags.baseline) };
  const accepted = baseline ? checkBaselineFits(baseline.file, baseline.content, identity, { subset: flags.baselineSubset, otherMachine: flags.baselineOtherMachine }) : [];
  const compareTarget = flags.compareTarget === undefined ? undefined : { file: flags.compareTarget, content: await readTarget(flags.compareTarget) };
  const performance = withProfile(resolved.performance, flags.profile);
  const live = compareTarget !== undefined || (flags.env !== undefined && flags.env !== 'local' && flags.mode === 'dual');
  if (selected.includes('performance')) {
    if (performance.profile === 'gate' && !baseline && !live) throw new UsageError('the gate profile needs a reference: --baseline FILE (k >= 3 runs) or --compare-target FILE (live A/B)');
    log(`meshgate: ${describeCost(performance, performance.targets.length, live)}`);
  }
  return { runId, suites: selected, baseline, compareTarget, performance: { levels: performance, accepted, catalogueHash: identity.catalogueHash } };
}

function session(context: CommandContext, command: string, flags: SessionFlags, prepared: Prepared, target: LoadedTarget): Promise<number> {
  return runSession({
    target,
    baseline: prepared.baseline,
    compareTarget: prepared.compareTarget,
    performance: prepared.performance,
    suites: prepared.suites,
    casePattern: flags.case,
    reportsDir: flags.reports,
    runId: prepared.runId,
    json: Boolean(flags.json),
    options: { command, ...flags, suites: prepared.suites, runId: prepared.runId },
    signal: context.signal,
    log: context.log,
    onReport: (report, exitCode) => notify(context, flags, noticeOfReport(command, report, exitCode, join(flags.reports, report.runId))),
  });
}

/** `validate`: up, run every (or the chosen) suite, gate, down. The cutover script's call. */
export function validateCommand(context: CommandContext): Command {
  return addLoadWorkersOptions(addNotifyOptions(addClusterOptions(new Command('validate'))))
    .description('start an environment, run the suites through its gateway, gate the results, stop everything')
    .argument('[suites...]', 'suites to run (default: all): multi-tenant, protocols, ssl, cors, performance')
    .addOption(sharedOptions.env())
    .addOption(sharedOptions.scenario())
    .addOption(sharedOptions.casePattern())
    .addOption(sharedOptions.baseline())
    .addOption(sharedOptions.baselineSubset())
    .addOption(sharedOptions.baselineOtherMachine())
    .addOption(sharedOptions.compareTarget())
    .addOption(sharedOptions.profile())
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.httpPort())
    .addOption(sharedOptions.httpsPort())
    .addOption(sharedOptions.json())
    .addHelpText('after', '\nExit codes: 0 pass, 1 the gate failed (or could not decide), 2 meshgate could not do its job (bad input, environment would not start, interrupted).')
    .action(async (suites: string[], flags: SessionFlags) => {
      const prepared = await prepare(suites, flags, () => loadScenario(flags.scenario), context.log);
      const logsDir = join(flags.reports, prepared.runId, 'cluster-logs');
      const environment = await startEnvironment({ ...flags, runId: prepared.runId, logsDir, signal: context.signal, log: context.log });
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
    });
}

/** `run`: the suites against any gateway a target file describes, whoever started it. */
export function runCommand(context: CommandContext): Command {
  return addLoadWorkersOptions(new Command('run'))
    .description('run suites against the gateway a target file describes (from `meshgate up`, or written by hand)')
    .argument('[suites...]', 'suites to run (default: all)')
    .addOption(sharedOptions.target())
    .addOption(sharedOptions.casePattern())
    .addOption(sharedOptions.baseline())
    .addOption(sharedOptions.baselineSubset())
    .addOption(sharedOptions.baselineOtherMachine())
    .addOption(sharedOptions.compareTarget())
    .addOption(sharedOptions.profile())
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.json())
    .action(async (suites: string[], flags: SessionFlags) => {
      const target = await readTarget(flags.target);
      const prepared = await prepare(suites, flags, async () => ({ input: target.scenario, resolved: target.resolved }), context.log);
      context.exitCode = await session(context, 'run', flags, prepared, target);
    });
}
