import { ApiextensionsV1Api, ApiException, AppsV1Api, BatchV1Api, CoordinationV1Api, CoreV1Api, createConfiguration, DiscoveryV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { KubernetesObjectApi, PatchStrategy, ServerConfiguration, VersionApi } from '@kubernetes/client-node';
import type { Configuration, KubernetesObject, Middleware, V1ObjectMeta } from '@kubernetes/client-node';
import { EnvironmentError, errorMessage, InputFileError, MeshgateError, UsageError } from '../../errors.ts';
import { objectRef, RUN_ID_LABEL } from '../../kubernetes/objects.ts';

/** Field manager of every server-side apply meshgate makes. */
const FIELD_MANAGER = 'meshgate';

/** An object meshgate applies or deletes: plain data with kind, apiVersion and a name. */
export type ClusterObject = KubernetesObject & { apiVersion: string; kind: string; metadata: V1ObjectMeta & { name: string } };

/** What `deleteObjects` did: objects deleted, and objects left alone because another owner has them. */
export interface DeleteOutcome {
  deleted: string[];
  notOurs: string[];
}

/**
 * The Kubernetes API of one cluster, as meshgate uses it. Writes touch only objects
 * labelled `meshgate.io/run-id=<runId>`: the cluster may be a production one.
 */
export interface KubeApi {
  /** API server URL of the context in use, for messages and reports. */
  readonly server: string;
  /** Typed clients for reads and the probe pod; every request is bounded by the run's kubeRequestMs. */
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly discovery: DiscoveryV1Api;
  /** Jobs (the load workers' Indexed Job). */
  readonly batch: BatchV1Api;
  /** Leases (one run of a scenario at a time). */
  readonly coordination: CoordinationV1Api;
  /** CustomResourceDefinitions, read by `doctor --env existing` (which API versions the cluster serves). */
  readonly apiextensions: ApiextensionsV1Api;
  /** Ingresses, listed by `meshgate inventory --from-cluster`. */
  readonly networking: NetworkingV1Api;
  /**
   * Server-side applies `objects` in order (field manager `meshgate`, force). Before the
   * first write it refuses, naming each one, objects that exist without this run's label,
   * and objects that do not carry the label themselves. Namespaced objects must name
   * their namespace (client-node would otherwise pick the context's default).
   */
  apply(objects: readonly ClusterObject[], runId: string): Promise<void>;
  /** Deletes the namespaces labelled with `runId`, and nothing else; returns their names. */
  deleteRunNamespaces(runId: string): Promise<string[]>;
  /** Deletes `objects` (in reverse order) that exist and carry `runId`'s label; others are left alone. */
  deleteObjects(objects: readonly ClusterObject[], runId: string): Promise<DeleteOutcome>;
  /** The API server's version (GET /version), e.g. "v1.31.0" or "v1.30.4+k3s1". */
  serverVersion(): Promise<string>;
}

/** Some of the objects to apply already exist and belong to someone else. */
export class ForeignObjectError extends MeshgateError {
  /** `otherRuns`: run ids those objects carry, when another meshgate run made them (one that did not finish, or one still running). */
  constructor(readonly objects: string[], runId: string, otherRuns: readonly string[] = []) {
    const hint = otherRuns.length === 0 ? '' : `; they are run ${otherRuns.join(', ')}'s: if no such run is going on, delete them by that label, or give runs a --lease-namespace so the next run removes a killed run's objects itself`;
    super('E_FOREIGN_OBJECT', `refusing to modify ${objects.join(', ')}: not labelled ${RUN_ID_LABEL}=${runId}, so not created by this run${hint}`);
  }
}

/** A client-node failure as a one-line EnvironmentError saying what was being done; meshgate's own errors pass through. */
export function kubeError(action: string, error: unknown): MeshgateError {
  if (error instanceof MeshgateError) return error;
  return new EnvironmentError(`${action}: ${describe(error)}`, { cause: error });
}

/** Awaits `call`, turning its failure into a `kubeError` for `action`. */
export async function attempt<T>(action: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw kubeError(action, error);
  }
}

/** HTTP status of a failed API call (also once wrapped by `kubeError`), undefined for other failures (network, timeout). */
export function apiStatus(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  return error instanceof MeshgateError ? apiStatus(error.cause) : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'no answer within the Kubernetes request timeout (kubeRequestMs)';
  if (!(error instanceof ApiException)) return errorMessage(error);
  // client-node's message carries the raw body and every header; keep the status line and the Status message.
  const firstLine = error.message.split('\n')[0] ?? '';
  let status: { message?: unknown } = {};
  try {
    status = typeof error.body === 'string' ? (JSON.parse(error.body) as { message?: unknown }) : {};
  } catch {
    // A non-JSON body (a proxy's HTML page) adds nothing readable.
  }
  return typeof status.message === 'string' ? `${firstLine}: ${status.message}` : firstLine;
}

/** Bounds every request to `requestMs`: client-node 1.x sets no timeout of its own. */
function requestTimeout(requestMs: number): Middleware {
  return {
    pre: async (context) => {
      context.setSignal(AbortSignal.timeout(requestMs));
      return context;
    },
    post: async (response) => response,
  };
}

/**
 * Connects to the cluster of `context` (default: the kubeconfig's current context) in
 * `kubeconfig` (default: $KUBECONFIG, ~/.kube/config, or the pod's service account).
 * Nothing is sent until a method is called; each request is bounded by `requestMs`.
 */
export function connectKube(options: { kubeconfig?: string; context?: string; requestMs: number }): KubeApi {
  const config = loadKubeConfig(options);
  const server = config.getCurrentCluster()?.server;
  if (server === undefined) {
    throw new UsageError(`kubeconfig ${options.kubeconfig ?? '(default)'} has no current context; pass a context (available: ${contextNames(config)})`);
  }
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: config },
    promiseMiddleware: [requestTimeout(options.requestMs)],
  });
  return new ClusterKubeApi(server, configuration);
}

function loadKubeConfig(options: { kubeconfig?: string; context?: string }): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.kubeconfig === undefined) config.loadFromDefault();
    else config.loadFromFile(options.kubeconfig);
  } catch (error) {
    throw new InputFileError(options.kubeconfig ?? 'kubeconfig', errorMessage(error), { cause: error });
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      throw new UsageError(`kube context "${options.context}" not found (available: ${contextNames(config)})`);
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  // loadFromDefault falls back to http://localhost:8080 when it finds nothing, and client-node
  // refuses plain http unless TLS verification is skipped; say so before the first request.
  if (cluster?.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new UsageError(`no usable kubeconfig: cluster ${cluster.server} is plain http without insecure-skip-tls-verify (set KUBECONFIG or pass --kubeconfig)`);
  }
  return config;
}

function contextNames(config: KubeConfig): string {
  return config.getContexts().map((context) => context.name).join(', ') || 'none';
}

/** Runs `step` for every item, all of them even when some fail, then reports every failure at once. */
async function everyOne<T>(items: readonly T[], step: (item: T) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  for (const item of items) {
    await step(item).catch((error: unknown) => failures.push(errorMessage(error)));
  }
  if (failures.length > 0) throw new EnvironmentError(failures.join('; '));
}

function copyOf(object: ClusterObject): ClusterObject {
  // client-node fills in missing fields of the spec it is given; the caller's objects stay untouched.
  return structuredClone(object);
}

class ClusterKubeApi implements KubeApi {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly batch: BatchV1Api;
  readonly coordination: CoordinationV1Api;
  readonly apiextensions: ApiextensionsV1Api;
  readonly networking: NetworkingV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly version: VersionApi;

  constructor(
    readonly server: string,
    configuration: Configuration,
  ) {
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.discovery = new DiscoveryV1Api(configuration);
    this.batch = new BatchV1Api(configuration);
    this.coordination = new CoordinationV1Api(configuration);
    this.apiextensions = new ApiextensionsV1Api(configuration);
    this.networking = new NetworkingV1Api(configuration);
    this.objects = new KubernetesObjectApi(configuration);
    this.version = new VersionApi(configuration);
  }

  async apply(objects: readonly ClusterObject[], runId: string): Promise<void> {
    const selector = runSelector(runId);
    const unlabelled = objects.filter((object) => object.metadata.labels?.[RUN_ID_LABEL] !== runId).map(objectRef);
    if (unlabelled.length > 0) throw new EnvironmentError(`not applying ${unlabelled.join(', ')}: missing label ${selector}`);
    const foreign: string[] = [];
    const otherRuns = new Set<string>();
    for (const object of objects) {
      const existing = await this.readIfExists(object);
      const owner = existing?.metadata?.labels?.[RUN_ID_LABEL];
      if (existing === undefined || owner === runId) continue;
      foreign.push(objectRef(object));
      if (owner !== undefined) otherRuns.add(owner);
    }
    if (foreign.length > 0) throw new ForeignObjectError(foreign, runId, [...otherRuns]);
    for (const object of objects) {
      const patch = this.objects.patch(copyOf(object), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      await attempt(`apply ${objectRef(object)}`, patch);
    }
  }

  async deleteRunNamespaces(runId: string): Promise<string[]> {
    const labelSelector = runSelector(runId);
    const list = await attempt(`list namespaces ${labelSelector}`, this.core.listNamespace({ labelSelector }));
    // Checked again here: a proxy or an old server that ignored the selector must not widen the delete.
    const ours = list.items.filter((namespace) => namespace.metadata?.labels?.[RUN_ID_LABEL] === runId);
    const names = ours.map((namespace) => namespace.metadata?.name ?? '').filter((name) => name !== '');
    await everyOne(names, async (name) => {
      // 404: already gone; 409: already terminating.
      await this.core.deleteNamespace({ name }).catch((error: unknown) => {
        if (apiStatus(error) !== 404 && apiStatus(error) !== 409) throw kubeError(`delete Namespace ${name}`, error);
      });
    });
    return names;
  }

  async deleteObjects(objects: readonly ClusterObject[], runId: string): Promise<DeleteOutcome> {
    runSelector(runId);
    const outcome: DeleteOutcome = { deleted: [], notOurs: [] };
    await everyOne([...objects].reverse(), async (object) => {
      const existing = await this.readIfExists(object);
      if (existing === undefined) return;
      if (existing.metadata?.labels?.[RUN_ID_LABEL] !== runId) {
        outcome.notOurs.push(objectRef(object));
        return;
      }
      await this.objects.delete(copyOf(object)).catch((error: unknown) => {
        if (apiStatus(error) !== 404) throw kubeError(`delete ${objectRef(object)}`, error);
      });
      outcome.deleted.push(objectRef(object));
    });
    return outcome;
  }

  async serverVersion(): Promise<string> {
    return (await attempt(`GET ${this.server}/version`, this.version.getCode())).gitVersion;
  }

  private async readIfExists(object: ClusterObject): Promise<KubernetesObject | undefined> {
    try {
      return await this.objects.read(copyOf(object));
    } catch (error) {
      if (apiStatus(error) === 404) return undefined;
      throw kubeError(`read ${objectRef(object)}`, error);
    }
  }
}

/** `meshgate.io/run-id=<runId>`, once `runId` is known to be a plain label value (no selector syntax). */
function runSelector(runId: string): string {
  if (!/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(runId)) {
    throw new UsageError(`run id "${runId}" is not a valid label value (1-63 letters, digits, ".", "_", "-")`);
  }
  return `${RUN_ID_LABEL}=${runId}`;
}
