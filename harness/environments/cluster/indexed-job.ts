import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../../errors.ts';
import { runLabels } from '../../kubernetes/objects.ts';
import { NODE_UID, restrictedContainerSecurity, restrictedPodSecurity, tmpMount, tmpVolume } from '../../kubernetes/pod-security.ts';
import { type ClusterObject, type KubeApi, attempt } from './kube-api.ts';

/** An Indexed Job of meshgate pods, each running one meshgate command on its index's share of one input file. */
export interface IndexedJob {
  /** Name of the Job and its ConfigMap, and the prefix of its namespace (e.g. `meshgate-load`). */
  name: string;
  /** The input file's name in the ConfigMap; pods read it at /etc/<name>/<file>. */
  file: string;
  content: string;
  /** meshgate's arguments; `@FILE` names the input file. */
  args: (file: string) => string[];
  completions: number;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

/** Annotation the Job controller puts on every pod of an Indexed Job (kubernetes.io/docs/reference/labels-annotations-taints/#batch-kubernetes-io-job-completion-index). */
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** The Job's namespace for a run: a DNS label from its name and the run id. */
export function jobNamespace(name: string, runId: string): string {
  return `${name}-${runId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * A Namespace, the input as a ConfigMap and an Indexed Job of `completions` pods, each
 * running meshgate with its index from JOB_COMPLETION_INDEX
 * (kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode), Pod Security
 * "restricted", no service-account token (the pods call no API), all labelled with the run.
 */
export function indexedJobObjects(runId: string, image: string, job: IndexedJob): ClusterObject[] {
  const namespace = jobNamespace(job.name, runId);
  const labels = runLabels(runId);
  const metadata = { name: job.name, namespace, labels };
  const dir = `/etc/${job.name}`;
  const spec = {
    completionMode: 'Indexed',
    completions: job.completions,
    parallelism: job.completions,
    // A pod that failed leaves a hole in the merge: no retry hides it.
    backoffLimit: 0,
    template: {
      metadata: { labels },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurity(NODE_UID),
        containers: [
          {
            name: job.name.replace(/^meshgate-/, '') + '-worker',
            image,
            args: job.args(`${dir}/${job.file}`),
            resources: job.resources,
            securityContext: restrictedContainerSecurity,
            volumeMounts: [{ name: 'input', mountPath: dir, readOnly: true }, { ...tmpMount }],
          },
        ],
        volumes: [{ name: 'input', configMap: { name: job.name } }, { ...tmpVolume, emptyDir: { ...tmpVolume.emptyDir } }],
      },
    },
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { [job.file]: job.content } } as ClusterObject,
    { apiVersion: 'batch/v1', kind: 'Job', metadata, spec } as ClusterObject,
  ];
}

export interface RunIndexedJobOptions {
  kube: KubeApi;
  runId: string;
  image: string;
  job: IndexedJob;
  /** Bound on the wait for every pod to complete: ms. */
  boundMs: number;
  /** Pause between two reads of the Job, ms (the run's kubePollMs). */
  pollMs: number;
  /** The pod log line that carries a pod's result starts with this. */
  resultPrefix: string;
  /** What the pods compute, for messages: `load`, `parity`. */
  what: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * Applies the Job, waits for every pod to complete, and returns each pod's result line
 * (without the prefix) by completion index. The Job, its ConfigMap and namespace are
 * removed by the run's label when this returns, fails or is interrupted.
 */
export async function runIndexedJob(options: RunIndexedJobOptions): Promise<Map<string, string>> {
  const { kube, runId, job } = options;
  const objects = indexedJobObjects(runId, options.image, job);
  const namespace = jobNamespace(job.name, runId);
  try {
    await kube.apply(objects, runId);
    options.log?.(`meshgate: ${options.what} Job ${namespace}/${job.name}: ${job.completions} pods`);
    await waitForCompletion(options, namespace);
    return await collectResults(options, namespace);
  } finally {
    await kube.deleteObjects(objects, runId);
  }
}

async function waitForCompletion({ kube, job, boundMs, pollMs, what, signal }: RunIndexedJobOptions, namespace: string): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (let poll = 0; poll < 100_000 && Date.now() < deadline; poll++) {
    signal?.throwIfAborted();
    const read = await attempt(`read Job ${namespace}/${job.name}`, kube.batch.readNamespacedJob({ name: job.name, namespace }));
    if ((read.status?.failed ?? 0) > 0) throw new EnvironmentError(`${what} Job ${namespace}/${job.name}: ${read.status?.failed} pod(s) failed`);
    if ((read.status?.succeeded ?? 0) >= job.completions) return;
    await sleep(pollMs, undefined, { signal });
  }
  throw new EnvironmentError(`${what} Job ${namespace}/${job.name} did not complete within ${boundMs} ms`);
}

async function collectResults({ kube, job, resultPrefix, what }: RunIndexedJobOptions, namespace: string): Promise<Map<string, string>> {
  const pods = await attempt(`list pods of Job ${job.name}`, kube.core.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/job-name=${job.name}` }));
  const byIndex = new Map<string, string>();
  for (const pod of pods.items.filter((item) => item.status?.phase === 'Succeeded')) {
    const name = pod.metadata?.name ?? '';
    const log = await attempt(`read log of pod ${namespace}/${name}`, kube.core.readNamespacedPodLog({ name, namespace }));
    const line = log.split('\n').find((candidate) => candidate.startsWith(resultPrefix));
    if (!line) throw new EnvironmentError(`pod ${namespace}/${name} printed no ${what} result`);
    byIndex.set(pod.metadata?.annotations?.[INDEX_ANNOTATION] ?? name, line.slice(resultPrefix.length));
  }
  return byIndex;
}
