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

/** Moves this process (the load generator) onto `cpus`; false when the OS refused. */
export function pinThisProcess(cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
