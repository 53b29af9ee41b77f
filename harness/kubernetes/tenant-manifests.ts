import type { ResolvedScenario } from '../scenario/resolve.ts';
import { buildIngressRouting } from './ingress-routing.ts';
import type { UntranslatedItem } from './istio-gaps.ts';
import { type IstioGatewayOptions, buildIstioRouting } from './istio-routing.ts';
import type { KubeObject } from './objects.ts';
import { type FixtureImageOptions, type TlsKeyPair, buildNamespaces, buildTenantIsolation, buildWorkload } from './tenant-workloads.ts';

/** How a scenario's tenants become Kubernetes objects. */
export interface TenantManifestOptions {
  /** `ingress`: Ingress objects for ingress-nginx; `istio`: Gateway, VirtualService and DestinationRule. */
  mode: 'ingress' | 'istio';
  fixture: FixtureImageOptions;
  /** Certificate and key per TLS secret, keyed by `tlsSecretKey`: `issueGatewayCertificates(...).secrets` fits. */
  certificates: ReadonlyMap<string, TlsKeyPair>;
  /** Mode `istio` only: the ingress gateway to bind to. */
  gateway?: IstioGatewayOptions;
  /** Kubernetes cluster domain. Default `cluster.local`. */
  clusterDomain?: string;
  /** Namespaces of the gateways, allowed through each tenant's isolation policy. Default istio-system and ingress-nginx. */
  gatewayNamespaces?: readonly string[];
}

/** The objects to apply, in apply order, and what mode `istio` could not translate. */
export interface TenantManifests {
  objects: KubeObject[];
  /** Empty in mode `ingress`, which is the reference the translation is measured against. */
  untranslated: UntranslatedItem[];
}

/**
 * The scenario's tenants as Kubernetes objects, every one labelled with `runId`:
 * a Namespace per tenant with its isolation policy, the echo fixture's Deployment
 * and Service per app, then
 * the routing of the chosen mode. Pure; check the result with `validateObjects`
 * before applying it.
 */
export function buildTenantManifests(scenario: ResolvedScenario, runId: string, options: TenantManifestOptions): TenantManifests {
  const namespaces = buildNamespaces(scenario, runId);
  const gatewayNamespaces = options.gatewayNamespaces ?? ['istio-system', 'ingress-nginx'];
  const common: KubeObject[] = [
    ...namespaces,
    ...namespaces.map((namespace) => buildTenantIsolation(namespace.metadata.name, runId, gatewayNamespaces)),
    ...scenario.apps.flatMap((app) => buildWorkload(app, runId, options.fixture)),
  ];
  if (options.mode === 'ingress') {
    return { objects: [...common, ...buildIngressRouting(scenario, runId, options.certificates)], untranslated: [] };
  }
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  const istio = buildIstioRouting(scenario, runId, options.certificates, { ...options.gateway, clusterDomain });
  return { objects: [...common, ...istio.objects], untranslated: istio.untranslated };
}

/** Where the gateways run (the placement flags): the Istio Gateway's namespace and pod labels, and ingress-nginx's namespace. */
export interface GatewayPlacementOptions {
  istioNamespace: string;
  istioSelector: Record<string, string>;
  ingressNginxNamespace: string;
}

/**
 * The objects of a run in `mode`: dual is both routings over one set of namespaces and
 * workloads (each object once). Not yet validated.
 */
export function buildModeManifests(
  scenario: ResolvedScenario,
  runId: string,
  mode: 'ingress' | 'istio' | 'dual',
  options: { image: string; certificates: ReadonlyMap<string, TlsKeyPair>; placement: GatewayPlacementOptions },
): TenantManifests {
  const { placement } = options;
  const build = (routing: 'ingress' | 'istio') =>
    buildTenantManifests(scenario, runId, {
      mode: routing,
      fixture: { image: options.image },
      certificates: options.certificates,
      gateway: { namespace: placement.istioNamespace, selector: placement.istioSelector },
      gatewayNamespaces: [placement.istioNamespace, placement.ingressNginxNamespace],
    });
  const parts = mode === 'dual' ? [build('ingress'), build('istio')] : [build(mode)];
  const key = (object: KubeObject) => `${object.kind}/${'namespace' in object.metadata ? object.metadata.namespace : ''}/${object.metadata.name}`;
  const unique = new Map(parts.flatMap((part) => part.objects).map((object) => [key(object), object]));
  return { objects: [...unique.values()], untranslated: parts.flatMap((part) => part.untranslated) };
}
