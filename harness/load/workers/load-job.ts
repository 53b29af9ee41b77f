import type { LoadResult } from '../../results/load-result.ts';
import type { LoadSpec } from './load-spec.ts';
import { parseWorkerLine } from './local-workers.ts';
import { mergeWorkerResults } from './merge-workers.ts';
import { RESULT_PREFIX } from './run-worker.ts';
import type { Timeouts } from '../../timeouts.ts';
import { type ClusterObject, type KubeApi } from '../../environments/cluster/kube-api.ts';
import { type IndexedJob, indexedJobObjects, jobNamespace, runIndexedJob } from '../../environments/cluster/indexed-job.ts';

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

/** The run's load namespace: a DNS label derived from the run id. */
export function loadNamespace(runId: string): string {
  return jobNamespace(NAME, runId);
}

function loadJob(spec: LoadSpec): IndexedJob {
  return {
    name: NAME,
    file: 'load.json',
    content: JSON.stringify(spec),
    args: (file) => ['load-worker', '--spec', `@${file}`],
    completions: spec.workers,
    // A whole core per worker: the load engine is CPU-bound, and a throttled worker measures itself.
    resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  };
}

/**
 * A Namespace, the spec as a ConfigMap and an Indexed Job of `spec.workers` pods, each
 * running `meshgate load-worker --spec @file` with its index from JOB_COMPLETION_INDEX.
 */
export function loadJobObjects(runId: string, image: string, spec: LoadSpec): ClusterObject[] {
  return indexedJobObjects(runId, image, loadJob(spec));
}

/**
 * Runs the load as an Indexed Job next to the gateway, waits for every pod to complete,
 * reads each pod's result line from its log and merges them exactly. The Job, its
 * ConfigMap and namespace are removed by the run's label when this returns, fails or is
 * interrupted.
 */
export async function runLoadJob(options: LoadJobOptions): Promise<LoadResult> {
  const { spec, timeouts } = options;
  const full: LoadSpec = { ...spec, startAt: Date.now() + timeouts.loadJobStartMs };
  const boundMs = timeouts.loadJobStartMs + spec.warmupMs + spec.durationMs + timeouts.rolloutMs;
  const lines = await runIndexedJob({ ...options, job: loadJob(full), boundMs, pollMs: timeouts.kubePollMs, resultPrefix: RESULT_PREFIX, what: 'load' });
  const namespace = loadNamespace(options.runId);
  return mergeWorkerResults([...lines].map(([index, line]) => parseWorkerLine(`${RESULT_PREFIX}${line}`, `pod ${index} of ${namespace}/${NAME}`)), spec.workers);
}
