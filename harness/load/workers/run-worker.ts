import { setTimeout as sleep } from 'node:timers/promises';
import { runClosedLoop } from '../closed-loop.ts';
import { grpcUnaryDriver, httpDriver, websocketDriver } from '../load-driver.ts';
import type { LoadDriver, LoadTarget } from '../load-session.ts';
import type { LoadResult } from '../../results/load-result.ts';
import { runOpenLoop } from '../open-loop.ts';
import { type LoadSpec, shareOf } from './load-spec.ts';

/** What one worker sends back: its result with every window's histogram, and how late it started. */
export interface WorkerResult {
  index: number;
  /** ms between the common start and this worker's actual start (0 when on time). */
  lateMs: number;
  result: LoadResult & { windowHistograms: string[] };
}

/** What a worker reading its spec on stdin prints once it is up: the caller then sends the spec. */
export const READY_LINE = 'meshgate-load-ready';

/** Prefix of the one stdout (pod log) line that carries a worker's result as JSON. */
export const RESULT_PREFIX = 'meshgate-load-result ';

const drivers: Record<LoadSpec['protocol'], (target: LoadTarget) => LoadDriver> = { http: httpDriver, grpc: grpcUnaryDriver, websocket: websocketDriver };

/** Runs worker `index`'s share of `spec` from the common start, through the same engines a single run uses. */
export async function runWorker(spec: LoadSpec, index: number, signal?: AbortSignal): Promise<WorkerResult> {
  const wait = spec.startAt - Date.now();
  if (wait > 0) await sleep(wait, undefined, { signal });
  const lateMs = Math.max(0, Date.now() - spec.startAt);
  const driver = drivers[spec.protocol](spec.target);
  const share = shareOf(spec, index);
  const timing = { warmupMs: spec.warmupMs, durationMs: spec.durationMs, signal, keepWindowHistograms: true };
  const result =
    spec.model === 'closed'
      ? await runClosedLoop({ driver, concurrency: share.level, ...timing })
      : await runOpenLoop({ driver, rate: share.level, maxSessions: share.maxSessions ?? 1, ...timing });
  return { index, lateMs, result: { ...result, windowHistograms: result.windowHistograms ?? [] } };
}
