import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';

function parseIndex(value: string): number {
  const index = Number(value);
  if (!/^[0-9]+$/.test(value) || index > 999) throw new UsageError(`not a worker index: ${value} (0-999)`);
  return index;
}

/**
 * `load-worker`: one worker of a load spread over N processes or pods. Prints one line,
 * `meshgate-load-result <JSON>`, with its result, window histograms included.
 * In an Indexed Job the index comes from JOB_COMPLETION_INDEX (kubernetes.io/docs/concepts/
 * workloads/controllers/job/#completion-mode: "the Pod's index ... in the environment
 * variable JOB_COMPLETION_INDEX").
 */
export function loadWorkerCommand(context: CommandContext): Command {
  return new Command('load-worker')
    .description('run one worker\'s share of a load spec and print its result line (what --load-workers starts, locally or as an Indexed Job)')
    .addOption(new Option('--spec <json|@file>', 'the load spec: JSON, @file (an Indexed Job\'s ConfigMap), or - (stdin, after a ready line)').makeOptionMandatory())
    .addOption(new Option('--index <n>', 'this worker\'s index').argParser(parseIndex).env('JOB_COMPLETION_INDEX').makeOptionMandatory())
    .action(async (flags: { spec: string; index: number }) => {
      const { runWorkerProcess } = await import('../load/workers/worker-process.ts');
      await runWorkerProcess(flags.spec, flags.index, context.signal);
    });
}
