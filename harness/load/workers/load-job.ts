import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../../errors.ts';
import type { LoadResult } from '../../results/load-result.ts';
import type { LoadSpec } from './load-spec.ts';
import { parseWorkerLine } from './local-workers.ts';
import { mergeWorkerResults } from './merge-workers.ts';
import { RESULT_PREFIX, type WorkerResult } from './run-worker.ts';
import { runLabels } from '../../kubernetes/objects.ts';
import { NODE_UID, restrictedContainerSecurity, restrictedPodSecurity, tmpMount, tmpVolume } from '../../kubernetes/pod-security.ts';
import type { Timeouts } from '../../timeouts.ts';
import { type ClusterObject, type KubeApi, attempt } from '../../environments/cluster/kube-api.ts';

export interface LoadJobOptions {
  kube: KubeApi;
  runId: string;
  /** meshgate's own image (the repository's Dockerfile). */
  image: string;
  /** The load; its gateway address must be the one pods reach (e.g. the gateway Service's DNS name). */
  spec: Omit<LoadSpec, 'startAt'>;
  /** The run's timeouts: the pods' start lead, the wait for completion and its polls. */
  timeouts: Timeouts;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

const NAME = 'meshgate-load';
const SPEC_DIR = '/etc/meshgate-load';
/** Annotation the Job controller puts on every pod of an Indexed Job (kubernetes.io/docs/reference/labels-annotations-taints/#batch-kubernetes-io-job-completion-index). */
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** The run's load namespace: a DNS label derived from the run id. */
export function loadNamespace(runId: string): string {
  return `${NAME}-${runId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * A Namespace, the spec as a ConfigMap and an Indexed Job of `spec.workers` pods, each
 * running `meshgate load-worker --spec @file` with its index from JOB_COMPLETION_INDEX
 * (kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode), all labelled with the run.
 */
export function loadJobObjects(runId: string, image: string, spec: LoadSpec): ClusterObject[] {
  const namespace = loadNamespace(runId);
  const labels = runLabels(runId);
  const metadata = { name: NAME, namespace, labels };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: spec.workers,
      parallelism: spec.workers,
      // A worker that failed leaves a hole in the merge: no retry hides it.
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: restrictedPodSecurity(NODE_UID),
          containers: [
            {
              name: 'load-worker',
              image,
              args: ['load-worker', '--spec', `@${SPEC_DIR}/load.json`],
              // A whole core per worker: the load engine is CPU-bound, and a throttled worker measures itself.
              resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              securityContext: restrictedContainerSecurity,
              volumeMounts: [{ name: 'spec', mountPath: SPEC_DIR, readOnly: true }, { ...tmpMount }],
            },
          ],
          volumes: [{ name: 'spec', configMap: { name: NAME } }, { ...tmpVolume, emptyDir: { ...tmpVolume.emptyDir } }],
        },
      },
    },
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'load.json': JSON.stringify(spec) } } as ClusterObject,
    job as ClusterObject,
  ];
}

/**
 * Runs the load as an Indexed Job next to the gateway, waits for every pod to complete,
 * reads each pod's result line from its log and merges them exactly. The Job, its
 * ConfigMap and namespace are removed by the run's label when this returns, fails or is
 * interrupted.
 */
export async function runLoadJob(options: LoadJobOptions): Promise<LoadResult> {
  const { kube, runId, spec, timeouts, signal } = options;
  const full: LoadSpec = { ...spec, startAt: Date.now() + timeouts.loadJobStartMs };
  const objects = loadJobObjects(runId, options.image, full);
  const namespace = loadNamespace(runId);
  try {
    await kube.apply(objects, runId);
    options.log?.(`meshgate: load Job ${namespace}/${NAME}: ${spec.workers} pods`);
    await waitForCompletion(kube, namespace, spec, timeouts, signal);
    return mergeWorkerResults(await collectResults(kube, namespace), spec.workers);
  } finally {
    await kube.deleteObjects(objects, runId);
  }
}

async function waitForCompletion(kube: KubeApi, namespace: string, spec: Omit<LoadSpec, 'startAt'>, timeouts: Timeouts, signal?: AbortSignal): Promise<void> {
  const boundMs = timeouts.loadJobStartMs + spec.warmupMs + spec.durationMs + timeouts.rolloutMs;
  const deadline = Date.now() + boundMs;
  for (let poll = 0; poll < 100_000 && Date.now() < deadline; poll++) {
    signal?.throwIfAborted();
    const job = await attempt(`read Job ${namespace}/${NAME}`, kube.batch.readNamespacedJob({ name: NAME, namespace }));
    if ((job.status?.failed ?? 0) > 0) throw new EnvironmentError(`load Job ${namespace}/${NAME}: ${job.status?.failed} pod(s) failed`);
    if ((job.status?.succeeded ?? 0) >= spec.workers) return;
    await sleep(timeouts.kubePollMs, undefined, { signal });
  }
  throw new EnvironmentError(`load Job ${namespace}/${NAME} did not complete within ${boundMs} ms`);
}

async function collectResults(kube: KubeApi, namespace: string): Promise<WorkerResult[]> {
  const pods = await attempt(`list pods of Job ${NAME}`, kube.core.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/job-name=${NAME}` }));
  const byIndex = new Map<string, WorkerResult>();
  for (const pod of pods.items.filter((item) => item.status?.phase === 'Succeeded')) {
    const name = pod.metadata?.name ?? '';
    const log = await attempt(`read log of pod ${namespace}/${name}`, kube.core.readNamespacedPodLog({ name, namespace }));
    const line = log.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
    if (!line) throw new EnvironmentError(`pod ${namespace}/${name} printed no load result`);
    byIndex.set(pod.metadata?.annotations?.[INDEX_ANNOTATION] ?? name, parseWorkerLine(line, `pod ${namespace}/${name}`));
  }
  return [...byIndex.values()];
}
