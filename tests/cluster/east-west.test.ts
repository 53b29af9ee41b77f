import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { writeTarget } from '../../harness/target.ts';
import { failedCaseIds, runMeshgate, scratchDir, startLocal } from '../e2e/meshgate-cli.ts';
import { type FakeKube, startFakeKube, writeKubeconfig } from './fake-kube-api.ts';

// The east-west case through the real CLI: the gateway is the local nginx, the
// cluster API a fake whose probe pods print what curl would. Isolation in place
// passes; a tenant reachable from another tenant's namespace fails; a Service
// that answers no one (the control) fails too, so the case cannot pass vacuously.
let scratch: Awaited<ReturnType<typeof scratchDir>>;
let local: { environment: StartedEnvironment; targetFile: string };
let fake: FakeKube;

beforeAll(async () => {
  scratch = await scratchDir();
  local = await startLocal(scratch.dir);
});
afterAll(async () => {
  await local?.environment.stop();
  await scratch?.remove();
});
afterEach(async () => {
  await fake?.close();
});

/** A cluster target for the local gateway whose probe pods answer `curlPrints(own namespace?)`. */
async function clusterTarget(curlPrints: (ownNamespace: boolean) => string): Promise<string> {
  fake = await startFakeKube({
    // A pod in the namespace of the Service it calls is the control.
    podOutcome: ({ namespace, command }) => ({ afterPolls: 1, phase: 'Succeeded', exitCode: 0, log: curlPrints(command.some((part) => part.includes(`.${namespace}.svc.`))) }),
  });
  const kubeconfig = await writeKubeconfig(scratch.dir, fake.url);
  const target = { ...local.environment.target(), features: [...local.environment.target().features, 'east-west' as const], cluster: { kubeconfig, context: null } };
  for (const namespace of new Set(target.scenario.tenants.map((tenant) => `ns-${tenant.user}`))) fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const file = `${scratch.dir}/cluster-target.json`;
  await writeTarget(file, target);
  return file;
}

describe('east-west isolation case', () => {
  it.each([
    { name: 'isolated tenants pass', own: '200', other: '000', exitCode: 0, failing: [] },
    { name: 'a tenant reachable from another namespace fails', own: '200', other: '200', exitCode: 1, failing: ['east-west-isolation'] },
    { name: 'a Service nobody reaches fails the control', own: '000', other: '000', exitCode: 1, failing: ['east-west-isolation'] },
  ])('$name', async ({ own, other, exitCode, failing }) => {
    const file = await clusterTarget((isOwn) => (isOwn ? own : other));
    // Pods "run" at once in the fake: poll it often.
    const result = await runMeshgate(['run', '--target', file, '--reports', scratch.dir, '--json', 'multi-tenant', '--case', '^east-west'], { MESHGATE_TIMEOUT_KUBE_POLL_MS: '50' }, 300_000);
    expect(result.exitCode, result.stderr).toBe(exitCode);
    expect(failedCaseIds(result.stdout)).toEqual(failing);
    expect(fake.requests.filter((request) => request.method === 'DELETE' && request.path.includes('/pods/'))).toHaveLength(2 * 7);
  });
});
