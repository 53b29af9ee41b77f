import { readFile } from 'node:fs/promises';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { LocalEnvironment, type LocalEnvironmentOptions } from '../../harness/environments/local/local-environment.ts';
import { type IngressObject, toIngress } from '../../harness/inventory/ingress-objects.ts';
import type { ClusterObject } from '../../harness/environments/cluster/kube-api.ts';
import { buildTenantManifests } from '../../harness/kubernetes/tenant-manifests.ts';
import { freePort } from '../../harness/net/ports.ts';
import { type ParityHost, hostsFromIngresses } from '../../harness/parity/parity-hosts.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { certificates } from '../kubernetes/fixtures.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/** Two live local gateways in front of the same tenants, and what parity needs to compare them. */
export interface GatewayPair {
  reference: GatewayAddress;
  candidate: GatewayAddress;
  /** The scenario's Ingresses as a cluster would list them. */
  ingressObjects: ClusterObject[];
  hosts: ParityHost[];
  /** Each gateway's CA bundle file (PEM), for the CLI's --reference-ca / --candidate-ca. */
  caFiles: { reference: string; candidate: string };
  stop: () => Promise<void>;
}

/**
 * Two local gateways on one set of tenants: the same ports on 127.0.0.1 and 127.0.0.2,
 * the same run id (so the fixtures report the same identities), as two gateways in
 * front of the same backends would be. `candidate` breaks the second one (configHook).
 */
export async function startGatewayPair(candidate: Partial<LocalEnvironmentOptions> = {}): Promise<GatewayPair> {
  const scenario = await loadScenario();
  const ports = { httpPort: await freePort(), httpsPort: await freePort() };
  const started = await Promise.allSettled(
    [{ listenHost: '127.0.0.1' }, { listenHost: '127.0.0.2', ...candidate }].map((options) => new LocalEnvironment({ scenario, runId: 'parity', timeouts: defaultTimeouts, pinCpus: false, ...ports, ...options }).start()),
  );
  const environments = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => void (await Promise.all(environments.map((environment) => environment.stop())));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const ingressObjects = buildTenantManifests(scenario.resolved, 'parity', { mode: 'ingress', fixture: { image: 'meshgate-echo' }, certificates }).objects.filter((object) => object.kind === 'Ingress');
  const address = async (environment: StartedEnvironment) => {
    const target = environment.target();
    return { address: target.gateway.address, httpPort: target.gateway.httpPort, httpsPort: target.gateway.httpsPort, ca: await readFile(target.caFile!, 'utf8'), requestMs: 10_000 };
  };
  const [first, second] = environments as [StartedEnvironment, StartedEnvironment];
  return {
    reference: await address(first),
    candidate: await address(second),
    ingressObjects,
    hosts: hostsFromIngresses(ingressObjects.map((object): IngressObject => toIngress(object, (message) => new Error(message)))),
    caFiles: { reference: first.target().caFile!, candidate: second.target().caFile! },
    stop,
  };
}

/** A gateway as the CLI's --reference / --candidate flag names it. */
export const endpointFlag = (gateway: GatewayAddress): string => `${gateway.address}:${gateway.httpPort}:${gateway.httpsPort}`;

/**
 * Applies `breakage` to the server block of `host` only (nginx.conf as the local gateway
 * renders it: one `server {` per host, two spaces in): one host broken, its neighbours intact.
 */
export function inServer(host: string, breakage: (server: string) => string): (config: string) => string {
  return (config) => {
    const at = config.indexOf(`server_name ${host} ;`);
    if (at < 0) throw new Error(`no server for ${host} in the rendered nginx.conf`);
    const start = config.lastIndexOf('\n  server {', at);
    const next = config.indexOf('\n  server {', at);
    const end = next < 0 ? config.lastIndexOf('\n}') : next;
    return config.slice(0, start) + breakage(config.slice(start, end)) + config.slice(end);
  };
}
