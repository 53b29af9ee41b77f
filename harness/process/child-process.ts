import { createInterface } from 'node:readline';
import { type ResultPromise, execa } from 'execa';
import { EnvironmentError, WaitTimeoutError } from '../errors.ts';
import { type TimeoutName, type Timeouts, raiseTimeoutHint } from '../timeouts.ts';

/** A process the harness started and must stop. */
export interface ChildProcess {
  /** What it is, for messages: "nginx", "fixture ns-a/web". */
  readonly name: string;
  readonly pid: number | undefined;
  /**
   * Reads stdout lines until `take` returns true for one. The wait is on progress,
   * not on a fixed total: every line `take` accepts (returns false or true for)
   * restarts the named timeout (of those the process was started with), so a busy machine slows the wait down without
   * failing it. Fails at once, with the process's stderr, if it exits first.
   */
  waitForLines(take: (line: string) => boolean, idleTimeout: TimeoutName, awaited: string): Promise<void>;
  /** SIGTERM, then SIGKILL after the `processStopMs` timeout; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined; stderr: string }>;
}

/**
 * Starts `file args` with stderr kept (bounded) for error messages. execa's
 * `cleanup` kills the child if this process dies without stopping it. `timeouts`
 * bound its stop and its waits.
 */
export function startChildProcess(name: string, file: string, args: string[], timeouts: Timeouts): ChildProcess {
  const subprocess: ResultPromise = execa(file, args, {
    reject: false,
    cleanup: true,
    forceKillAfterDelay: timeouts.processStopMs,
    buffer: { stdout: false, stderr: true },
    maxBuffer: { stderr: 64 * 1024 },
    stdin: 'ignore',
  });
  const exited = subprocess.then((result) => ({
    exitCode: result.exitCode,
    signal: result.signal,
    stderr: String(result.stderr ?? ''),
  }));
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: subprocess.pid,
    exited,
    waitForLines: (take, idleTimeout, awaited) => waitForLines(name, subprocess, exited, take, timeouts[idleTimeout], raiseTimeoutHint(idleTimeout), awaited),
    stop() {
      stopping ??= (async () => {
        subprocess.kill('SIGTERM');
        await exited;
      })();
      return stopping;
    },
  };
}

function waitForLines(
  name: string,
  subprocess: ResultPromise,
  exited: ChildProcess['exited'],
  take: (line: string) => boolean,
  idleMs: number,
  raiseWith: string,
  awaited: string,
): Promise<void> {
  if (!subprocess.stdout) return Promise.reject(new EnvironmentError(`${name}: no stdout to read`));
  const lines = createInterface({ input: subprocess.stdout });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.removeAllListeners('line');
      lines.close();
      if (error) reject(error);
      else resolve();
    };
    const restartTimer = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new WaitTimeoutError(`${awaited} (no progress for that long)`, name, idleMs, undefined, raiseWith)), idleMs);
    };
    restartTimer();
    lines.on('line', (line) => {
      try {
        if (take(line)) finish();
        else restartTimer();
      } catch (error) {
        finish(error as Error);
      }
    });
    void exited.then(({ exitCode, signal, stderr }) =>
      finish(new EnvironmentError(`${name} exited (${signal ?? `code ${exitCode}`}) before it was ready: ${stderr.trim() || 'no output'}`)),
    );
  });
}
