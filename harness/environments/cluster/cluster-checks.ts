import type { V1Container } from '@kubernetes/client-node';
import { errorMessage } from '../../errors.ts';
import type { GatewayPlacement } from './cluster-environment.ts';
import type { GatewayMode } from './gateway-install.ts';
import { apiStatus, attempt, type KubeApi } from './kube-api.ts';
import { minimumVersions, requireAtLeast } from './minimum-versions.ts';

/** One thing `doctor --env existing` read off the cluster: what it found, whether a run can rely on it, what to do if not. */
export interface ClusterFinding {
  name: string;
  ok: boolean;
  detail: string;
  advice: string;
}

/**
 * The Istio CRDs the translated objects need, at the API version meshgate writes
 * (harness/kubernetes): tests/kubernetes/translation.test.ts holds this list to what
 * the translation emits.
 */
export const requiredIstioCrds = [
  { kind: 'Gateway', name: 'gateways.networking.istio.io', version: 'v1' },
  { kind: 'VirtualService', name: 'virtualservices.networking.istio.io', version: 'v1' },
  { kind: 'DestinationRule', name: 'destinationrules.networking.istio.io', version: 'v1' },
  { kind: 'EnvoyFilter', name: 'envoyfilters.networking.istio.io', version: 'v1alpha3' },
] as const;

const scopeFlag = 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE';

/** The pilot that would serve meshgate's Istio objects: istiod, or Higress' controller (whose `discovery` container is an Istio pilot). */
interface ControlPlane {
  kind: 'istio' | 'higress';
  ref: string;
  /** The `discovery` container. */
  discovery: V1Container;
  /** Higress: its own release, from the controller container's image. */
  higressImage?: string;
}

/**
 * Reads what a run on this cluster relies on and cannot install itself: the Istio
 * (or Higress) control plane's version and gateway scoping, the gateway pods the
 * placement options select, the Istio CRDs at the versions meshgate writes, and the
 * ingress-nginx controller. Reads only (GET and LIST); a read that is refused
 * becomes a finding, not an exception.
 */
export async function inspectCluster(kube: KubeApi, options: { mode: GatewayMode; placement: GatewayPlacement }): Promise<ClusterFinding[]> {
  try {
    const version = await kube.serverVersion();
    const findings: ClusterFinding[] = [{ name: 'api-server', ok: true, detail: `${kube.server} (Kubernetes ${version})`, advice: '' }];
    if (options.mode !== 'ingress') findings.push(...(await istioFindings(kube, options.placement)));
    if (options.mode !== 'istio') findings.push(await ingressNginxFinding(kube, options.placement.ingressNginxNamespace));
    return findings;
  } catch (error) {
    return [{ name: 'api-server', ok: false, detail: errorMessage(error), advice: 'check --kubeconfig and --context, and that these credentials may read Deployments, Pods and CustomResourceDefinitions' }];
  }
}

async function istioFindings(kube: KubeApi, placement: GatewayPlacement): Promise<ClusterFinding[]> {
  const plane = await findControlPlane(kube);
  const pods = await gatewayPodsFinding(kube, placement);
  const crds = await crdFindings(kube);
  if (!plane) {
    const missing = { name: 'control-plane', ok: false, detail: 'no istiod (Deployment app=istiod) and no Higress controller (app=higress-controller) in any namespace', advice: 'install Istio 1.22 or newer, or point --context at the cluster that runs it' };
    return [missing, pods, ...crds];
  }
  return [plane.kind === 'istio' ? istiodFinding(plane) : higressFinding(plane), scopeFinding(plane), pods, ...crds];
}

async function findControlPlane(kube: KubeApi): Promise<ControlPlane | undefined> {
  for (const [kind, labelSelector] of [['istio', 'app=istiod'], ['higress', 'app=higress-controller']] as const) {
    const list = await attempt(`list Deployments ${labelSelector} in every namespace`, kube.apps.listDeploymentForAllNamespaces({ labelSelector }));
    for (const deployment of list.items) {
      const containers = deployment.spec?.template.spec?.containers ?? [];
      const discovery = containers.find((container) => container.name === 'discovery');
      if (!discovery) continue;
      const ref = `${deployment.metadata?.namespace}/${deployment.metadata?.name}`;
      const higressImage = containers.find((container) => container.name !== 'discovery')?.image;
      return { kind, ref, discovery, ...(kind === 'higress' ? { higressImage } : {}) };
    }
  }
  return undefined;
}

/** The tag of `registry:port/repo:tag@sha256:...`, or undefined when the image is pinned by digest only. */
export function imageTag(image: string | undefined): string | undefined {
  const name = (image ?? '').split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

function istiodFinding(plane: ControlPlane): ClusterFinding {
  const tag = imageTag(plane.discovery.image);
  const detail = `${plane.ref}: ${plane.discovery.image}`;
  if (tag === undefined) return { name: 'istiod', ok: true, detail: `${detail} (pinned by digest: version unread; \`istioctl version\` tells)`, advice: '' };
  try {
    requireAtLeast(tag, minimumVersions.istio);
    return { name: 'istiod', ok: true, detail, advice: '' };
  } catch (error) {
    return { name: 'istiod', ok: false, detail: `${detail}: ${errorMessage(error)}`, advice: 'upgrade Istio to 1.22 or newer' };
  }
}

/**
 * Higress answers Istio objects only when installed with global.enableIstioAPI
 * (alibaba/higress v2.1.3 helm/core/templates/configmap.yaml 27), which its chart also
 * marks on the discovery container (controller-deployment.yaml 229-233). Its pilot is Istio 1.19
 * (go.mod at v2.1.3: istio.io/api v1.19.5), so docs/higress.md lists what differs.
 */
function higressFinding(plane: ControlPlane): ClusterFinding {
  const detail = `${plane.ref}: ${plane.higressImage ?? 'unknown image'} (its pilot is Istio 1.19 inside)`;
  if (envValue(plane.discovery, 'HIGRESS_ENABLE_ISTIO_API') === 'true') return { name: 'higress', ok: true, detail: `${detail}, Istio API on`, advice: '' };
  return { name: 'higress', ok: false, detail: `${detail}: installed without global.enableIstioAPI, so it ignores Gateways and VirtualServices`, advice: 'helm upgrade higress higress.io/higress -n higress-system --reuse-values --set global.enableIstioAPI=true' };
}

/**
 * Tenant isolation rests on PILOT_SCOPE_GATEWAY_TO_NAMESPACE (istio/istio
 * pilot/pkg/features/pilot.go 35-40 at 1.22.0 and 1.24.0, default false): without it
 * a tenant's own Gateway selecting the shared gateway pods can claim any host.
 */
function scopeFinding(plane: ControlPlane): ClusterFinding {
  const value = envValue(plane.discovery, scopeFlag);
  // istio's env.Register parses booleans with Go's strconv.ParseBool.
  if (value !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return { name: 'gateway-scope', ok: true, detail: `${scopeFlag}=${value} on ${plane.ref}`, advice: '' };
  const advice =
    plane.kind === 'higress'
      ? `helm upgrade higress higress.io/higress -n higress-system --reuse-values --set pilot.env.${scopeFlag}=true`
      : `istioctl install --set values.pilot.env.${scopeFlag}=true; or Helm's istiod chart: --set pilot.env.${scopeFlag}=true (1.22, 1.23) or --set env.${scopeFlag}=true (1.24 and newer)`;
  return { name: 'gateway-scope', ok: false, detail: `${scopeFlag} is ${value ?? 'unset'} on ${plane.ref}: a tenant's own Gateway could claim any host on the shared gateway`, advice };
}

async function gatewayPodsFinding(kube: KubeApi, placement: GatewayPlacement): Promise<ClusterFinding> {
  const labelSelector = Object.entries(placement.istioSelector).map(([key, value]) => `${key}=${value}`).join(',');
  const where = `${placement.istioNamespace} (${labelSelector})`;
  const list = await attempt(`list Pods ${labelSelector} in ${placement.istioNamespace}`, kube.core.listNamespacedPod({ namespace: placement.istioNamespace, labelSelector }));
  const running = list.items.filter((pod) => pod.status?.phase === 'Running').length;
  if (running > 0) return { name: 'gateway-pods', ok: true, detail: `${running} running in ${where}`, advice: '' };
  return {
    name: 'gateway-pods',
    ok: false,
    detail: `no running pod in ${where}${list.items.length > 0 ? ` (${list.items.length} not running)` : ''}`,
    advice: '--gateway-namespace and --gateway-selector must name the gateway pods: istioctl istio-system istio=ingressgateway; Helm gateway chart (release istio-ingress) istio-ingress istio=ingress; Higress higress-system higress=higress-system-higress-gateway',
  };
}

async function crdFindings(kube: KubeApi): Promise<ClusterFinding[]> {
  const findings: ClusterFinding[] = [];
  for (const crd of requiredIstioCrds) {
    const served = await servedVersions(kube, crd.name);
    const ok = served?.includes(crd.version) ?? false;
    const detail = served === undefined ? `${crd.name} is not installed` : `${crd.name} serves ${served.join(', ') || 'nothing'}`;
    const advice = `meshgate writes ${crd.kind} as networking.istio.io/${crd.version}: install Istio's CRDs of 1.22 or newer (Helm chart istio/base); Higress' chart ships only EnvoyFilter of them`;
    findings.push({ name: `crd ${crd.kind}`, ok, detail, advice: ok ? '' : advice });
  }
  return findings;
}

async function servedVersions(kube: KubeApi, name: string): Promise<string[] | undefined> {
  try {
    const crd = await kube.apiextensions.readCustomResourceDefinition({ name });
    return crd.spec.versions.filter((version) => version.served).map((version) => version.name);
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The ingress-nginx controller as its chart labels it (kubernetes/ingress-nginx
 * charts/ingress-nginx/templates/_helpers.tpl: app.kubernetes.io/name and component).
 */
async function ingressNginxFinding(kube: KubeApi, namespace: string): Promise<ClusterFinding> {
  const labelSelector = 'app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller';
  const list = await attempt(`list Deployments ${labelSelector} in ${namespace}`, kube.apps.listNamespacedDeployment({ namespace, labelSelector }));
  const deployment = list.items[0];
  const image = deployment?.spec?.template.spec?.containers.find((container) => container.name === 'controller')?.image;
  if (!deployment || image === undefined) {
    return { name: 'ingress-nginx', ok: false, detail: `no controller Deployment (${labelSelector}) in ${namespace}`, advice: '--ingress-gateway-namespace must name the ingress-nginx controller\'s namespace' };
  }
  return { name: 'ingress-nginx', ok: true, detail: `${namespace}/${deployment.metadata?.name}: controller ${imageTag(image) ?? image}`, advice: '' };
}

function envValue(container: V1Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}
