import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../harness/net/ports.ts';

/** One request as the fake API server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  /** Parsed JSON when the body is JSON (client-node sends apply patches as JSON), else the text. */
  body: unknown;
}

type Stored = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; generation?: number }; [field: string]: unknown };

export interface FakeKubeOptions {
  /** Deployment lists show every Deployment rolled out from this list request on (1: at once). */
  rolloutAfterPolls?: number;
  /** EndpointSlice lists show a ready address from this list request on. */
  endpointsAfterPolls?: number;
  /** How probe pods end, from their `afterPolls`-th read on; without it they stay Pending. */
  podOutcome?: PodOutcome | ((pod: { namespace: string; name: string; command: string[] }) => PodOutcome);
  /** Lists everything whatever the label selector, like a proxy that drops query parameters. */
  ignoreLabelSelectors?: boolean;
  /**
   * What the Job controller and kubelet would do with a created Job: run its pods (one per
   * completion index) and say how each ended. The fake then stores those pods, with the Job
   * controller's label and index annotation, their logs, and the Job's status.
   */
  runJob?: (job: Stored, configMaps: (name: string) => Stored | undefined) => Promise<Array<{ index: number; exitCode: number; log: string }>>;
}

/** How a probe pod ends: its phase, exit code and log, from its `afterPolls`-th read on. */
export interface PodOutcome {
  afterPolls: number;
  phase: 'Succeeded' | 'Failed';
  exitCode: number;
  log: string;
}

export interface FakeKube {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: RecordedRequest[];
  /** Stored objects by `groupVersion/resource/namespace/name`. */
  objects: Map<string, Stored>;
  /** Stores `object` as if someone else had created it. */
  seed(object: Stored): void;
  /** The next request with `method` whose path matches `path` is answered with `status`. */
  failNext(method: string, path: RegExp, status: number): void;
  close(): Promise<void>;
}

const types = [
  { groupVersion: 'v1', name: 'namespaces', kind: 'Namespace', namespaced: false },
  { groupVersion: 'v1', name: 'services', kind: 'Service', namespaced: true },
  { groupVersion: 'v1', name: 'secrets', kind: 'Secret', namespaced: true },
  { groupVersion: 'v1', name: 'pods', kind: 'Pod', namespaced: true },
  { groupVersion: 'v1', name: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { groupVersion: 'batch/v1', name: 'jobs', kind: 'Job', namespaced: true },
  { groupVersion: 'coordination.k8s.io/v1', name: 'leases', kind: 'Lease', namespaced: true },
  { groupVersion: 'apps/v1', name: 'deployments', kind: 'Deployment', namespaced: true },
  { groupVersion: 'networking.k8s.io/v1', name: 'ingresses', kind: 'Ingress', namespaced: true },
  { groupVersion: 'networking.k8s.io/v1', name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  { groupVersion: 'discovery.k8s.io/v1', name: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { groupVersion: 'networking.istio.io/v1', name: 'gateways', kind: 'Gateway', namespaced: true },
  { groupVersion: 'networking.istio.io/v1', name: 'virtualservices', kind: 'VirtualService', namespaced: true },
  { groupVersion: 'networking.istio.io/v1', name: 'destinationrules', kind: 'DestinationRule', namespaced: true },
  { groupVersion: 'networking.istio.io/v1alpha3', name: 'envoyfilters', kind: 'EnvoyFilter', namespaced: true },
  { groupVersion: 'apiextensions.k8s.io/v1', name: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
];
type ResourceType = (typeof types)[number];

interface Route {
  groupVersion: string;
  type: ResourceType | undefined;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function route(path: string): Route | undefined {
  const match = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/(.*))?$/.exec(path);
  if (!match) return undefined;
  const groupVersion = (match[1] ?? match[2]) as string;
  let segments = (match[3] ?? '').split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  let namespace: string | undefined;
  if (segments[0] === 'namespaces' && segments.length >= 3) {
    namespace = segments[1];
    segments = segments.slice(2);
  }
  const [resource, name, subresource] = segments;
  const type = types.find((candidate) => candidate.groupVersion === groupVersion && candidate.name === resource);
  return { groupVersion, type, namespace, name, subresource };
}

function matchesSelector(object: Stored, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [key = '', value] = term.split(/==?/);
    return object.metadata.labels?.[key] === value;
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  response.end(text);
}

function statusBody(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code };
}

/** A Kubernetes API server in memory, with just the endpoints meshgate's cluster code uses. */
export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const objects = new Map<string, Stored>();
  const requests: RecordedRequest[] = [];
  const failures: { method: string; path: RegExp; status: number }[] = [];
  const polls = { deployments: 0, endpoints: 0, pods: new Map<string, number>() };
  const keyOf = (type: ResourceType, namespace: string | undefined, name: string) => `${type.groupVersion}/${type.name}/${namespace ?? ''}/${name}`;
  const namespaceType = types[0] as ResourceType;

  function podOutcomeOf(pod: Stored): PodOutcome | undefined {
    const outcome = options.podOutcome;
    if (typeof outcome !== 'function') return outcome;
    const command = (pod.spec as { containers?: Array<{ command?: string[] }> } | undefined)?.containers?.[0]?.command ?? [];
    return outcome({ namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, command });
  }

  /** Fills in what controllers would have written by now: rollout status, pod phase. */
  function withStatus(type: ResourceType, object: Stored): Stored {
    if (type.name === 'deployments') {
      const replicas = ((object.spec as { replicas?: number } | undefined)?.replicas ?? 1) as number;
      const done = polls.deployments >= (options.rolloutAfterPolls ?? 1);
      const updated = done ? replicas : Math.max(0, replicas - 1);
      return { ...object, status: { observedGeneration: 1, replicas, updatedReplicas: updated, availableReplicas: done ? replicas : 0 } };
    }
    if (type.name === 'pods' && object.status) return object;
    if (type.name === 'pods') {
      const outcome = podOutcomeOf(object);
      const seen = polls.pods.get(object.metadata.name) ?? 0;
      if (!outcome || seen < outcome.afterPolls) return { ...object, status: { phase: 'Pending' } };
      const containerStatuses = [{ name: 'probe', state: { terminated: { exitCode: outcome.exitCode } } }];
      return { ...object, status: { phase: outcome.phase, containerStatuses } };
    }
    return object;
  }

  function endpointSlices(namespace: string, selector: string | undefined): Stored[] {
    polls.endpoints += 1;
    const service = /^kubernetes\.io\/service-name=(.+)$/.exec(selector ?? '')?.[1] ?? '';
    if (!objects.has(`v1/services/${namespace}/${service}`)) return [];
    const ready = polls.endpoints >= (options.endpointsAfterPolls ?? 1);
    const endpoints = [{ addresses: ['10.244.0.7'], conditions: { ready } }];
    const metadata = { name: `${service}-x1`, namespace, labels: { 'kubernetes.io/service-name': service } };
    return [{ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv4', endpoints }];
  }

  function list(target: Route & { type: ResourceType }, query: Record<string, string>): object {
    const selector = options.ignoreLabelSelectors ? undefined : query.labelSelector;
    if (target.type.name === 'deployments') polls.deployments += 1;
    const items =
      target.type.name === 'endpointslices'
        ? endpointSlices(target.namespace ?? '', selector)
        : [...objects.values()].filter(
            (object) =>
              object.kind === target.type.kind &&
              (target.namespace === undefined || object.metadata.namespace === target.namespace) &&
              matchesSelector(object, selector),
          );
    // Chunked lists as the API server serves them: `limit` items, then a `continue` token for the rest.
    const offset = Number(query.continue ?? 0);
    const limit = Number(query.limit ?? items.length) || items.length;
    const page = items.slice(offset, offset + limit);
    const metadata = offset + limit < items.length ? { continue: String(offset + limit) } : {};
    return { apiVersion: target.groupVersion, kind: `${target.type.kind}List`, metadata, items: page.map((item) => withStatus(target.type, item)) };
  }

  /** Creates or replaces an object the way the API server would answer: 404 when its namespace is missing. */
  function store(target: Route & { type: ResourceType }, body: Stored, response: ServerResponse, conflictIfExists: boolean): void {
    const name = body.metadata.name;
    const key = keyOf(target.type, target.namespace, name);
    if (target.namespace !== undefined && !objects.has(keyOf(namespaceType, undefined, target.namespace))) {
      send(response, 404, statusBody(404, 'NotFound', `namespaces "${target.namespace}" not found`));
      return;
    }
    if (conflictIfExists && objects.has(key)) {
      send(response, 409, statusBody(409, 'AlreadyExists', `${target.type.name} "${name}" already exists`));
      return;
    }
    const existed = objects.has(key);
    objects.set(key, { ...body, metadata: { ...body.metadata, generation: 1 } });
    if (!existed && target.type.name === 'jobs') startJob(objects.get(key)!);
    send(response, existed ? 200 : 201, objects.get(key));
  }

  const podLogs = new Map<string, string>();

  function startJob(job: Stored): void {
    const namespace = job.metadata.namespace ?? '';
    const configMap = (name: string) => objects.get(`v1/configmaps/${namespace}/${name}`);
    void options.runJob?.(job, configMap).then((pods) => {
      const jobKey = `batch/v1/jobs/${namespace}/${job.metadata.name}`;
      if (!objects.has(jobKey)) return;
      const template = (job.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      for (const pod of pods) {
        const name = `${job.metadata.name}-${pod.index}-x7k2p`;
        const labels = { ...template.metadata.labels, 'batch.kubernetes.io/job-name': job.metadata.name, 'job-name': job.metadata.name };
        const phase = pod.exitCode === 0 ? 'Succeeded' : 'Failed';
        objects.set(`v1/pods/${namespace}/${name}`, {
          apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, annotations: { 'batch.kubernetes.io/job-completion-index': String(pod.index) } } as Stored['metadata'],
          status: { phase, containerStatuses: [{ name: 'load-worker', state: { terminated: { exitCode: pod.exitCode } } }] },
        });
        podLogs.set(`${namespace}/${name}`, pod.log);
      }
      const succeeded = pods.filter((pod) => pod.exitCode === 0).length;
      objects.set(jobKey, { ...objects.get(jobKey)!, status: { succeeded, failed: pods.length - succeeded } });
    });
  }

  function remove(target: Route & { type: ResourceType; name: string }, response: ServerResponse): void {
    const key = keyOf(target.type, target.namespace, target.name);
    const object = objects.get(key);
    if (!object) return send(response, 404, statusBody(404, 'NotFound', `${target.type.name} "${target.name}" not found`));
    objects.delete(key);
    if (target.type.kind === 'Namespace') {
      for (const [other, stored] of objects) if (stored.metadata.namespace === target.name) objects.delete(other);
    }
    send(response, 200, object);
  }

  function handle(request: RecordedRequest, response: ServerResponse): void {
    const failure = failures.find((candidate) => candidate.method === request.method && candidate.path.test(request.path));
    if (failure) {
      failures.splice(failures.indexOf(failure), 1);
      return send(response, failure.status, statusBody(failure.status, 'InternalError', `injected failure ${failure.status}`));
    }
    if (request.method === 'GET' && request.path === '/version') {
      return send(response, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-fake', platform: 'linux/amd64' });
    }
    const target = route(request.path);
    if (!target) return send(response, 404, statusBody(404, 'NotFound', `no route ${request.path}`));
    const known = types.filter((type) => type.groupVersion === target.groupVersion);
    if (target.type === undefined) {
      if (request.method !== 'GET' || known.length === 0 || target.name !== undefined) return send(response, 404, statusBody(404, 'NotFound', 'unknown resource'));
      const resources = known.map((type) => ({ name: type.name, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'list', 'patch', 'delete'] }));
      return send(response, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: target.groupVersion, resources });
    }
    const typed = { ...target, type: target.type };
    if (typed.name === undefined) {
      if (request.method === 'GET') return send(response, 200, list(typed, request.query));
      if (request.method === 'POST') return store(typed, request.body as Stored, response, true);
      return send(response, 405, statusBody(405, 'MethodNotAllowed', request.method));
    }
    const named = { ...typed, name: typed.name };
    const key = keyOf(named.type, named.namespace, named.name);
    if (request.method === 'GET') {
      const object = objects.get(key);
      if (!object) return send(response, 404, statusBody(404, 'NotFound', `${named.type.name} "${named.name}" not found`));
      if (named.subresource === 'log') return send(response, 200, podLogs.get(`${named.namespace}/${named.name}`) ?? podOutcomeOf(object)?.log ?? '');
      if (named.type.name === 'pods') polls.pods.set(named.name, (polls.pods.get(named.name) ?? 0) + 1);
      return send(response, 200, withStatus(named.type, object));
    }
    if (request.method === 'PATCH') {
      if (request.contentType !== 'application/apply-patch+yaml' || !request.query.fieldManager) {
        return send(response, 422, statusBody(422, 'Invalid', 'only server-side apply with a fieldManager is served'));
      }
      return store(named, request.body as Stored, response, false);
    }
    if (request.method === 'PUT') {
      if (!objects.has(key)) return send(response, 404, statusBody(404, 'NotFound', `${named.type.name} "${named.name}" not found`));
      return store(named, request.body as Stored, response, false);
    }
    if (request.method === 'DELETE') return remove(named, response);
    return send(response, 405, statusBody(405, 'MethodNotAllowed', request.method));
  }

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      const contentType = incoming.headers['content-type'];
      const request = { method: incoming.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType, body };
      requests.push(request);
      handle(request, response);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    seed: (object) => {
      const type = types.find((candidate) => candidate.kind === object.kind && object.apiVersion === candidate.groupVersion) as ResourceType;
      objects.set(keyOf(type, object.metadata.namespace, object.metadata.name), object);
    },
    failNext: (method, path, status) => failures.push({ method, path, status }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes a kubeconfig for `server` into `dir` (plain http is allowed by client-node only with insecure-skip-tls-verify). */
export async function writeKubeconfig(dir: string, server: string): Promise<string> {
  const file = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'fake',
    clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token: 'fake-token' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
  };
  // JSON is YAML, which is what client-node parses.
  await writeFile(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}
