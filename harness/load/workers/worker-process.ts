import { readFile } from 'node:fs/promises';
import { text as readStream } from 'node:stream/consumers';
import { InputFileError, UsageError, errorMessage } from '../../errors.ts';
import { parseLoadSpec } from './load-spec.ts';
import { READY_LINE, RESULT_PREFIX, runWorker } from './run-worker.ts';

/** The spec's text: `-` reads stdin after the ready line, `@file` a file (an Indexed Job's ConfigMap), anything else is the JSON itself. */
async function specText(value: string): Promise<{ text: string; source: string }> {
  if (value === '-') {
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
 * One worker process (`meshgate load-worker`): reads the spec, runs worker `index`'s
 * share of it, and prints one line, `meshgate-load-result <JSON>`, with its result,
 * window histograms included.
 */
export async function runWorkerProcess(spec: string, index: number, signal: AbortSignal): Promise<void> {
  const { text, source } = await specText(spec);
  const parsed = parseLoadSpec(text, source);
  if (index >= parsed.workers) throw new UsageError(`worker index ${index} out of range (spec has ${parsed.workers} workers)`);
  const result = await runWorker(parsed, index, signal);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}
