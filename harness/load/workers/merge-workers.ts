import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { MeshgateError } from '../../errors.ts';
import { mergeLoadResults, newHistogram } from '../load-recorder.ts';
import type { LoadResult, LoadWindow } from '../../results/load-result.ts';
import type { WorkerResult } from './run-worker.ts';

/** A worker that started this much after the common start would shift its windows by one: ms. */
const maxLateMs = 1000;

/** The workers' results could not be merged into one load (missing, late, or not the same load). */
export class WorkerMergeError extends MeshgateError {
  constructor(message: string) {
    super('E_LOAD_WORKERS', message);
  }
}

/**
 * One result from N workers that ran side by side: whole-run histograms and counts merged
 * exactly as interleaved rounds are (`mergeLoadResults`, through the encoded histograms);
 * windows merged second by second from each window's histogram, since the workers'
 * seconds coincide rather than follow one another. Duration is the common duration.
 */
export function mergeWorkerResults(parts: readonly WorkerResult[], expected: number): LoadResult {
  if (parts.length !== expected) throw new WorkerMergeError(`${parts.length} of ${expected} load workers sent a result`);
  const late = parts.filter((part) => part.lateMs > maxLateMs);
  if (late.length > 0) throw new WorkerMergeError(`load worker(s) ${late.map((part) => `${part.index} (+${part.lateMs} ms)`).join(', ')} started after the common start: their windows would not line up`);
  const results = parts.map((part) => part.result);
  const rounds = mergeLoadResults(results);
  const durationMs = results[0]!.durationMs;
  const seconds = Math.max(...results.map((result) => result.windowHistograms.length));
  const windows: LoadWindow[] = Array.from({ length: seconds }, (_, second) => {
    const histogram = newHistogram();
    let errors = 0;
    for (const result of results) {
      const encoded = result.windowHistograms[second];
      if (encoded) histogram.add(decodeFromCompressedBase64(encoded));
      errors += result.windows[second]?.errors ?? 0;
    }
    const requests = histogram.totalCount;
    return { second, requests, errors, p50Us: histogram.getValueAtPercentile(50), p95Us: histogram.getValueAtPercentile(95), p99Us: histogram.getValueAtPercentile(99) };
  });
  const { windowHistograms: _dropped, ...merged } = rounds;
  return {
    ...merged,
    concurrency: results.reduce((sum, result) => sum + result.concurrency, 0),
    ...(results[0]!.targetRate === undefined ? {} : { targetRate: results.reduce((sum, result) => sum + (result.targetRate ?? 0), 0) }),
    durationMs,
    rps: rounds.requests / (durationMs / 1000),
    windows,
  };
}
