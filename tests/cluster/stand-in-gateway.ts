import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { LocalEnvironment } from '../../harness/environments/local/local-environment.ts';
import type { LoadedScenario } from '../../harness/scenario/load.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/**
 * For one test file: a local gateway that stands in for the cluster's (the faked
 * cluster publishes its ports) and a scratch folder, set up before the file's tests and
 * removed after them.
 */
export function useStandInGateway(scenario: LoadedScenario, scratchPrefix: string): { readonly gateway: StartedEnvironment; readonly scratch: string } {
  const state: { gateway?: StartedEnvironment; scratch?: string } = {};
  beforeAll(async () => {
    state.scratch = await mkdtemp(join(tmpdir(), scratchPrefix));
    state.gateway = await new LocalEnvironment({ scenario, runId: 'stand-in', timeouts: defaultTimeouts, pinCpus: false }).start();
  });
  afterAll(async () => {
    await state.gateway?.stop();
    if (state.scratch) await rm(state.scratch, { recursive: true, force: true });
  });
  return {
    get gateway() {
      return state.gateway!;
    },
    get scratch() {
      return state.scratch!;
    },
  };
}
