import { EnvironmentError } from '../errors.ts';
import { apiStatus, attempt, type KubeApi } from '../environments/cluster/kube-api.ts';
import { type IngressObject, toIngress } from './ingress-objects.ts';

/** Ingresses per list request: the API server's chunking keeps each answer small on a cluster with thousands. */
export const defaultPageSize = 500;
/** A bound on the pages followed, so a server that keeps answering `continue` cannot loop forever (2.5 million Ingresses at the default size). */
const maxPages = 5_000;

/**
 * Lists every Ingress of the cluster, a page at a time (`limit` and `continue`), with
 * list on ingresses.networking.k8s.io and nothing else: no write is ever sent.
 */
export async function listClusterIngresses(kube: KubeApi, options: { pageSize?: number; onPage?: (listed: number) => void } = {}): Promise<IngressObject[]> {
  const ingresses: IngressObject[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const list = await attempt('list Ingresses in every namespace', kube.networking.listIngressForAllNamespaces({ limit: options.pageSize ?? defaultPageSize, _continue: token })).catch((error: unknown) => {
      if (apiStatus(error) !== 403) throw error;
      throw new EnvironmentError(`${(error as Error).message}: these credentials may not list ingresses.networking.k8s.io in every namespace (inventory and parity need the verb list on ingresses cluster-wide; \`meshgate inventory --print-rbac\` prints the ClusterRole)`, { cause: error });
    });
    for (const item of list.items) {
      ingresses.push(toIngress({ ...item, apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }, (message) => new EnvironmentError(`the API server listed an Ingress meshgate cannot read: ${message}`)));
    }
    options.onPage?.(ingresses.length);
    token = list.metadata?._continue || undefined;
    if (token === undefined) return ingresses;
  }
  throw new EnvironmentError(`listing Ingresses did not end after ${maxPages} pages`);
}
