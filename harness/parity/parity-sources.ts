import type { GatewayAddress } from '../clients/http-client.ts';
import { EnvironmentError, UsageError, errorMessage } from '../errors.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { readInputFile } from '../input-file.ts';
import { listClusterIngresses } from '../inventory/cluster-ingresses.ts';
import { readIngressFile } from '../inventory/ingress-objects.ts';
import type { Timeouts } from '../timeouts.ts';
import { tcpConnects } from '../wait.ts';
import { type ParityHost, hostsFromIngresses, readHostList } from './parity-hosts.ts';

/** Where parity's hosts come from: exactly one of a host list, an Ingress export, or the cluster (list only). */
export interface HostSource {
  hosts?: string;
  ingresses?: string;
  fromCluster?: boolean;
  kubeconfig?: string;
  context?: string;
  /** The run's timeouts: the cluster's list requests are bounded by kubeRequestMs. */
  timeouts: Timeouts;
}

/** The hosts to compare and how the source is named in the report; a source that names none is bad input. */
export async function parityHosts(source: HostSource, log: (line: string) => void): Promise<{ hosts: ParityHost[]; source: string }> {
  const given = [source.hosts, source.ingresses, source.fromCluster].filter((item) => item !== undefined);
  if (given.length !== 1) throw new UsageError('say where the hosts come from: exactly one of --hosts FILE, --ingresses FILE, --from-cluster');
  if (source.hosts !== undefined) return { hosts: await readHostList(source.hosts), source: `--hosts ${source.hosts}` };
  const ingresses =
    source.ingresses !== undefined
      ? await readIngressFile(source.ingresses)
      : await listClusterIngresses(connectKube({ kubeconfig: source.kubeconfig, context: source.context, requestMs: source.timeouts.kubeRequestMs }), { onPage: (listed) => log(`meshgate: listed ${listed} Ingresses`) });
  const hosts = hostsFromIngresses(ingresses);
  if (hosts.length === 0) throw new UsageError('no host to compare: no Ingress of class nginx names a host');
  return { hosts, source: source.ingresses !== undefined ? `--ingresses ${source.ingresses}` : '--from-cluster' };
}

/** A gateway as the flags name it: an address and its HTTP and HTTPS ports. */
export interface GatewayEndpoint {
  address: string;
  httpPort: number;
  httpsPort: number;
}

/** A gateway that does not accept connections fails the run before any host is probed: no partial report. `requestMs` bounds each request to it. */
export async function reachableGateway(role: string, endpoint: GatewayEndpoint, caFile: string | undefined, requestMs: number): Promise<GatewayAddress> {
  for (const port of [endpoint.httpPort, endpoint.httpsPort]) {
    await tcpConnects(endpoint.address, port, requestMs)().catch((error: unknown) => {
      throw new EnvironmentError(`the ${role} gateway ${endpoint.address}:${port} does not accept connections: ${errorMessage(error)}`);
    });
  }
  return gatewayWithCa(role, endpoint, caFile, requestMs);
}

/** The gateway with the CA bundle that verifies its certificates (none: the system roots) and the bound on each request to it, ms. */
export async function gatewayWithCa(role: string, endpoint: GatewayEndpoint, caFile: string | undefined, requestMs: number): Promise<GatewayAddress> {
  const ca = caFile === undefined ? undefined : await readInputFile(caFile, `the ${role} gateway's CA bundle`);
  return { ...endpoint, requestMs, ...(ca ? { ca } : {}) };
}
