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
import { catalogueHash, checkBaselineFits, scenarioHash } from '../gate/baseline-fit.ts';
import { describeMachine } from '../reporters/machine.ts';
import { loadScenario } from '../scenario/load.ts';
import { type ProfileName, describeCost, withProfile } from '../scenario/performance-profile.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import { writeErrorJunit } from '../reporters/run-report.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { plannedTarget, printCaseList } from './case-plan.ts';

interface SessionFlags extends EnvironmentFlags, Partial<NotifyFlags>, LoadWorkersFlags {
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

function session(context: CommandContext, command: string, flags: SessionFlags, prepared: Prepared, target: LoadedTarget): Promise<number> {
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
    .addOption(sharedOptions.concurrency())
    .addOption(sharedOptions.list())
    .addOption(sharedOptions.baseline())
    .addOption(sharedOptions.baselineSubset())
    .addOption(sharedOptions.baselineOtherMachine())
    .addOption(sharedOptions.compareTarget())
    .addOption(sharedOptions.profile())
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.httpPort())
    .addOption(sharedOptions.httpsPort())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.json())
    .addHelpText('after', `${caseExamples('validate')}\nExit codes: 0 pass, 1 the gate failed (or could not decide), 2 meshgate could not do its job (bad input, nothing selected, environment would not start, interrupted).`)
    .action(async (suites: string[], flags: SessionFlags) => {
      const prepared = await prepare(suites, flags, plannedTarget(await loadScenario(flags.scenario), flags.env), context);
      if (!prepared) return;
      const logsDir = join(flags.reports, prepared.runId, 'cluster-logs');
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
    });
}

/** `run`: the suites against any gateway a target file describes, whoever started it. */
export function runCommand(context: CommandContext): Command {
  return addLoadWorkersOptions(new Command('run'))
    .description('run suites against the gateway a target file describes (from `meshgate up`, or written by hand)')
    .argument('[suites...]', 'suites to run (default: all)')
    .addOption(sharedOptions.target())
    .addOption(sharedOptions.casePattern())
    .addOption(sharedOptions.concurrency())
    .addOption(sharedOptions.list())
    .addOption(sharedOptions.baseline())
    .addOption(sharedOptions.baselineSubset())
    .addOption(sharedOptions.baselineOtherMachine())
    .addOption(sharedOptions.compareTarget())
    .addOption(sharedOptions.profile())
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.json())
    .addHelpText('after', caseExamples('run --target FILE'))
    .action(async (suites: string[], flags: SessionFlags) => {
      const target = await readTarget(flags.target);
      const prepared = await prepare(suites, flags, target, context);
      if (prepared) context.exitCode = await session(context, 'run', flags, prepared, target);
    });
}

/** `--case` examples for --help; tests/e2e/case-selection.test.ts runs each one, so they stay true. */
const caseExampleArgs = [
  ['cors', '--case', '^preflight-allowed-origin$'],
  ['ssl', 'protocols', '--case', '^(tlsv12-accepted|http2-negotiated-by-alpn)$'],
  ['--case', '^websocket-echo-wss\\[ns-k8x2m9qa/'],
  ['--list'],
] as const;

function caseExamples(command: string): string {
  const quote = (arg: string) => (arg.startsWith('-') || /^[a-z-]+$/.test(arg) ? arg : `'${arg}'`);
  return `\nExamples (\`--case\` matches the case id; with a [ it matches id[subject]):\n${caseExampleArgs.map((args) => `  meshgate ${command} ${args.map(quote).join(' ')}`).join('\n')}\n`;
}
