import { randomBytes } from 'node:crypto';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { runProbePod } from '../environments/cluster/probe-pod.ts';
import type { ResolvedApp } from '../scenario/resolve.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import type { Observation } from '../results/observation.ts';

/** A small image with curl; pulled by the cluster like any workload. */
export const probeImage = 'curlimages/curl:8.10.1';

/**
 * Calls `app`'s Service from inside the cluster, first from a pod in its own
 * namespace (the control: the Service answers, DNS works) and then from a pod in
 * another tenant's namespace, which isolation must stop. A pod reached the app
 * when curl printed an HTTP status; `000` means no connection. `timeouts` bound the API requests and each probe pod.
 */
export async function probeEastWest(target: LoadedTarget, app: ResolvedApp, { timeouts, signal }: { timeouts: Timeouts; signal?: AbortSignal }): Promise<Observation> {
  if (!target.cluster) return { error: 'the target has no cluster access (east-west needs a cluster environment)' };
  const other = target.resolved.apps.find((candidate) => candidate.namespace !== app.namespace)?.namespace;
  if (!other) return { error: 'the scenario has a single tenant: there is no other namespace to probe from' };
  const kube = connectKube({ kubeconfig: target.cluster.kubeconfig ?? undefined, context: target.cluster.context ?? undefined, requestMs: timeouts.kubeRequestMs });
  const url = `http://${app.name}.${app.namespace}.svc.cluster.local:8080/`;
  const reachedFrom = async (namespace: string) => {
    const result = await runProbePod(kube, {
      namespace,
      name: `meshgate-east-west-${randomBytes(4).toString('hex')}`,
      image: probeImage,
      command: ['curl', '--silent', '--output', '/dev/null', '--max-time', '3', '--write-out', '%{http_code}', url],
      timeoutMs: timeouts.probePodMs,
      pollMs: timeouts.kubePollMs,
      runId: target.runId,
      signal,
    });
    return /^[1-5]\d\d$/.test(result.output.trim());
  };
  return { error: null, details: { reachedFromOwnNamespace: await reachedFrom(app.namespace), reachedFromOtherTenant: await reachedFrom(other) } };
}
