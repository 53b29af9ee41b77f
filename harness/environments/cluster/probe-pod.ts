import type { V1Pod } from '@kubernetes/client-node';
import { EnvironmentError, errorMessage } from '../../errors.ts';
import { runLabels } from '../../kubernetes/objects.ts';
import { NOBODY_UID, restrictedContainerSecurity, restrictedPodSecurity } from '../../kubernetes/pod-security.ts';
import { apiStatus, attempt, kubeError } from './kube-api.ts';
import type { KubeApi } from './kube-api.ts';
import { waitFor } from './wait-strategies.ts';
import type { Poll, WaitOptions } from './wait-strategies.ts';

/** A one-shot command in its own pod, e.g. curl from one tenant's namespace to another's Service. */
export interface ProbePodOptions extends WaitOptions {
  namespace: string;
  name: string;
  image: string;
  command: readonly string[];
  /** Bound on the whole probe (scheduling, image pull, run), ms; also the pod's activeDeadlineSeconds. */
  timeoutMs: number;
  runId: string;
}

export interface ProbePodResult {
  phase: 'Succeeded' | 'Failed';
  /** The container's exit code; undefined when it never ran to an end (deadline exceeded, image never pulled). */
  exitCode: number | undefined;
  /**
   * What the container printed (at most OUTPUT_LIMIT_BYTES), e.g. curl's `-w %{http_code}`:
   * an Istio AuthorizationPolicy denial is an HTTP 403 with exit code 0.
   */
  output: string;
}

const CONTAINER = 'probe';
/** One curl call. */
const probeResources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
/** Bytes of the probe's output kept; a status code or a short error fits many times over. */
const OUTPUT_LIMIT_BYTES = 4096;

/** The probe Pod: never restarted, labelled with the run, stopped by the kubelet at the deadline even if the harness dies. */
export function probePodManifest(options: ProbePodOptions): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: options.name, namespace: options.namespace, labels: runLabels(options.runId) },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      // Pod Security "restricted"; curl writes nothing, so no volume either.
      securityContext: restrictedPodSecurity(NOBODY_UID),
      containers: [{ name: CONTAINER, image: options.image, command: [...options.command], resources: probeResources, securityContext: restrictedContainerSecurity }],
    },
  };
}

/**
 * Creates the probe Pod, waits until it Succeeded or Failed (WaitTimeoutError after
 * `timeoutMs`), reads its output, and deletes it whatever happened, also on timeout and
 * abort. A pod of that name that already exists is left alone and reported.
 */
export async function runProbePod(api: KubeApi, options: ProbePodOptions): Promise<ProbePodResult> {
  const { namespace, name } = options;
  await attempt(`create probe Pod ${namespace}/${name}`, api.core.createNamespacedPod({ namespace, body: probePodManifest(options) }));
  let result: ProbePodResult;
  try {
    result = await observe(api, options);
  } catch (error) {
    await deletePod(api, options).catch((deleteError: unknown) => {
      throw new EnvironmentError(`${errorMessage(error)}; and then: ${errorMessage(deleteError)}`, { cause: error });
    });
    throw error;
  }
  await deletePod(api, options);
  return result;
}

async function observe(api: KubeApi, options: ProbePodOptions): Promise<ProbePodResult> {
  const { namespace, name } = options;
  const ended = await waitFor('probePod', () => pollPod(api, namespace, name), options);
  const terminated = ended.pod.status?.containerStatuses?.find((status) => status.name === CONTAINER)?.state?.terminated;
  // A container that never started has no log; asking for it is a 400.
  const output =
    terminated === undefined
      ? ''
      : await attempt(
          `read the output of probe Pod ${namespace}/${name}`,
          api.core.readNamespacedPodLog({ namespace, name, container: CONTAINER, limitBytes: OUTPUT_LIMIT_BYTES }),
        );
  return { phase: ended.phase, exitCode: terminated?.exitCode, output };
}

async function pollPod(api: KubeApi, namespace: string, name: string): Promise<Poll<{ pod: V1Pod; phase: ProbePodResult['phase'] }>> {
  const pod = await attempt(`read probe Pod ${namespace}/${name}`, api.core.readNamespacedPod({ namespace, name }));
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { done: true, value: { pod, phase } };
  return { done: false, pending: [{ resource: `${namespace}/${name}`, seen: podState(pod) }] };
}

/** "phase Pending, container waiting: ErrImagePull" and the like. */
function podState(pod: V1Pod): string {
  const waiting = pod.status?.containerStatuses?.find((status) => status.name === CONTAINER)?.state?.waiting;
  const reason = waiting?.reason ?? pod.status?.reason;
  return `phase ${pod.status?.phase ?? 'unknown'}${reason ? `, ${waiting ? 'container waiting: ' : ''}${reason}` : ''}`;
}

async function deletePod(api: KubeApi, options: ProbePodOptions): Promise<void> {
  const { namespace, name } = options;
  try {
    await api.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
  } catch (error) {
    if (apiStatus(error) !== 404) throw kubeError(`delete probe Pod ${namespace}/${name}`, error);
  }
}
