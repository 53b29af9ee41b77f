import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { InputFileError, UsageError, errorMessage } from '../errors.ts';
import { text as readStream } from 'node:stream/consumers';
import type { CommandContext } from './command-context.ts';

function parseIndex(value: string): number {
  const index = Number(value);
  if (!/^[0-9]+$/.test(value) || index > 999) throw new UsageError(`not a worker index: ${value} (0-999)`);
  return index;
}

async function specText(value: string): Promise<{ text: string; source: string }> {
  if (value === '-') {
    const { READY_LINE } = await import('../load/workers/run-worker.ts');
    // Local workers: say we are up, then the caller sends the spec with the common start.
    process.stdout.write(`${READY_LINE}\n`);
    return { text: await readStream(process.stdin), source: 'stdin' };
  }
  if (!value.startsWith('@')) return { text: value, source: '--spec' };
  const file = value.slice(1);
  try {
    return { text: await readFile(file, 'utf8'), source: file };
  } catch (error) {
    throw new InputFileError(file, `cannot read load spec: ${errorMessage(error)}`);
  }
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
      const { text, source } = await specText(flags.spec);
      const [{ parseLoadSpec }, { RESULT_PREFIX, runWorker }] = await Promise.all([import('../load/workers/load-spec.ts'), import('../load/workers/run-worker.ts')]);
      const spec = parseLoadSpec(text, source);
      if (flags.index >= spec.workers) throw new UsageError(`worker index ${flags.index} out of range (spec has ${spec.workers} workers)`);
      const result = await runWorker(spec, flags.index, context.signal);
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
    });
}
