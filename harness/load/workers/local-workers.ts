import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type ResultPromise, execa } from 'execa';
import { EnvironmentError, WaitTimeoutError, errorMessage } from '../../errors.ts';
import type { Timeouts } from '../../timeouts.ts';
import type { LoadResult } from '../../results/load-result.ts';
import type { LoadSpec } from './load-spec.ts';
import { mergeWorkerResults } from './merge-workers.ts';
import { READY_LINE, RESULT_PREFIX, type WorkerResult } from './run-worker.ts';

const meshgateBin = fileURLToPath(new URL('../../../bin/meshgate.js', import.meta.url));

/** Lead between the last worker's ready line and the common start, ms: the spec's trip through a pipe. */
const startLeadMs = 500;

/** A worker's result line (stdout or pod log) as its result; throws naming `source` when it is not one. */
export function parseWorkerLine(line: string, source: string): WorkerResult {
  try {
    return JSON.parse(line.slice(line.indexOf(RESULT_PREFIX) + RESULT_PREFIX.length)) as WorkerResult;
  } catch (error) {
    throw new EnvironmentError(`${source}: unreadable load result (${errorMessage(error)})`);
  }
}

/** One `meshgate load-worker --spec -` process: it says when it is ready, reads its spec on stdin, prints its result. */
class WorkerProcess {
  private readonly child: ResultPromise;
  private readonly lines: AsyncIterator<string>;
  readonly exited: Promise<unknown>;

  constructor(
    readonly index: number,
    stopMs: number,
  ) {
    this.child = execa(process.execPath, [meshgateBin, 'load-worker', '--spec', '-', '--index', String(index)], {
      stdin: 'pipe',
      reject: false,
      cleanup: true,
      forceKillAfterDelay: stopMs,
      buffer: { stdout: false, stderr: true },
      maxBuffer: { stderr: 64 * 1024 },
    });
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
    this.exited = this.child.then((result) => result);
  }

  /** The first stdout line starting with `prefix`, within `timeoutMs`. */
  async line(prefix: string, what: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new WaitTimeoutError(what, `load worker ${this.index}`, timeoutMs)), timeoutMs)));
    try {
      for (let count = 0; count < 10_000 && Date.now() < deadline; count++) {
        const next = await Promise.race([this.lines.next(), late]);
        if (next.done) throw new EnvironmentError(`load worker ${this.index} exited before ${what}: ${String((await this.child).stderr ?? '').trim() || 'no output'}`);
        if (next.value.startsWith(prefix)) return next.value;
      }
      throw new WaitTimeoutError(what, `load worker ${this.index}`, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  start(spec: LoadSpec): void {
    this.child.stdin!.end(`${JSON.stringify(spec)}\n`);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/**
 * Runs `spec` as `spec.workers` local processes of `meshgate load-worker`, the command the
 * cluster's Indexed Job runs in each pod, and merges what they send back. The common start
 * is set once every process is up (a busy machine can take many seconds to start one).
 * Every process is stopped when this returns, fails or is interrupted. `timeouts` bound
 * their start, their answer and their stop.
 */
export async function runLocalWorkers(spec: Omit<LoadSpec, 'startAt'>, timeouts: Timeouts, signal?: AbortSignal): Promise<LoadResult> {
  const workers = Array.from({ length: spec.workers }, (_, index) => new WorkerProcess(index, timeouts.processStopMs));
  const stopAll = () => void Promise.all(workers.map((worker) => worker.stop()));
  signal?.addEventListener('abort', stopAll, { once: true });
  try {
    await Promise.all(workers.map((worker) => worker.line(READY_LINE, 'its ready line', timeouts.loadWorkersStartMs)));
    const full: LoadSpec = { ...spec, startAt: Date.now() + startLeadMs };
    for (const worker of workers) worker.start(full);
    const boundMs = startLeadMs + spec.warmupMs + spec.durationMs + timeouts.requestMs + timeouts.processStopMs;
    const parts = await Promise.all(workers.map(async (worker) => parseWorkerLine(await worker.line(RESULT_PREFIX, 'its result line', boundMs), `load worker ${worker.index}`)));
    return mergeWorkerResults(parts, spec.workers);
  } finally {
    signal?.removeEventListener('abort', stopAll);
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}
