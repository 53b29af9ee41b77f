import { type Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { parseHttpUrl } from '../net/http-url.ts';
import { registerUrlSecrets } from '../redact.ts';
import { minimumVersions, requireAtLeast } from '../environments/cluster/minimum-versions.ts';
import { parseGatewayEndpoint, parsePort } from '../net/gateway-endpoint.ts';
import { type TimeoutFlags, type Timeouts, resolveTimeouts } from '../timeouts.ts';

/**
 * Options shared by commands. Layering: defaults < scenario file < environment
 * variables (MESHGATE_*) < flags; commander applies the environment and flag layers.
 */
export const sharedOptions = {
  scenario: () => new Option('-s, --scenario <file>', 'scenario YAML (tenants, apps, performance profile); default: the shipped Sealos-like scenario').env('MESHGATE_SCENARIO'),
  reports: () => new Option('--reports <dir>', 'where reports/<run-id>/ go').env('MESHGATE_REPORTS').default('reports'),
  runId: () => new Option('--run-id <id>', 'name of this run (reports folder, labels); default: timestamp and random suffix').env('MESHGATE_RUN_ID'),
  casePattern: () =>
    new Option('-c, --case <regex>', 'run only cases whose id matches this regular expression; with a "[" in it, matches "id[subject]" (checked before anything starts)'),
  list: () => new Option('--list', 'print the cases (id and subject) the scenario yields for the chosen suites and --case, start nothing'),
  metricsOut: () => new Option('--metrics-out <file>', 'also write the run\'s metrics (verdict, cases, latency percentiles, req/s, success ratio) as OpenMetrics text').env('MESHGATE_METRICS_OUT'),
  pushgateway: () =>
    new Option('--pushgateway <url>', 'push the same metrics to this Prometheus Pushgateway: one group per scenario and mode (watch, judge, parity: per command), replaced by each run, the run id a label; a failed push is a warning').argParser(parsePushgatewayUrl).env('MESHGATE_PUSHGATEWAY'),
  concurrency: () =>
    new Option('--concurrency <slots>', 'how much functional work runs at once, in slots: a plain request case takes 1, a case opening 100 WebSockets or moving megabytes takes more (performance cases always run alone)')
      .argParser(parseConcurrency)
      .default(defaultConcurrency)
      .env('MESHGATE_CONCURRENCY'),
  json: () => new Option('--json', 'print the run summary as JSON on stdout (progress stays on stderr)'),
  env: () =>
    new Option('-e, --env <name>', 'environment to start: local (nginx on loopback, no Docker), kind or k3s (a cluster with Docker), existing (the kubeconfig context)')
      .choices(['local', 'kind', 'k3s', 'existing'])
      .default('local')
      .env('MESHGATE_ENV'),
  httpPort: () => new Option('--http-port <port>', 'local gateway HTTP port (default: a free one)').argParser(parsePort).env('MESHGATE_HTTP_PORT'),
  httpsPort: () => new Option('--https-port <port>', 'local gateway HTTPS port (default: a free one)').argParser(parsePort).env('MESHGATE_HTTPS_PORT'),
  baseline: () => new Option('-b, --baseline <file>', 'gate on parity with this baseline (`meshgate baseline save`) instead of "every case passes"').env('MESHGATE_BASELINE'),
  compareTarget: () =>
    new Option('--compare-target <file>', 'live A/B: load this reference target (e.g. ingress-nginx beside Istio) at the same time as the gateway, round by round, and gate on the difference').env('MESHGATE_COMPARE_TARGET'),
  profile: () =>
    new Option('--profile <name>', 'performance profile: quick (short levels; no performance verdict without a baseline or compare target) or gate (levels and rounds enough for a verdict; its cost is printed first); default: the scenario\'s')
      .choices(['quick', 'gate'])
      .env('MESHGATE_PROFILE'),
  gateMaxRounds: () =>
    new Option('--gate-max-rounds <rounds>', 'live A/B: most rounds per load level; rounds are added until the gate decides pass or fail (default: the profile\'s, quick 10, gate 20)')
      .argParser(wholeNumber('--gate-max-rounds', 3, 100, 'rounds'))
      .env('MESHGATE_GATE_MAX_ROUNDS'),
  gateMaxMinutes: () =>
    new Option('--gate-max-minutes <minutes>', 'live A/B: most minutes of load per level; undecided then, the level is inconclusive (default: quick 1, gate 4)')
      .argParser(parseMinutes)
      .env('MESHGATE_GATE_MAX_MINUTES'),
  baselineSubset: () => new Option('--baseline-subset', 'accept a baseline recorded with another scenario or case catalogue: compare only the cases both have (the report says so)'),
  baselineOtherMachine: () => new Option('--baseline-other-machine', 'accept a baseline recorded on another machine class (the report says so; performance figures compare weakly)'),
  target: () => new Option('-t, --target <file>', 'target file written by `meshgate up` or by hand').default('.meshgate/target.json').env('MESHGATE_TARGET'),
  timeouts: () =>
    new Option(
      '--timeouts <name=ms,...>',
      'set timeouts for this run, in ms, e.g. convergenceMs=30000,rolloutMs=600000 (repeatable); wins over MESHGATE_TIMEOUT_<NAME>_MS variables. The names, defaults and meanings: docs/timeouts.md (an unknown name is refused with the list)',
    ).argParser(collectTimeouts),
};

/** A command's `--timeouts` flag, as given. */
export interface TimeoutsFlag {
  timeouts?: TimeoutFlags;
}

/** `--timeouts a=1,b=2`, repeatable: merged with the earlier ones (a later value wins), names and values checked at once. */
export function collectTimeouts(value: string, previous: TimeoutFlags = {}): TimeoutFlags {
  const pairs = value.split(',').map((pair) => pair.split('='));
  if (pairs.some((pair) => pair.length !== 2 || pair[0] === '')) throw new UsageError(`--timeouts ${value}: expected NAME=MS[,NAME=MS...], e.g. convergenceMs=30000`);
  const merged = { ...previous, ...Object.fromEntries(pairs) };
  resolveTimeouts({}, merged);
  return merged;
}

/** The run's timeouts: defaults < MESHGATE_TIMEOUT_* variables of `env` < `--timeouts`. */
export function timeoutsOf(flags: TimeoutsFlag, env: NodeJS.ProcessEnv = process.env): Timeouts {
  return resolveTimeouts(env, flags.timeouts);
}

const clusterGroup = 'Cluster environments (--env kind, k3s, existing):';
const cluster = (flags: string, description: string) => new Option(flags, description).helpGroup(clusterGroup);

/** Adds the cluster environments' options to `command`; the local environment ignores them. */
export function addClusterOptions(command: Command): Command {
  for (const option of clusterOptions()) command.addOption(option);
  return command;
}

const clusterOptions = () => [
  cluster('--mode <mode>', 'gateways serving the tenants: ingress (ingress-nginx Ingress), istio (Gateway + VirtualService), dual (both; Istio gated live against ingress-nginx)')
    .choices(['ingress', 'istio', 'dual'])
    .default('istio')
    .env('MESHGATE_MODE'),
  cluster('--cluster-name <name>', 'kind cluster name').default('meshgate').env('MESHGATE_CLUSTER_NAME'),
  cluster('--reuse', 'kind: use the cluster of that name if it exists (tenants are still this run\'s own)'),
  cluster('--keep', 'leave the cluster (kind) and the tenant namespaces in place after the run'),
  cluster('--node-image <image>', 'kind node image, e.g. kindest/node:v1.31.2 (default: kind\'s own)'),
  cluster('--k3s-image <image>', 'k3s image').default('rancher/k3s:v1.31.2-k3s1'),
  cluster('--istio-installer <tool>', 'how Istio is installed on a created cluster').choices(['istioctl', 'helm']).default('istioctl'),
  cluster('--istio-profile <profile>', 'istioctl profile').default('default'),
  cluster('--istio-version <version>', `Istio Helm chart version, ${minimumVersions.istio.version} or newer (--istio-installer helm; istioctl installs its own)`)
    .default('1.24.2')
    .argParser(parseIstioVersion),
  cluster('--ingress-nginx-version <version>', 'ingress-nginx Helm chart version').default('4.12.3'),
  cluster('--fixture-image <image>', 'echo fixture image; kind and k3s build it, an existing cluster pulls it (push it to a registry it can reach)').env('MESHGATE_FIXTURE_IMAGE'),
  cluster('--istio-gateway <address[:http:https]>', 'existing: where this machine reaches the Istio ingress gateway (ports default 80 and 443)').argParser(parseGatewayEndpoint),
  cluster('--ingress-gateway <address[:http:https]>', 'existing: where this machine reaches ingress-nginx (ports default 80 and 443)').argParser(parseGatewayEndpoint),
  ...existingClusterOptions(),
];

/** Which cluster, and where its gateways run: what `validate --env existing` and `doctor --env existing` share. */
export const existingClusterOptions = () => [
  cluster('--kubeconfig <file>', 'existing: kubeconfig file (default $KUBECONFIG or ~/.kube/config)'),
  cluster('--context <name>', 'existing: kubeconfig context (default the current one)').env('MESHGATE_CONTEXT'),
  cluster('--gateway-namespace <namespace>', "existing: the Istio ingress gateway's namespace (Istio's Helm docs: istio-ingress; istioctl: istio-system; Higress: higress-system)").default('istio-system'),
  cluster('--gateway-selector <label=value,...>', "existing: the Istio ingress gateway pods' labels (Helm docs: istio=ingress; istioctl: istio=ingressgateway; Higress: higress=higress-system-higress-gateway)")
    .default({ istio: 'ingressgateway' }, 'istio=ingressgateway')
    .argParser(parseLabelSelector),
  cluster('--ingress-gateway-namespace <namespace>', "existing: ingress-nginx controller's namespace (let through each tenant's NetworkPolicy)").default('ingress-nginx'),
  cluster('--lease-namespace <namespace>', "existing: hold the scenario's Lease there for the run, so no two runs of it overlap; a killed run's leftovers are removed (the in-cluster gate passes its own namespace)").env('MESHGATE_LEASE_NAMESPACE'),
];

/** `istio=ingress,app=gw`: pod labels as a Gateway's selector. */
export function parseLabelSelector(value: string): Record<string, string> {
  const pairs = value.split(',').map((pair) => pair.split('='));
  const label = /^([a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?)$/;
  if (pairs.length === 0 || pairs.some((pair) => pair.length !== 2 || !label.test(pair[0]!) || !/^[-a-z0-9A-Z_.]*$/.test(pair[1]!))) {
    throw new UsageError(`not a label selector: ${value} (expected LABEL=VALUE[,LABEL=VALUE])`);
  }
  return Object.fromEntries(pairs);
}

/** `--istio-version`: a release Istio's charts publish, held to the minimum meshgate's objects need. */
export function parseIstioVersion(value: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(value)) throw new UsageError(`--istio-version ${value}: expected a release such as 1.24.2`);
  try {
    return requireAtLeast(value, minimumVersions.istio);
  } catch (error) {
    throw new UsageError(`--istio-version ${(error as Error).message}`);
  }
}

/** Slots of functional work at once. On 2 cores 32 was 16 % faster at 300 apps; 16 leaves headroom for a loaded CI machine. */
export const defaultConcurrency = 16;

export const parseConcurrency = wholeNumber('--concurrency', 1, 256, 'slots');

/** A flag's parser for a whole number from `min` to `max` (`unit` names it in the refusal). */
export function wholeNumber(flag: string, min: number, max: number, unit?: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^[0-9]+$/.test(value) || number < min || number > max) throw new UsageError(`${flag} ${value}: expected a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`);
    return number;
  };
}

/** `--gate-max-minutes`: minutes, fractions allowed (0.5 = 30 s), up to 10 hours. */
export function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || minutes <= 0 || minutes > 600) throw new UsageError(`--gate-max-minutes ${value}: expected minutes above 0, at most 600`);
  return minutes;
}

/** `--pushgateway URL`: an http(s) URL; pushes go below its path. */
export function parsePushgatewayUrl(value: string): URL {
  registerUrlSecrets(value, false);
  return parseHttpUrl(value, 'Pushgateway', 'http://pushgateway.monitoring:9091');
}

