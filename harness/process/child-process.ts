import { createInterface } from 'node:readline';
import { type ResultPromise, execa } from 'execa';
import { EnvironmentError, WaitTimeoutError } from '../errors.ts';
import { timeouts } from '../timeouts.ts';

/** A process the harness started and must stop. */
export interface ChildProcess {
  /** What it is, for messages: "nginx", "fixture ns-a/web". */
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves with the first stdout line that `accept` takes; fails if the process exits or time runs out. */
  waitForLine(accept: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `timeouts.processStopMs`; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined; stderr: string }>;
}

/**
 * Starts `file args` with stderr kept (bounded) for error messages. execa's
 * `cleanup` kills the child if this process dies without stopping it.
 */
export function startChildProcess(name: string, file: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const subprocess: ResultPromise = execa(file, args, {
    reject: false,
    cleanup: true,
    forceKillAfterDelay: timeouts.processStopMs,
    buffer: { stdout: false, stderr: true },
    maxBuffer: { stderr: 64 * 1024 },
    stdin: 'ignore',
    env,
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
    waitForLine: (accept, timeoutMs) => waitForLine(name, subprocess, exited, accept, timeoutMs),
    stop() {
      stopping ??= (async () => {
        subprocess.kill('SIGTERM');
        await exited;
      })();
      return stopping;
    },
  };
}

function waitForLine(
  name: string,
  subprocess: ResultPromise,
  exited: ChildProcess['exited'],
  accept: (line: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  if (!subprocess.stdout) return Promise.reject(new EnvironmentError(`${name}: no stdout to read`));
  const lines = createInterface({ input: subprocess.stdout });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new WaitTimeoutError('its ready line on stdout', name, timeoutMs)), timeoutMs);
    const finish = (outcome: string | Error) => {
      clearTimeout(timer);
      lines.removeAllListeners('line');
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    };
    lines.on('line', (line) => {
      if (accept(line)) finish(line);
    });
    void exited.then(({ exitCode, signal, stderr }) =>
      finish(new EnvironmentError(`${name} exited (${signal ?? `code ${exitCode}`}) before it was ready: ${stderr.trim() || 'no output'}`)),
    );
  });
}
