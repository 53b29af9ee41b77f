import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Pinning the gateway and the load generator to different cores cuts run-to-run
 * noise from 13-25 % to about 1-5 % (shared/design/performance.md). Done with
 * taskset where the OS allows; reports say whether it was in force.
 */

/** The gateway's cores and the load generator's, or null where pinning is not possible (one core, no taskset). */
export function cpuSplit(): { gateway: string; load: string } | null {
  const cores = availableParallelism();
  if (cores < 2 || !hasTaskset()) return null;
  return { gateway: '0', load: cores === 2 ? '1' : `1-${cores - 1}` };
}

let tasksetFound: boolean | undefined;
function hasTaskset(): boolean {
  if (tasksetFound === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetFound = true;
    } catch {
      tasksetFound = false;
    }
  }
  return tasksetFound;
}

/** `file args` prefixed to run on `cpus` (taskset execs, so the pid stays the program's). */
export function pinnedCommand(cpus: string | undefined, file: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [file, args] : ['taskset', ['-c', cpus, file, ...args]];
}

/**
 * Moves this process (the load generator) onto `cpus`; returns what puts it back where
 * it was (the load runs inside a longer-lived process), or null when the OS refused.
 */
export function pinThisProcess(cpus: string): (() => void) | null {
  try {
    const pid = String(process.pid);
    // "pid 42's current affinity mask: 3"
    const mask = /([0-9a-f]+)\s*$/i.exec(execFileSync('taskset', ['-p', pid], { encoding: 'utf8' }))?.[1];
    execFileSync('taskset', ['-a', '-p', '-c', cpus, pid], { stdio: 'ignore' });
    return () => {
      if (mask) execFileSync('taskset', ['-a', '-p', mask, pid], { stdio: 'ignore' });
    };
  } catch {
    return null;
  }
}
