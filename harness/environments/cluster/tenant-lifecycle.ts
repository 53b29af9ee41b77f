import { EnvironmentError, errorMessage } from '../../errors.ts';
import { PROVIDED_BY_LABEL } from '../../kubernetes/objects.ts';
import { runLeaseName } from '../../kubernetes/names.ts';
import { apiStatus, type ClusterObject, type KubeApi, kubeError } from './kube-api.ts';
import { acquireRunLease, type HeldLease } from './run-lease.ts';

/**
 * The tenant Namespaces that already exist labelled `meshgate.io/provided-by` (created
 * by `meshgate manifests gate`, the gate's Roles bound inside): the run fills and
 * empties them but never applies or deletes them.
 */
export async function providedNamespaces(kube: KubeApi, objects: readonly ClusterObject[]): Promise<Set<string>> {
  const provided = new Set<string>();
  for (const object of objects.filter((candidate) => candidate.kind === 'Namespace')) {
    const name = object.metadata.name;
    const namespace = await kube.core.readNamespace({ name }).catch((error: unknown) => {
      if (apiStatus(error) === 404) return undefined;
      throw kubeError(`read Namespace ${name}`, error);
    });
    if (namespace?.metadata?.labels?.[PROVIDED_BY_LABEL]) provided.add(name);
  }
  return provided;
}

/**
 * Removes run `runId`'s objects: those outside the namespaces it created (the Istio
 * Gateway and its Secrets, everything in provided namespaces) one by one, then the
 * namespaces it created, by its label.
 */
export async function removeTenants(kube: KubeApi, objects: readonly ClusterObject[], runId: string, provided: ReadonlySet<string>): Promise<void> {
  const created = new Set(objects.filter((object) => object.kind === 'Namespace' && !provided.has(object.metadata.name)).map((object) => object.metadata.name));
  await kube.deleteObjects(objects.filter((object) => object.metadata.namespace && !created.has(object.metadata.namespace)), runId);
  if (created.size > 0) await kube.deleteRunNamespaces(runId);
}

/**
 * With a lease namespace: takes the scenario's Lease for the run and removes what a
 * killed run that held it left behind, so the apply finds no foreign object. Returns
 * the Lease to release once the run's own objects are gone (a run whose cleanup failed
 * keeps it until it expires, and the next run removes the rest). Without a lease
 * namespace, nothing is coordinated.
 */
export async function takeScenario(
  kube: KubeApi,
  options: { leaseNamespace?: string; scenarioName: string; runId: string; log: (line: string) => void },
  objects: readonly ClusterObject[],
  provided: ReadonlySet<string>,
): Promise<HeldLease | undefined> {
  if (options.leaseNamespace === undefined) return undefined;
  const lease = await acquireRunLease(kube, { namespace: options.leaseNamespace, name: runLeaseName(options.scenarioName), runId: options.runId, log: options.log });
  if (lease.previousHolder === undefined) return lease;
  options.log(`meshgate: run ${lease.previousHolder} held the scenario and stopped renewing its Lease; removing what it left`);
  try {
    await removeTenants(kube, objects, lease.previousHolder, provided);
  } catch (error) {
    await lease.release();
    throw new EnvironmentError(`could not remove what run ${lease.previousHolder} left: ${errorMessage(error)}`, { cause: error });
  }
  return lease;
}
