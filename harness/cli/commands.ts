import { Command } from 'commander';
import type { CommandContext } from './command-context.ts';
import { addClusterOptions, sharedOptions } from './options.ts';
import { addNotifyOptions } from './notify-options.ts';
import { addLoadWorkersOptions } from './load-workers-options.ts';
import { printCaseList } from './case-plan.ts';
import { type MonitoringFlags, verdictOutputs } from './monitoring.ts';
import { timeoutsOf } from './options.ts';
import type { SessionInput, SessionOutcome } from '../run/session-commands.ts';

type SessionFlags = Omit<SessionInput, 'timeouts'> & MonitoringFlags;

/** `validate`: up, run every (or the chosen) suite, gate, down. The cutover script's call. */
export function validateCommand(context: CommandContext): Command {
  return addLoadWorkersOptions(addNotifyOptions(addClusterOptions(new Command('validate')), context))
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
    .addOption(sharedOptions.gateMaxRounds())
    .addOption(sharedOptions.gateMaxMinutes())
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.httpPort())
    .addOption(sharedOptions.httpsPort())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.timeouts())
    .addOption(sharedOptions.json())
    .addHelpText('after', `${caseExamples('validate')}\nExit codes: 0 pass, 1 the gate failed (or could not decide), 2 meshgate could not do its job (bad input, nothing selected, environment would not start, interrupted).`)
    .action(async (suites: string[], flags: SessionFlags) => {
      const { validateSuites } = await import('../run/session-commands.ts');
      end(context, flags, await validateSuites(suites, { ...flags, timeouts: timeoutsOf(flags) }, { ...verdictOutputs(context, flags), catalogue: context.catalogue, signal: context.signal }));
    });
}

/** `run`: the suites against any gateway a target file describes, whoever started it. */
export function runCommand(context: CommandContext): Command {
  return addLoadWorkersOptions(addNotifyOptions(new Command('run'), context))
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
    .addOption(sharedOptions.gateMaxRounds())
    .addOption(sharedOptions.gateMaxMinutes())
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.timeouts())
    .addOption(sharedOptions.json())
    .addHelpText('after', caseExamples('run --target FILE'))
    .action(async (suites: string[], flags: SessionFlags) => {
      const { runSuites } = await import('../run/session-commands.ts');
      end(context, flags, await runSuites(suites, { ...flags, timeouts: timeoutsOf(flags) }, { ...verdictOutputs(context, flags), catalogue: context.catalogue, signal: context.signal }));
    });
}

/** `--list` prints the selected cases; a run's exit code is the command's. */
function end(context: CommandContext, flags: SessionFlags, outcome: SessionOutcome): void {
  if ('listed' in outcome) printCaseList(outcome.listed, context, Boolean(flags.json));
  else context.exitCode = outcome.exitCode;
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
