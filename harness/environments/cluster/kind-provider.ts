import type { Resources } from '../resources.ts';
import type { ClusterProvider, GatewayEndpoint, ProvisionedCluster } from './cluster-environment.ts';
import type { ClusterTools } from './command-runner.ts';
import { nodePorts } from './gateway-install.ts';
import { type PortMapping, createOrReuseKindCluster, deleteKindCluster, exportLogs, loadImage, publishedPorts } from './kind-cluster.ts';

/** Loopback ports of this machine that a new kind cluster publishes its gateways on. */
export interface GatewayHostPorts {
  istio: { http: number; https: number };
  ingressNginx: { http: number; https: number };
}

export interface KindProviderOptions extends ClusterTools {
  clusterName: string;
  runId: string;
  /** Take the cluster of that name if it exists (its published ports are read back from docker). */
  reuse: boolean;
  /** Leave a cluster this run created in place afterwards. A reused cluster is never deleted. */
  keep: boolean;
  nodeImage?: string;
  hostPorts: GatewayHostPorts;
}

/**
 * A kind cluster, created (or reused) with the gateways' NodePorts published on
 * loopback; images reach its nodes by `docker save` and `kind load image-archive`.
 */
export function kindProvider(options: KindProviderOptions): ClusterProvider {
  const tools: ClusterTools = { runner: options.runner, timeouts: options.timeouts };
  return {
    name: 'kind',
    async provision(workDir: string, resources: Resources, signal?: AbortSignal): Promise<ProvisionedCluster> {
      const ports: PortMapping[] = [
        { nodePort: nodePorts.istio.http, hostPort: options.hostPorts.istio.http },
        { nodePort: nodePorts.istio.https, hostPort: options.hostPorts.istio.https },
        { nodePort: nodePorts.ingressNginx.http, hostPort: options.hostPorts.ingressNginx.http },
        { nodePort: nodePorts.ingressNginx.https, hostPort: options.hostPorts.ingressNginx.https },
      ];
      const cluster = await createOrReuseKindCluster({ name: options.clusterName, runId: options.runId, ports, nodeImage: options.nodeImage, workDir, ...tools, signal }, options.reuse);
      if (!cluster.reused && !options.keep) resources.add(() => deleteKindCluster(tools, cluster));
      const published = await publishedPorts(tools, cluster, signal);
      const endpoint = (gateway: { http: number; https: number }): GatewayEndpoint | undefined => {
        const httpPort = published.find((port) => port.nodePort === gateway.http)?.hostPort;
        const httpsPort = published.find((port) => port.nodePort === gateway.https)?.hostPort;
        return httpPort && httpsPort ? { address: '127.0.0.1', httpPort, httpsPort } : undefined;
      };
      return {
        kubeconfig: cluster.kubeconfig,
        gateways: { istio: endpoint(nodePorts.istio), ingressNginx: endpoint(nodePorts.ingressNginx) },
        description: `kind cluster ${cluster.name}${cluster.reused ? ' (reused)' : ''}`,
        exportLogs: (dir) => exportLogs(tools, cluster, dir),
        loadImage: (image) => loadImage(tools, cluster, image, workDir, signal),
      };
    },
  };
}
