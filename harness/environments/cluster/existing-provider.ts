import type { ClusterProvider, GatewayEndpoint, GatewayPlacement, ProvisionedCluster } from './cluster-environment.ts';
import type { GatewaySoftware } from './gateway-install.ts';

export interface ExistingProviderOptions {
  /** kubeconfig file; default $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** Context to use; default the kubeconfig's current context. */
  context?: string;
  /** Where this machine reaches the cluster's gateways (e.g. the load balancer's address). */
  gateways: { istio?: GatewayEndpoint; ingressNginx?: GatewayEndpoint };
  software?: GatewaySoftware;
  /** Where its gateways run (--gateway-namespace, --gateway-selector, --ingress-gateway-namespace). */
  placement?: GatewayPlacement;
}

/**
 * A cluster that already runs its gateways (staging, production): nothing is
 * installed or built; the fixture image is pulled from a registry the cluster
 * can reach. Only this run's labelled namespaces are created and removed.
 */
export function existingProvider(options: ExistingProviderOptions): ClusterProvider {
  return {
    name: 'existing',
    async provision(): Promise<ProvisionedCluster> {
      return {
        kubeconfig: options.kubeconfig,
        context: options.context,
        gateways: options.gateways,
        software: options.software,
        ...(options.placement ? { placement: options.placement } : {}),
        description: `existing cluster${options.context ? ` (context ${options.context})` : ''}`,
      };
    },
  };
}
