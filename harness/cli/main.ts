import { Command, CommanderError } from 'commander';
import { InterruptedError, MeshgateError, errorMessage } from '../errors.ts';
import type { CommandContext } from './command-context.ts';
import { baselineCommand } from './baseline-command.ts';
import { runCommand, validateCommand } from './commands.ts';
import { doctorCommand } from './doctor-command.ts';
import { fixtureCommand } from './fixture-command.ts';
import { checkTimeoutOverrides } from '../timeouts.ts';
import { interruptSignal } from './interrupt.ts';
import { judgeCommand } from './judge-command.ts';
import { manifestsCommand } from './manifests-command.ts';
import { loadWorkerCommand } from './load-worker-command.ts';
import { downCommand, upCommand } from './up-down-commands.ts';
import { watchCommand } from './watch-command.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs the CLI and resolves with the exit code: 0 pass, 1 gate failed, 2 harness error. */
export async function main(argv: string[]): Promise<number> {
  const interrupt = interruptSignal(log);
  const context: CommandContext = { log, signal: interrupt.signal, exitCode: 0 };
  const program = new Command('meshgate')
    .description('Tests and benchmarks a gateway with Sealos-like tenants behind it, and gates a cutover on the results.')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nStart with `meshgate validate`: the embedded local environment (nginx on loopback), all suites, a verdict.\nExit codes: 0 pass, 1 gate failed, 2 meshgate could not do its job.');
  for (const command of [validateCommand, upCommand, runCommand, downCommand, watchCommand, judgeCommand, baselineCommand, fixtureCommand, doctorCommand, manifestsCommand, loadWorkerCommand]) {
    program.addCommand(command(context).exitOverride());
  }
  try {
    checkTimeoutOverrides();
    await program.parseAsync(argv);
    return context.exitCode;
  } catch (error) {
    // Whatever a signal broke on its way out (an aborted wait, a fixture killed by the
    // same Ctrl-C), the cause is the interruption, and that is what the user is told.
    return exitCodeOf(interrupt.signal.aborted ? new InterruptedError(interrupt.signal.reason as NodeJS.Signals) : error);
  } finally {
    interrupt.dispose();
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; any other parse problem is a usage error.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof MeshgateError) {
    log(`meshgate: error [${error.code}]: ${error.message}`);
    return error.exitCode;
  }
  log(`meshgate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}`);
  return 2;
}
