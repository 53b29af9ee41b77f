import type { ResolvedApp } from '../../scenario/resolve.ts';
import { type ChildProcess, startChildProcess } from '../../process/child-process.ts';
import { pinnedCommand } from '../../process/cpu-pinning.ts';
import { fixtureNodeArgs } from '../../fixture/fixture-script.ts';
import { EnvironmentError } from '../../errors.ts';
import type { Timeouts } from '../../timeouts.ts';

/** Where an app's fixture listens on loopback. */
export interface FixtureBackend {
  httpPort: number;
  grpcPort: number;
}

/** Where fixtures run: cores to pin them to (with the gateway, away from the load generator); the run's timeouts bound their start and stop. */
export type FixtureSettings = FixtureFaults & { cpus?: string; timeouts: Timeouts };

/** Fault injection applied to every fixture: added latency (ms) and error rate (0..1). */
export interface FixtureFaults {
  latencyMs?: number;
  errorRate?: number;
}

/**
 * Apps one fixture process hosts. A process costs about 60 MB and a Node start;
 * an app costs two listeners. 100 apps keep the default scenario in one process
 * and a 1,000-app scenario in ten, started side by side.
 */
export const appsPerFixtureProcess = 100;

/**
 * Starts the echo fixtures of every app (a squatting or paused app gets one too:
 * if the gateway wrongly routes to it, its identity shows) in a small pool of
 * processes, each hosting up to `appsPerFixtureProcess` apps on their own ports.
 * Ports are chosen by the fixtures themselves (port 0) and read from their ready
 * lines, so they cannot race. The wait is on progress: each app's ready line
 * restarts it, so a busy machine slows the start down without failing it.
 */
export async function startFixtureProcesses(
  apps: ResolvedApp[],
  runId: string,
  faults: FixtureSettings,
  onStarted: (child: ChildProcess) => void,
  signal?: AbortSignal,
): Promise<Map<string, FixtureBackend>> {
  const nodeArgs = await fixtureNodeArgs();
  const backends = new Map<string, FixtureBackend>();
  const processes = Math.ceil(apps.length / appsPerFixtureProcess);
  // One process after another: they share the gateway's core, and side by side each
  // one's first line (after Node has loaded its modules) would come only at the end.
  for (let index = 0; index < processes; index++) {
    signal?.throwIfAborted();
    const first = index * appsPerFixtureProcess;
    const group = apps.slice(first, first + appsPerFixtureProcess);
    // The instance id carries the run id, so a leftover process can be traced to its run.
    const identities = group.map((app, offset) => ({ tenant: app.tenant, namespace: app.namespace, app: app.name, instance: `${first + offset}-${runId}`.slice(0, 63) }));
    const args = [...nodeArgs, '--apps', JSON.stringify(identities)];
    if (faults.latencyMs) args.push('--latency-ms', String(faults.latencyMs));
    if (faults.errorRate) args.push('--error-rate', String(faults.errorRate));
    const name = `fixture process ${index + 1}/${processes} (${group.length} apps from ${group[0]!.id})`;
    const child = startChildProcess(name, ...pinnedCommand(faults.cpus, process.execPath, args), faults.timeouts);
    onStarted(child);
    let ready = 0;
    const takeReadyLine = (line: string): boolean => {
      if (!line.startsWith('{"ready":true')) return false;
      const { httpPort, grpcPort, identity } = JSON.parse(line) as { httpPort: number; grpcPort: number; identity: { namespace: string; app: string } };
      const app = group[ready];
      if (app === undefined || `${identity.namespace}/${identity.app}` !== app.id) throw new EnvironmentError(`${name} reported ${identity.namespace}/${identity.app} out of order`);
      backends.set(app.id, { httpPort, grpcPort });
      return ++ready === group.length;
    };
    await child.waitForLines(takeReadyLine, 'fixtureReadyMs', `a ready line from each of its ${group.length} apps`);
  }
  return backends;
}
