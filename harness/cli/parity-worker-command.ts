import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { readInputFile } from '../input-file.ts';
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
      const { PARITY_RESULT_PREFIX, parseParityJobSpec, runParityShard } = await import('../parity/parity-job.ts');
      const file = flags.spec.replace(/^@/, '');
      const spec = parseParityJobSpec(await readInputFile(file, 'the parity spec'), file);
      if (flags.index >= spec.workers) throw new UsageError(`worker index ${flags.index} out of range (the spec has ${spec.workers} workers)`);
      const report = await runParityShard(spec, flags.index, context.signal, context.log);
      const { redact } = await import('../redact.ts');
      context.print(`${PARITY_RESULT_PREFIX}${redact(JSON.stringify(report))}\n`);
    });
}
