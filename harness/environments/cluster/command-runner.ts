import { execa } from 'execa';
import { EnvironmentError } from '../../errors.ts';
import type { Timeouts } from '../../timeouts.ts';

/** How one command ended. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Bound on the whole command, ms (one of the timeouts of the run). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Written to stdin (e.g. a kind config or a manifest). */
  input?: string;
  /** Working directory; default the current one. */
  cwd?: string;
  /** Resolve with a non-zero exit code instead of throwing (for probes such as `docker info`). */
  allowFailure?: boolean;
}

/**
 * Runs the cluster tools (kind, docker, istioctl, helm, kubectl). The fake in the
 * tests records the exact argv sequence, so the command lines here are the ones
 * the documentation of those tools gives, checked by those tests.
 */
export interface CommandRunner {
  run(file: string, args: string[], options: RunOptions): Promise<CommandResult>;
}

/** What runs the commands of a cluster: the runner, and the timeouts of the run that bound each command. */
export interface ClusterTools {
  runner: CommandRunner;
  timeouts: Timeouts;
}

/** The real runner: execa, stdin from `input`, output kept for the error message. */
export const execaRunner: CommandRunner = {
  async run(file, args, options) {
    const result = await execa(file, args, {
      reject: false,
      input: options.input,
      cwd: options.cwd,
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      cleanup: true,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.failed && result.exitCode === undefined) {
      const why = (result as { code?: string }).code === 'ENOENT' ? `${file} not found (meshgate doctor --env kind says what to install)` : result.shortMessage;
      throw new EnvironmentError(`${commandLine(file, args)}: ${why}`);
    }
    const outcome = { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
    if (outcome.exitCode !== 0 && !options.allowFailure) {
      throw new EnvironmentError(`${commandLine(file, args)} exited with ${outcome.exitCode}: ${lastLines(outcome.stderr || outcome.stdout)}`);
    }
    return outcome;
  },
};

/** The command as a person would retype it. */
export function commandLine(file: string, args: string[]): string {
  return [file, ...args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
