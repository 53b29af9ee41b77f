import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, CommandRunner, RunOptions } from '../../harness/environments/cluster/command-runner.ts';
import { EnvironmentError } from '../../harness/errors.ts';

/** The cluster environment's own temp folder (mkdtemp adds six characters). */
const workDirPattern = new RegExp(`${join(tmpdir(), 'meshgate-cluster-').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[A-Za-z0-9]{6}(?=/)`, 'g');

/** An answer to one command line: its output, or a failure. */
type Answer = Partial<CommandResult> | ((args: string[]) => Partial<CommandResult> | Promise<Partial<CommandResult>>);

/**
 * Stands in for kind, docker, istioctl and helm, which cannot run on this
 * project's CI machines: records every command line in order, answers from a
 * table keyed by the start of the line (`kind create cluster`), and fails like
 * the real runner on a non-zero exit.
 */
export class FakeCommandRunner implements CommandRunner {
  readonly calls: string[][] = [];

  constructor(private readonly answers: Record<string, Answer> = {}) {}

  async run(file: string, args: string[], options: RunOptions): Promise<CommandResult> {
    const line = [file, ...args];
    this.calls.push(line);
    options.signal?.throwIfAborted();
    const key = Object.keys(this.answers)
      .filter((prefix) => line.join(' ').startsWith(prefix))
      .sort((a, b) => b.length - a.length)[0];
    const answer = key === undefined ? {} : this.answers[key]!;
    const result = { exitCode: 0, stdout: '', stderr: '', ...(typeof answer === 'function' ? await answer(args) : answer) };
    if (result.exitCode !== 0 && !options.allowFailure) throw new EnvironmentError(`${line.join(' ')} exited with ${result.exitCode}: ${result.stderr}`);
    return result;
  }

  /** The recorded lines as strings, with a folder prefix replaced so they read like the documentation. */
  lines(): string[] {
    return this.calls.map((call) => call.join(' ').replace(workDirPattern, 'WORK'));
  }
}

/** What `kind create cluster --kubeconfig FILE` does that matters here: it writes FILE. */
export function writesKubeconfig(kubeconfig: string): Answer {
  return async (args) => {
    await writeFile(args[args.indexOf('--kubeconfig') + 1]!, kubeconfig);
    return {};
  };
}
