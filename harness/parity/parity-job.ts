import type { GatewayAddress } from '../clients/http-client.ts';
import { EnvironmentError, InputFileError, UsageError, errorMessage } from '../errors.ts';
import { readInputFile } from '../input-file.ts';
import { redact } from '../redact.ts';
import { type IndexedJob, indexedJobObjects, runIndexedJob } from '../environments/cluster/indexed-job.ts';
import type { ClusterObject, KubeApi } from '../environments/cluster/kube-api.ts';
import type { Timeouts } from '../timeouts.ts';
import type { ParityHost } from './parity-hosts.ts';
import { reachableGateway } from './parity-sources.ts';
import { type ParityReport, runParity } from './run-parity.ts';
import { mergeParityReports, shardOf } from './split-hosts.ts';

/** What every parity worker pod reads (the Job's ConfigMap): the gateways as the pods reach them, all hosts, and the run's settings. */
export interface ParityJobSpec {
  workers: number;
  reference: GatewayAddress;
  candidate: GatewayAddress;
  hosts: ParityHost[];
  /** Requests per second over every worker together; each takes its share. */
  ratePerSecond: number;
  hostsAtOnce: number;
  timeoutMs: number;
  retries: number;
  /** Known-differences rows: id and classification. */
  rows: Array<[string, string]>;
}

/** Prefix of the one stdout (pod log) line that carries a parity worker's report as JSON. */
export const PARITY_RESULT_PREFIX = 'meshgate-parity-result ';

const NAME = 'meshgate-parity';

/**
 * What `parity --workers` asks of the API server, and nothing more: server-side apply (get,
 * create, patch) and removal of the run's namespace, ConfigMap and Job, the Job's status, and
 * its pods' logs. The pods themselves get no service-account token.
 */
export const parityJobRbac: ReadonlyArray<{ apiGroup: string; resources: string[]; verbs: string[] }> = [
  { apiGroup: '', resources: ['namespaces', 'configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroup: 'batch', resources: ['jobs'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroup: '', resources: ['pods'], verbs: ['list'] },
  { apiGroup: '', resources: ['pods/log'], verbs: ['get'] },
];

function parityJob(spec: ParityJobSpec): IndexedJob {
  return {
    name: NAME,
    file: 'parity.json',
    content: JSON.stringify(spec),
    args: (file) => ['parity-worker', '--spec', `@${file}`],
    completions: spec.workers,
    // Parity is paced by its rate, not CPU-bound: a small share of a core does.
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  };
}

/** A Namespace, the spec as a ConfigMap and an Indexed Job of `spec.workers` pods running `meshgate parity-worker` on their slice of the hosts. */
export function parityJobObjects(runId: string, image: string, spec: ParityJobSpec): ClusterObject[] {
  return indexedJobObjects(runId, image, parityJob(spec));
}

/** Worker `index`'s slice of the hosts, through both gateways, at its share of the rate; fails (no partial report) when a gateway does not accept connections. */
export async function runParityShard(spec: ParityJobSpec, index: number, signal: AbortSignal, progress: (line: string) => void): Promise<ParityReport> {
  await reachableGateway('reference', spec.reference, undefined, spec.timeoutMs);
  await reachableGateway('candidate', spec.candidate, undefined, spec.timeoutMs);
  const ratePerSecond = Math.max(1, spec.ratePerSecond / spec.workers);
  return runParity({ ...spec, hosts: shardOf(spec.hosts, index, spec.workers), ratePerSecond, rows: new Map(spec.rows), signal, progress });
}

export interface ParityJobOptions {
  kube: KubeApi;
  runId: string;
  /** meshgate's own image (the repository's Dockerfile). */
  image: string;
  spec: ParityJobSpec;
  /** The run's timeouts: the pods' start and the polls of the Job. */
  timeouts: Timeouts;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * Runs parity as an Indexed Job: each pod compares its slice of the hosts, prints its
 * report, and the reports merge into one in the order of the host list. The Job, its
 * ConfigMap and namespace are removed when this returns, fails or is interrupted.
 */
export async function runParityJob(options: ParityJobOptions): Promise<ParityReport> {
  const { spec, timeouts } = options;
  // Bound: every host's three probes at the rate, with each request's own bound for one host at a time, plus the pods' start.
  const requestsPerHost = 3 * (2 + 2 * Math.max(...spec.hosts.map((host) => host.paths.length)) + 3);
  const boundMs = timeouts.rolloutMs + (spec.hosts.length * requestsPerHost * 1000) / spec.ratePerSecond + requestsPerHost * spec.timeoutMs * (spec.retries + 1);
  const lines = await runIndexedJob({ ...options, job: parityJob(spec), boundMs, pollMs: timeouts.kubePollMs, resultPrefix: PARITY_RESULT_PREFIX, what: 'parity' });
  if (lines.size !== spec.workers) throw new EnvironmentError(`${lines.size} of ${spec.workers} parity workers sent a result`);
  const parts = [...lines].map(([index, line]) => {
    try {
      return JSON.parse(line) as ParityReport;
    } catch (error) {
      throw new EnvironmentError(`parity worker ${index}: unreadable result (${errorMessage(error)})`);
    }
  });
  return mergeParityReports(parts, spec.hosts);
}

/** A parity worker's spec from the ConfigMap file (or JSON): checked where a bad one would mislead. */
export function parseParityJobSpec(text: string, source: string): ParityJobSpec {
  let spec: ParityJobSpec;
  try {
    spec = JSON.parse(text) as ParityJobSpec;
  } catch (error) {
    throw new InputFileError(source, `not a parity spec: ${errorMessage(error)}`);
  }
  if (!Number.isInteger(spec.workers) || spec.workers < 1 || !Array.isArray(spec.hosts) || !spec.reference || !spec.candidate) throw new InputFileError(source, 'not a parity spec: workers, hosts, reference and candidate are required');
  return spec;
}

/** `meshgate parity-worker`: worker `index`'s slice of the spec in `file`; returns its result line (through the one redaction, as every output). */
export async function runParityWorker(file: string, index: number, signal: AbortSignal, log: (line: string) => void): Promise<string> {
  const spec = parseParityJobSpec(await readInputFile(file, 'the parity spec'), file);
  if (index >= spec.workers) throw new UsageError(`worker index ${index} out of range (the spec has ${spec.workers} workers)`);
  const report = await runParityShard(spec, index, signal, log);
  return `${PARITY_RESULT_PREFIX}${redact(JSON.stringify(report))}\n`;
}
