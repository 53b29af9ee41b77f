import { join } from 'node:path';
import { InterruptedError } from '../errors.ts';
import { writeErrorJunit } from '../reporters/report-files.ts';
import { resolveScenario } from '../scenario/resolve.ts';
import type { LoadedTarget } from '../target.ts';
import type { PreparedRun } from './prepare.ts';
import { type StartOptions, startEnvironment } from './start-environment.ts';

/** The targets a session runs against once the environment is up. */
export interface StartedTargets {
  target: LoadedTarget;
  compareTarget: PreparedRun['compareTarget'];
}

/**
 * The start stage of `validate`: starts the environment, runs `session` against
 * its target (in dual mode ingress-nginx beside Istio is the live reference,
 * unless one was given), saves a cluster's logs when the run did not pass, and
 * stops everything. A start that fails still leaves a junit.xml holding the error.
 */
export async function inEnvironment(start: StartOptions, prepared: PreparedRun, reportsDir: string, session: (targets: StartedTargets) => Promise<number>): Promise<number> {
  const logsDir = start.logsDir ?? join(reportsDir, prepared.runId, 'cluster-logs');
  const environment = await startEnvironment({ ...start, logsDir }).catch(async (error: unknown) => {
    const cause = start.signal.aborted ? new InterruptedError(start.signal.reason as NodeJS.Signals) : error;
    await writeErrorJunit(join(reportsDir, prepared.runId), prepared.runId, cause);
    throw error;
  });
  try {
    const target = environment.target();
    const reference = environment.referenceTarget?.();
    const compareTarget = prepared.compareTarget ?? (reference && { file: `${reference.gateway.software} in the same cluster`, content: { ...reference, resolved: resolveScenario(reference.scenario) } });
    const exitCode = await session({ target: { ...target, resolved: resolveScenario(target.scenario) }, compareTarget });
    if (exitCode !== 0 && environment.exportLogs) {
      start.log(`meshgate: saving the cluster's logs to ${logsDir}`);
      await environment.exportLogs(logsDir).catch((error: unknown) => start.log(`meshgate: could not save the cluster's logs: ${String(error)}`));
    }
    return exitCode;
  } finally {
    start.log('meshgate: stopping the environment');
    await environment.stop();
  }
}
