import type { V1Deployment, V1EndpointSlice } from '@kubernetes/client-node';
import { WaitTimeoutError } from '../../errors.ts';
import { type PollStep, poll } from '../../wait.ts';
import { apiStatus, attempt } from './kube-api.ts';
import type { KubeApi } from './kube-api.ts';

/** How long a wait may take and how it can be stopped. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Pause between two polls, ms (the run's kubePollMs for the cluster's waits). */
  pollMs: number;
}

/** A named readiness condition on cluster resources, testcontainers-style. */
export interface WaitStrategy {
  readonly name: string;
  /** Resolves once the condition holds; throws WaitTimeoutError naming what was still pending. */
  wait(api: KubeApi, options: WaitOptions): Promise<void>;
}

/** A resource that is not there yet, and what the last poll saw of it. */
export interface Pending {
  /** `namespace/name`. */
  resource: string;
  /** e.g. "1/3 replicas updated". */
  seen: string;
}

/** One poll's answer: the awaited value, or what is still pending. */
export type Poll<T> = { done: true; value: T } | { done: false; pending: readonly Pending[] };

/**
 * Polls `poll` until it is done, at most `timeoutMs` and ceil(timeoutMs / pollMs) + 1 times.
 * Failed polls are retried (the API server may be restarting) except 401 and 403, which
 * no amount of waiting fixes. The timeout error names `name`, the pending resources with
 * what was last seen of them, how long it waited, and the last failure if any.
 */
export async function waitFor<T>(name: string, attempt: () => Promise<Poll<T>>, options: WaitOptions): Promise<T> {
  const { pollMs } = options;
  const started = Date.now();
  let pending: readonly Pending[] = [];
  let lastError: unknown;
  const step = async (): Promise<PollStep<T>> => {
    try {
      const result = await attempt();
      if (result.done) return result;
      pending = result.pending;
      lastError = undefined;
    } catch (error) {
      if (apiStatus(error) === 401 || apiStatus(error) === 403) throw error;
      lastError = error;
    }
    return { done: false };
  };
  const result = await poll(step, { timeoutMs: options.timeoutMs, pollMs, signal: options.signal, maxAttempts: Math.ceil(options.timeoutMs / pollMs) + 1 });
  if (result) return result.value;
  throw new WaitTimeoutError(name, describePending(pending), Date.now() - started, lastError);
}

function describePending(pending: readonly Pending[]): string {
  if (pending.length === 0) return 'nothing observed';
  const shown = pending.slice(0, 3).map((item) => `${item.resource}: ${item.seen}`);
  const more = pending.length > shown.length ? `; and ${pending.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

function pollOf(pending: Pending[]): Poll<void> {
  return pending.length === 0 ? { done: true, value: undefined } : { done: false, pending };
}

/**
 * What still separates a Deployment from a finished rollout, the way `kubectl rollout
 * status` decides: the controller saw the latest spec, every replica runs it, no old
 * replica is left, every updated replica is available. Undefined once rolled out.
 */
export function rolloutGap(deployment: V1Deployment): string | undefined {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0)) return 'latest spec not yet observed';
  const updated = status.updatedReplicas ?? 0;
  if (updated < wanted) return `${updated}/${wanted} replicas updated`;
  const old = (status.replicas ?? 0) - updated;
  if (old > 0) return `${old} old replicas still running`;
  const available = status.availableReplicas ?? 0;
  if (available < updated) return `${available}/${updated} updated replicas available`;
  return undefined;
}

/** Every Deployment in `namespaces` rolled out; a namespace without any Deployment counts as pending. */
export function deploymentsRolledOut(namespaces: readonly string[]): WaitStrategy {
  const name = 'deploymentsRolledOut';
  const poll = async (api: KubeApi): Promise<Poll<void>> => {
    const pending: Pending[] = [];
    for (const namespace of namespaces) {
      const list = await attempt(`list Deployments in ${namespace}`, api.apps.listNamespacedDeployment({ namespace }));
      if (list.items.length === 0) pending.push({ resource: namespace, seen: 'no Deployment yet' });
      for (const deployment of list.items) {
        const gap = rolloutGap(deployment);
        if (gap !== undefined) pending.push({ resource: `${namespace}/${deployment.metadata?.name ?? '?'}`, seen: gap });
      }
    }
    return pollOf(pending);
  };
  return { name, wait: (api, options) => waitFor(name, () => poll(api), options) };
}

/** Ready addresses across a Service's EndpointSlices; a nil `ready` condition means ready (API docs). */
export function readyAddresses(slices: readonly V1EndpointSlice[]): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const endpoint of slices.flatMap((slice) => slice.endpoints ?? [])) {
    if (endpoint.conditions?.ready === false) notReady += endpoint.addresses.length;
    else ready += endpoint.addresses.length;
  }
  return { ready, notReady };
}

/**
 * Every Service in `services` has at least one ready address, read from its
 * EndpointSlices (discovery.k8s.io/v1, label kubernetes.io/service-name): core
 * Endpoints are deprecated since Kubernetes 1.33.
 */
export function endpointsReady(services: readonly { namespace: string; name: string }[]): WaitStrategy {
  const name = 'endpointsReady';
  const poll = async (api: KubeApi): Promise<Poll<void>> => {
    const pending: Pending[] = [];
    for (const service of services) {
      const labelSelector = `kubernetes.io/service-name=${service.name}`;
      const request = api.discovery.listNamespacedEndpointSlice({ namespace: service.namespace, labelSelector });
      const list = await attempt(`list EndpointSlices of ${service.namespace}/${service.name}`, request);
      const { ready, notReady } = readyAddresses(list.items);
      if (ready === 0) {
        const seen = list.items.length === 0 ? 'no EndpointSlice yet' : `0 ready addresses, ${notReady} not ready`;
        pending.push({ resource: `${service.namespace}/${service.name}`, seen });
      }
    }
    return pollOf(pending);
  };
  return { name, wait: (api, options) => waitFor(name, () => poll(api), options) };
}
