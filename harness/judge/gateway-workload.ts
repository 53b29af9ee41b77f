/**
 * The Istio ingress gateway's workload name (the `source_workload` of its metrics) per way of
 * installing it: istioctl's default profile names the Deployment istio-ingressgateway
 * (manifests/charts/gateways/istio-ingress/values.yaml); Istio's Helm instructions install the
 * `gateway` chart as release istio-ingress, and that chart names the Deployment after the
 * release (istio.io/latest/docs/setup/install/helm/); Higress' chart names it higress-gateway
 * (alibaba/higress helm/core/values.yaml, gateway.name).
 */
export const gatewayWorkloads = { istioctl: 'istio-ingressgateway', helm: 'istio-ingress', higress: 'higress-gateway' } as const;
/** How the Istio ingress gateway was installed (--gateway-install). */
export type GatewayInstall = keyof typeof gatewayWorkloads;

/** The workload the candidate's queries select: the one named, else the install's default. */
export function gatewayWorkloadOf(options: { gatewayInstall: GatewayInstall; gatewayWorkload?: string }): string {
  return options.gatewayWorkload ?? gatewayWorkloads[options.gatewayInstall];
}
