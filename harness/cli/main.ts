import { Command, CommanderError } from 'commander';
import { InterruptedError, MeshgateError, errorMessage } from '../errors.ts';
import { type CliOutput, type CommandContext, processOutput } from './command-context.ts';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import { baselineCommand } from './baseline-command.ts';
import { runCommand, validateCommand } from './commands.ts';
import { doctorCommand } from './doctor-command.ts';
import { fixtureCommand } from './fixture-command.ts';
import { inventoryCommand } from './inventory-command.ts';
import { parityCommand } from './parity-command.ts';
import { parityWorkerCommand } from './parity-worker-command.ts';
import { resolveTimeouts } from '../timeouts.ts';
import { interruptSignal } from './interrupt.ts';
import { judgeCommand } from './judge-command.ts';
import { manifestsCommand } from './manifests-command.ts';
import { loadWorkerCommand } from './load-worker-command.ts';
import { translateCommand } from './translate-command.ts';
import { downCommand, upCommand } from './up-down-commands.ts';
import { watchCommand } from './watch-command.ts';
import { redact } from '../redact.ts';

/**
 * Runs the CLI over the suites `catalogue` loads and resolves with the exit code: 0 pass,
 * 1 gate failed, 2 harness error. `output` is where it writes (the process's streams
 * unless a caller captures them).
 */
export async function main(argv: string[], catalogue: () => Promise<SuiteCatalogue>, output: CliOutput = processOutput): Promise<number> {
  // Every line to stderr and every --json document passes the one redaction (harness/redact.ts).
  const log = (line: string) => output.stderr(`${redact(line)}\n`);
  const interrupt = interruptSignal(log);
  // Held until the command has ended (cleanup logged): in a pod, whose log merges stdout
  // and stderr, the document is then the log's last line, whole.
  let document: object | undefined;
  const printJson = (value: object) => {
    document = value;
  };
  const print = output.stdout;
  const context: CommandContext = { catalogue, log, print, signal: interrupt.signal, exitCode: 0, printJson };
  const program = new Command('meshgate')
    .description('Tests and benchmarks a gateway with Sealos-like tenants behind it, and gates a cutover on the results.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nStart with `meshgate validate`: the embedded local environment (nginx on loopback), all suites, a verdict.\nExit codes: 0 pass, 1 gate failed, 2 meshgate could not do its job.');
  for (const command of [validateCommand, upCommand, runCommand, downCommand, watchCommand, judgeCommand, baselineCommand, inventoryCommand, translateCommand, parityCommand, fixtureCommand, doctorCommand, manifestsCommand, loadWorkerCommand, parityWorkerCommand]) {
    program.addCommand(command(context).exitOverride());
  }
  writeTo(program, output);
  let failure: { exitCode: number; error: { code: string; message: string } } | undefined;
  try {
    // A malformed MESHGATE_TIMEOUT_* variable is a usage error for every command, before anything runs.
    resolveTimeouts(process.env);
    await program.parseAsync(argv);
  } catch (error) {
    // Whatever a signal broke on its way out (an aborted wait, a fixture killed by the
    // same Ctrl-C), the cause is the interruption, and that is what the user is told.
    failure = describeFailure(log, interrupt.signal.aborted ? new InterruptedError(interrupt.signal.reason as NodeJS.Signals) : error);
  } finally {
    interrupt.dispose();
  }
  const exitCode = failure?.exitCode ?? context.exitCode;
  // Exit 2 before a verdict was sent (missing kubeconfig, Prometheus unreachable) is news too.
  if (failure && exitCode === 2) await context.notifyFailure?.(failure.error);
  // A script reading stdout of `--json` always gets one document, whatever happened.
  if (argv.includes('--json') && !document && !argv.includes('--help')) document = { status: 'error', exitCode, error: failure?.error ?? null };
  if (document) print(`${redact(JSON.stringify(document))}\n`);
  return exitCode;
}

/** Help and parse errors of every command and subcommand go to `output` (commander does not pass this on to added commands). */
function writeTo(command: Command, output: CliOutput): void {
  command.configureOutput({ writeOut: output.stdout, writeErr: (text) => output.stderr(redact(text)) });
  for (const sub of command.commands) writeTo(sub, output);
}

function describeFailure(log: (line: string) => void, error: unknown): { exitCode: number; error: { code: string; message: string } } {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; any other parse problem is a usage error.
    return { exitCode: error.exitCode === 0 ? 0 : 2, error: { code: 'E_USAGE', message: error.message.replace(/^error: /, '') } };
  }
  if (error instanceof MeshgateError) {
    log(`meshgate: error [${error.code}]: ${error.message}`);
    return { exitCode: error.exitCode, error: { code: error.code, message: error.message } };
  }
  log(`meshgate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}`);
  return { exitCode: 2, error: { code: 'E_INTERNAL', message: errorMessage(error) } };
}
