import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.ts';
import { wholeNumber } from './options.ts';

/**
 * `parity-worker`: one pod of `parity --workers N`. Compares its slice of the hosts and
 * prints one line, `meshgate-parity-result <JSON>`, with its report. In an Indexed Job the
 * index comes from JOB_COMPLETION_INDEX (kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode).
 */
export function parityWorkerCommand(context: CommandContext): Command {
  return new Command('parity-worker')
    .description("compare one worker's slice of a parity spec's hosts and print its result line (what parity --workers starts as an Indexed Job)")
    .addOption(new Option('--spec <@file>', "the parity spec: @file (the Indexed Job's ConfigMap)").makeOptionMandatory())
    .addOption(new Option('--index <n>', "this worker's index").argParser(wholeNumber('--index', 0, 999)).env('JOB_COMPLETION_INDEX').makeOptionMandatory())
    .action(async (flags: { spec: string; index: number }) => {
      const { runParityWorker } = await import('../parity/parity-job.ts');
      context.print(await runParityWorker(flags.spec.replace(/^@/, ''), flags.index, context.signal, context.log));
    });
}
