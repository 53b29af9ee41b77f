import { type Command, Option } from 'commander';
import { LOAD_WORKERS_VARIABLE, type LoadWorkersSettings, loadWorkerVariables, parseLoadWorkers } from '../load/workers/worker-count.ts';
import { parseGatewayEndpoint } from '../net/gateway-endpoint.ts';

/** Flags of --load-workers and its cluster settings. */
export type LoadWorkersFlags = LoadWorkersSettings;

const options = () => [
  new Option('--load-workers <n>', 'run each load as N workers that start together (local processes; in a cluster an Indexed Job of meshgate pods); their histograms merge exactly').argParser(parseLoadWorkers).env(LOAD_WORKERS_VARIABLE),
  new Option('--load-worker-image <image>', 'cluster: meshgate\'s image (the repository\'s Dockerfile) for the load pods').env(loadWorkerVariables.image),
  new Option('--load-gateway <address[:http:https]>', 'cluster: where the load pods reach the gateway under test, e.g. istio-ingressgateway.istio-system.svc').argParser(parseGatewayEndpoint).env(loadWorkerVariables.gateway),
  new Option('--load-reference-gateway <address[:http:https]>', 'cluster: where the load pods reach the live A/B reference').argParser(parseGatewayEndpoint).env(loadWorkerVariables.referenceGateway),
];

/** Adds --load-workers and its cluster settings to `command`. */
export function addLoadWorkersOptions(command: Command): Command {
  return options().reduce((into, option) => into.addOption(option), command);
}
