import { fileURLToPath } from 'node:url';
import type { ResolvedApp } from '../../scenario/resolve.ts';
import { type ChildProcess, startChildProcess } from '../../process/child-process.ts';
import { pinnedCommand } from '../../process/cpu-pinning.ts';
import { timeouts } from '../../timeouts.ts';

const fixtureMain = fileURLToPath(new URL('../../fixture/main.ts', import.meta.url));
// Resolved here, not from the working directory, so meshgate runs from anywhere.
const tsxLoader = import.meta.resolve('tsx');

export interface FixtureBackend {
  process: ChildProcess;
  httpPort: number;
  grpcPort: number;
}

/** Where fixtures run: cores to pin them to (with the gateway, away from the load generator). */
export type FixtureSettings = FixtureFaults & { cpus?: string };

/** Fault injection applied to every fixture: added latency (ms) and error rate (0..1). */
export interface FixtureFaults {
  latencyMs?: number;
  errorRate?: number;
}

/**
 * Starts one echo fixture process per app (a squatting or paused app gets one too:
 * if the gateway wrongly routes to it, its identity shows). Ports are chosen by
 * the fixtures themselves (port 0) and read from their ready line, so they cannot race.
 */
export async function startFixtureProcesses(
  apps: ResolvedApp[],
  runId: string,
  faults: FixtureSettings,
  onStarted: (child: ChildProcess) => void,
): Promise<Map<string, FixtureBackend>> {
  // The instance id carries the run id, so a leftover process can be traced to its run.
  const started = await Promise.all(apps.map((app, index) => startFixture(app, `${index}-${runId}`.slice(0, 63), faults, onStarted)));
  return new Map(started.map((backend, index) => [apps[index]!.id, backend]));
}

async function startFixture(app: ResolvedApp, instance: string, faults: FixtureSettings, onStarted: (child: ChildProcess) => void): Promise<FixtureBackend> {
  const args = ['--import', tsxLoader, fixtureMain, '--tenant', app.tenant, '--namespace', app.namespace, '--app', app.name, '--instance', instance];
  if (faults.latencyMs) args.push('--latency-ms', String(faults.latencyMs));
  if (faults.errorRate) args.push('--error-rate', String(faults.errorRate));
  const child = startChildProcess(`fixture ${app.id}`, ...pinnedCommand(faults.cpus, process.execPath, args));
  onStarted(child);
  const line = await child.waitForLine((text) => text.startsWith('{"ready":true'), timeouts.fixtureReadyMs);
  const ready = JSON.parse(line) as { httpPort: number; grpcPort: number };
  return { process: child, httpPort: ready.httpPort, grpcPort: ready.grpcPort };
}
