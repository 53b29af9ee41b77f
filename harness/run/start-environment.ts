import type { ClusterProvider } from '../environments/cluster/cluster-environment.ts';
import type { CommandRunner } from '../environments/cluster/command-runner.ts';
import type { GatewayMode, IstioInstaller } from '../environments/cluster/gateway-install.ts';
import type { Environment, StartedEnvironment } from '../environments/environment.ts';
import { LocalEnvironment } from '../environments/local/local-environment.ts';
import { UsageError } from '../errors.ts';
import { type LoadedScenario, loadScenario } from '../scenario/load.ts';
import type { Timeouts } from '../timeouts.ts';
import { meshgateVersion } from '../version.ts';

type Endpoint = { address: string; httpPort: number; httpsPort: number };

/** The flags that choose and shape an environment (see options.ts). */
export interface EnvironmentFlags {
  env: string;
  scenario?: string;
  httpPort?: number;
  httpsPort?: number;
  mode: GatewayMode;
  clusterName: string;
  reuse?: boolean;
  keep?: boolean;
  nodeImage?: string;
  k3sImage: string;
  istioInstaller: IstioInstaller;
  istioProfile: string;
  istioVersion: string;
  ingressNginxVersion: string;
  fixtureImage?: string;
  kubeconfig?: string;
  context?: string;
  istioGateway?: Endpoint;
  ingressGateway?: Endpoint;
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  ingressGatewayNamespace: string;
  /** existing: hold the scenario's Lease in this namespace (--lease-namespace). */
  leaseNamespace?: string;
}

export interface StartOptions extends EnvironmentFlags {
  runId: string;
  /** The run's timeouts: every start, wait and stop of the environment. */
  timeouts: Timeouts;
  /** A scenario already loaded (an Ingress export turned into one), served instead of the `scenario` file. */
  loaded?: LoadedScenario;
  /** Where a failed cluster start leaves the node logs. */
  logsDir?: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Loopback ports a new kind cluster publishes its gateways on (fixed, so --reuse finds them again). */
const kindHostPorts = { istio: { http: 18080, https: 18443 }, ingressNginx: { http: 19080, https: 19443 } };

/** Loads the scenario and starts the chosen environment, saying what it does and how long it took. */
export async function startEnvironment(options: StartOptions): Promise<StartedEnvironment> {
  const scenario = options.loaded ?? (await loadScenario(options.scenario));
  const environment = await chooseEnvironment(options, scenario);
  const started = Date.now();
  options.log(`meshgate: starting the ${options.env} environment: ${scenario.resolved.apps.length} tenant apps (scenario ${scenario.resolved.name} from ${scenario.file})`);
  const running = await environment.start(options.signal);
  const { gateway } = running.target();
  options.log(`meshgate: gateway ${gateway.software ?? ''} ready on ${gateway.address} (http ${gateway.httpPort}, https ${gateway.httpsPort}) in ${Date.now() - started} ms`);
  return running;
}

/**
 * The environment the flags ask for; contradictory flags are usage errors before
 * anything starts. The cluster code (Kubernetes client, testcontainers: about a
 * second of CPU to load) is imported only when a cluster is asked for.
 */
async function chooseEnvironment(options: StartOptions, scenario: LoadedScenario): Promise<Environment> {
  if (options.env === 'local') return new LocalEnvironment({ scenario, runId: options.runId, timeouts: options.timeouts, httpPort: options.httpPort, httpsPort: options.httpsPort });
  const [{ ClusterEnvironment }, { execaRunner }, { defaultFixtureImage }, { probeApp }] = await Promise.all([
    import('../environments/cluster/cluster-environment.ts'),
    import('../environments/cluster/command-runner.ts'),
    import('../environments/cluster/fixture-image.ts'),
    import('../suite/app-probe.ts'),
  ]);
  return new ClusterEnvironment({
    scenario,
    runId: options.runId,
    mode: options.mode,
    provider: await clusterProvider(options, execaRunner),
    install: { istioInstaller: options.istioInstaller, istioProfile: options.istioProfile, istioVersion: options.istioVersion, ingressNginxChartVersion: options.ingressNginxVersion },
    fixtureImage: options.fixtureImage ?? defaultFixtureImage(meshgateVersion),
    keep: Boolean(options.keep),
    ...(options.leaseNamespace ? { leaseNamespace: options.leaseNamespace } : {}),
    logsDir: options.logsDir,
    log: options.log,
    runner: execaRunner,
    timeouts: options.timeouts,
    probeApp,
  });
}

async function clusterProvider(options: StartOptions, execaRunner: CommandRunner): Promise<ClusterProvider> {
  switch (options.env) {
    case 'kind': {
      const { kindProvider } = await import('../environments/cluster/kind-provider.ts');
      return kindProvider({ clusterName: options.clusterName, runId: options.runId, reuse: Boolean(options.reuse), keep: Boolean(options.keep), nodeImage: options.nodeImage, hostPorts: kindHostPorts, runner: execaRunner, timeouts: options.timeouts });
    }
    case 'k3s': {
      if (options.reuse || options.keep) throw new UsageError('--env k3s cannot --reuse or --keep: testcontainers removes its container when the run ends (use --env kind)');
      const { k3sProvider } = await import('../environments/cluster/k3s-provider.ts');
      return k3sProvider({ image: options.k3sImage, runner: execaRunner, timeouts: options.timeouts });
    }
    case 'existing': {
      const needed = { istio: options.mode !== 'ingress', ingress: options.mode !== 'istio' };
      if (needed.istio && !options.istioGateway) throw new UsageError(`--env existing --mode ${options.mode} needs --istio-gateway ADDRESS[:HTTP:HTTPS]`);
      if (needed.ingress && !options.ingressGateway) throw new UsageError(`--env existing --mode ${options.mode} needs --ingress-gateway ADDRESS[:HTTP:HTTPS]`);
      if (!options.fixtureImage) throw new UsageError('--env existing needs --fixture-image: an image of harness/fixture/Dockerfile in a registry the cluster can pull from');
      const { existingProvider } = await import('../environments/cluster/existing-provider.ts');
      return existingProvider({
        kubeconfig: options.kubeconfig,
        context: options.context,
        gateways: { istio: options.istioGateway, ingressNginx: options.ingressGateway },
        placement: { istioNamespace: options.gatewayNamespace, istioSelector: options.gatewaySelector, ingressNginxNamespace: options.ingressGatewayNamespace },
      });
    }
    default:
      throw new UsageError(`unknown environment ${options.env}: local, kind, k3s or existing`);
  }
}
