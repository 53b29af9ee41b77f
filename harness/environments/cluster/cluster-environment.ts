import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.ts';
import { buildModeManifests, type GatewayPlacementOptions } from '../../kubernetes/tenant-manifests.ts';
import type { UntranslatedItem } from '../../kubernetes/istio-gaps.ts';
import type { TlsKeyPair } from '../../kubernetes/tenant-workloads.ts';
import { validateObjects } from '../../kubernetes/validate-objects.ts';
import type { LoadedScenario } from '../../scenario/load.ts';
import type { ResolvedScenario } from '../../scenario/resolve.ts';
import type { Target } from '../../target.ts';
import type { Timeouts } from '../../timeouts.ts';
import type { Environment, StartedEnvironment } from '../environment.ts';
import type { Feature } from '../../target.ts';
import { issueGatewayCertificates } from '../local/gateway-certificates.ts';
import { Resources } from '../resources.ts';
import type { CommandRunner } from './command-runner.ts';
import { buildFixtureImage } from './fixture-image.ts';
import { type GatewayInstallOptions, type GatewayMode, type GatewaySoftware, gatewayNamespaces, installGateways, installedSoftware, istioGatewaySelector } from './gateway-install.ts';
import { type ClusterObject, type KubeApi, connectKube } from './kube-api.ts';
import { type AppProbe, routesAnswering } from './routes-answering.ts';
import { providedNamespaces, removeTenants, takeScenario } from './tenant-lifecycle.ts';
import { type WaitOptions, deploymentsRolledOut, endpointsReady } from './wait-strategies.ts';

/** Where a gateway of the cluster is reached from this machine. */
export interface GatewayEndpoint {
  address: string;
  httpPort: number;
  httpsPort: number;
}

/** A cluster ready for tenants: how to reach its API and its gateways. */
export interface ProvisionedCluster {
  kubeconfig?: string;
  context?: string;
  /** The gateways' entry points on this machine; only those the mode uses are read. */
  gateways: { istio?: GatewayEndpoint; ingressNginx?: GatewayEndpoint };
  /** What runs the cluster, for messages, e.g. `kind cluster meshgate (reused)`. */
  description: string;
  /**
   * Puts a locally built image on the nodes (kind load, k3s import). Present on the
   * clusters meshgate creates, which then get the fixture image built and the mode's
   * gateways installed; an existing cluster pulls the image and has its gateways.
   */
  loadImage?(image: string): Promise<void>;
  /** What serves the gateways of an existing cluster, when known. */
  software?: GatewaySoftware;
  /** Saves node logs for a failed run's report, where the cluster kind can. */
  exportLogs?(dir: string): Promise<void>;
  /** Where an existing cluster's gateways run; default where meshgate installs them. */
  placement?: GatewayPlacement;
}

/**
 * Where the gateways' pods run: the Istio Gateway object and its Secrets go to the
 * Istio gateway's namespace and select its pods by label; both namespaces are let
 * through each tenant's NetworkPolicy. Istio's Helm docs install `istio: ingress` in
 * `istio-ingress`; istioctl's default is `istio: ingressgateway` in `istio-system`.
 */
export type GatewayPlacement = GatewayPlacementOptions;

/** How a cluster comes to be: created by kind or k3s, or one that already exists. */
export interface ClusterProvider {
  readonly name: 'kind' | 'k3s' | 'existing';
  /** Creates or attaches, registering its own teardown in `resources` (unless it must be kept). */
  provision(workDir: string, resources: Resources, signal?: AbortSignal): Promise<ProvisionedCluster>;
}

export interface ClusterEnvironmentOptions {
  scenario: LoadedScenario;
  runId: string;
  mode: GatewayMode;
  provider: ClusterProvider;
  /** How created clusters get their gateways (ignored for an existing cluster). */
  install: Pick<GatewayInstallOptions, 'istioInstaller' | 'istioVersion' | 'istioProfile' | 'ingressNginxChartVersion'>;
  /** Image of the echo fixture, e.g. meshgate-echo:0.1.0 (built and loaded by kind/k3s; pulled by an existing cluster). */
  fixtureImage: string;
  /** Leave the tenants (and a created cluster) in place after the run, for a look around. */
  keep: boolean;
  /** Hold the scenario's Lease in this namespace for the run (--lease-namespace); default no coordination. */
  leaseNamespace?: string;
  /** Where node logs go when start fails (the run's report folder). */
  logsDir?: string;
  log: (line: string) => void;
  runner: CommandRunner;
  /** The run's timeouts: commands, API requests, rollouts, routes answering. */
  timeouts: Timeouts;
  /** Asks one app through a gateway: the readiness wait probes every served app with it. */
  probeApp: AppProbe;
}

/** What a cluster can test: everything, in-cluster traffic included; h2c only where a gateway listens for it (none here). */
export const clusterFeatures: Feature[] = ['http1', 'http2', 'websocket', 'grpc', 'tls', 'cors', 'east-west', 'load'];

/**
 * The scenario's tenants in a Kubernetes cluster behind ingress-nginx, Istio, or
 * both (dual: Istio is the candidate, ingress-nginx the live reference). Every
 * object carries the run id; cleanup is registered before the first write.
 */
export class ClusterEnvironment implements Environment {
  constructor(private readonly options: ClusterEnvironmentOptions) {}

  async start(signal?: AbortSignal): Promise<StartedEnvironment> {
    const resources = new Resources();
    const workDir = await mkdtemp(join(tmpdir(), 'meshgate-cluster-'));
    resources.add(() => rm(workDir, { recursive: true, force: true }));
    let cluster: ProvisionedCluster | undefined;
    try {
      cluster = await this.options.provider.provision(workDir, resources, signal);
      return await this.deploy(cluster, workDir, resources, signal);
    } catch (error) {
      if (cluster?.exportLogs && this.options.logsDir) {
        this.options.log(`meshgate: saving the cluster's logs to ${this.options.logsDir}`);
        await cluster.exportLogs(this.options.logsDir).catch(() => undefined);
      }
      await resources.release().catch(() => undefined);
      throw error;
    }
  }

  private async deploy(cluster: ProvisionedCluster, workDir: string, resources: Resources, signal?: AbortSignal): Promise<StartedEnvironment> {
    const { scenario, runId, mode, log } = this.options;
    const software = await this.prepare(cluster, workDir, signal);
    const { timeouts } = this.options;
    const kube = connectKube({ kubeconfig: cluster.kubeconfig, context: cluster.context, requestMs: timeouts.kubeRequestMs });
    const certificates = await issueGatewayCertificates(scenario.resolved);
    const placement = cluster.placement ?? { istioNamespace: gatewayNamespaces.istio, istioSelector: { ...istioGatewaySelector }, ingressNginxNamespace: gatewayNamespaces.ingressNginx };
    const { objects, untranslated } = tenantObjects(scenario.resolved, runId, mode, this.options.fixtureImage, certificates?.secrets ?? new Map(), placement);
    await this.applyTenants(kube, objects, resources);
    await waitForTenants(kube, objects, { timeoutMs: timeouts.rolloutMs, pollMs: timeouts.kubePollMs, signal });
    const caFile = certificates ? join(workDir, 'ca.crt') : null;
    if (caFile && certificates) await writeFile(caFile, certificates.ca.certPem);
    const base = { version: 1 as const, environment: this.options.provider.name, runId, createdAt: new Date().toISOString(), caFile, features: clusterFeatures, scenario: scenario.input };
    const clusterAccess = { kubeconfig: cluster.kubeconfig ?? null, context: cluster.context ?? null };
    const targetOf = (gateway: 'istio' | 'ingressNginx', gaps: UntranslatedItem[]): Target => {
      const endpoint = cluster.gateways[gateway];
      if (!endpoint) throw new EnvironmentError(`the ${this.options.provider.name} cluster exposes no ${gateway} gateway (mode ${mode})`);
      return { ...base, gateway: { ...endpoint, h2cPort: null, software: software[gateway] ?? gateway }, cluster: clusterAccess, untranslated: gaps };
    };
    const candidate = mode === 'ingress' ? targetOf('ingressNginx', []) : targetOf('istio', untranslated);
    const reference = mode === 'dual' ? targetOf('ingressNginx', []) : undefined;
    for (const target of [candidate, reference]) {
      if (target) await routesAnswering(scenario.resolved, { ...target.gateway, ca: certificates?.ca.certPem, requestMs: timeouts.requestMs }, this.options.probeApp).wait({ timeoutMs: timeouts.routesReadyMs, pollMs: timeouts.convergencePollMs * 5, signal });
    }
    log(`meshgate: ${cluster.description}: tenants answering through ${[candidate, reference].map((target) => target?.gateway.software).filter(Boolean).join(' and ')}`);
    return new StartedClusterEnvironment(candidate, reference, resources, cluster.exportLogs);
  }

  /**
   * Takes the scenario (its Lease, with --lease-namespace), registers the cleanup, then
   * applies the tenants; provided namespaces are filled, not applied. The Lease is given
   * up only once the run's objects are gone.
   */
  private async applyTenants(kube: KubeApi, objects: readonly ClusterObject[], resources: Resources): Promise<void> {
    const { runId, mode, log, scenario } = this.options;
    const provided = await providedNamespaces(kube, objects);
    const lease = await takeScenario(kube, { leaseNamespace: this.options.leaseNamespace, scenarioName: scenario.resolved.name, runId, log }, objects, provided);
    resources.add(async () => {
      if (!this.options.keep) await removeTenants(kube, objects, runId, provided);
      await lease?.release();
    });
    const applied = objects.filter((object) => !(object.kind === 'Namespace' && provided.has(object.metadata.name)));
    log(`meshgate: applying ${applied.length} objects (${mode} mode) to ${kube.server}${provided.size > 0 ? ` (${provided.size} provided namespaces)` : ''}`);
    await kube.apply(applied, runId);
  }

  /** A cluster meshgate created gets the fixture image and the mode's gateways; an existing one has both. */
  private async prepare(cluster: ProvisionedCluster, workDir: string, signal?: AbortSignal): Promise<GatewaySoftware> {
    if (!cluster.loadImage) return cluster.software ?? {};
    const { runner, timeouts, fixtureImage, mode, log } = this.options;
    log(`meshgate: building ${fixtureImage} and loading it into the ${cluster.description}`);
    await buildFixtureImage({ runner, timeouts }, fixtureImage, signal);
    await cluster.loadImage(fixtureImage);
    const install: GatewayInstallOptions = { ...this.options.install, mode, kubeconfig: cluster.kubeconfig ?? '', workDir, runner, timeouts, signal };
    log(`meshgate: installing ${mode === 'dual' ? 'Istio and ingress-nginx' : mode === 'istio' ? 'Istio' : 'ingress-nginx'}`);
    await installGateways(install);
    return installedSoftware(install);
  }
}

/** The objects of `mode`, validated; dual mode is both routings over one set of namespaces and workloads. */
function tenantObjects(scenario: ResolvedScenario, runId: string, mode: GatewayMode, image: string, certificates: ReadonlyMap<string, TlsKeyPair>, placement: GatewayPlacement) {
  const { objects, untranslated } = buildModeManifests(scenario, runId, mode, { image, certificates, placement });
  return { objects: validateObjects(objects, runId) as ClusterObject[], untranslated };
}

async function waitForTenants(kube: KubeApi, objects: readonly ClusterObject[], options: WaitOptions): Promise<void> {
  const namespaces = objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name);
  const services = objects.filter((object) => object.kind === 'Service').map((object) => ({ namespace: object.metadata.namespace ?? '', name: object.metadata.name }));
  await deploymentsRolledOut(namespaces).wait(kube, options);
  await endpointsReady(services).wait(kube, options);
}

class StartedClusterEnvironment implements StartedEnvironment {
  constructor(
    private readonly candidate: Target,
    private readonly reference: Target | undefined,
    private readonly resources: Resources,
    readonly exportLogs: ((dir: string) => Promise<void>) | undefined,
  ) {}

  target(): Target {
    return this.candidate;
  }

  referenceTarget(): Target | undefined {
    return this.reference;
  }

  stop(): Promise<void> {
    return this.resources.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
