import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterTools } from './command-runner.ts';

/** What serves each gateway, for reports, e.g. `istio/1.24.2`. */
export interface GatewaySoftware {
  istio?: string;
  ingressNginx?: string;
}

/** Which gateways serve the tenants: ingress-nginx, Istio, or both side by side (live A/B). */
export type GatewayMode = 'ingress' | 'istio' | 'dual';

/** How Istio is installed: istioctl with a profile, or the Helm charts base / istiod / gateway. */
export type IstioInstaller = 'istioctl' | 'helm';

/** NodePorts the gateways' Services listen on; kind publishes them on loopback. */
export const nodePorts = {
  istio: { http: 30080, https: 30443 },
  ingressNginx: { http: 31080, https: 31443 },
} as const;

/** Where each gateway runs; Istio's credentialName secrets must live in its gateway's namespace. */
export const gatewayNamespaces = { istio: 'istio-system', ingressNginx: 'ingress-nginx' } as const;

/** The label the Istio ingress gateway pods carry, which a Gateway's selector names. */
export const istioGatewaySelector = { istio: 'ingressgateway' } as const;

export interface GatewayInstallOptions extends ClusterTools {
  mode: GatewayMode;
  istioInstaller: IstioInstaller;
  /** Istio release, e.g. 1.24.2 (the Helm chart version; istioctl installs its own version). */
  istioVersion: string;
  /** istioctl profile (default, minimal, demo); with Helm the charts' defaults. */
  istioProfile: string;
  /** ingress-nginx Helm chart version, e.g. 4.11.3. */
  ingressNginxChartVersion: string;
  kubeconfig: string;
  /** Folder the run owns, for the IstioOperator overlay file. */
  workDir: string;
  signal?: AbortSignal;
}

const istioCharts = 'https://istio-release.storage.googleapis.com/charts';
const ingressNginxCharts = 'https://kubernetes.github.io/ingress-nginx';

/**
 * Installs what `mode` needs. Every step is idempotent (`helm upgrade --install`,
 * `istioctl install` reconciles), so a reused cluster is brought to the same state.
 */
export async function installGateways(options: GatewayInstallOptions): Promise<void> {
  if (options.mode !== 'ingress') await (options.istioInstaller === 'helm' ? installIstioWithHelm(options) : installIstioWithIstioctl(options));
  if (options.mode !== 'istio') await installIngressNginx(options);
}

/**
 * istiod's environment: a Gateway selects only gateway pods of its own namespace
 * (istio/istio pilot/pkg/features/pilot.go, PILOT_SCOPE_GATEWAY_TO_NAMESPACE), so a
 * tenant's own Gateway cannot claim a host on the shared ingress gateway.
 */
export const istiodEnv = { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } as const;

/**
 * The IstioOperator overlay: the chosen profile with its ingress gateway as a
 * NodePort Service on the ports kind publishes, and istiod's environment.
 */
export function istioOperator(profile: string): string {
  return stringify({
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    spec: {
      profile,
      values: { pilot: { env: istiodEnv } },
      components: {
        ingressGateways: [
          {
            name: 'istio-ingressgateway',
            enabled: true,
            k8s: {
              service: {
                type: 'NodePort',
                // The profile's list is replaced whole, so its status port is given again.
                ports: [
                  { name: 'status-port', port: 15021, targetPort: 15021 },
                  { name: 'http2', port: 80, targetPort: 8080, nodePort: nodePorts.istio.http },
                  { name: 'https', port: 443, targetPort: 8443, nodePort: nodePorts.istio.https },
                ],
              },
            },
          },
        ],
      },
    },
  });
}

async function installIstioWithIstioctl(options: GatewayInstallOptions): Promise<void> {
  const overlay = join(options.workDir, 'istio-operator.yaml');
  await writeFile(overlay, istioOperator(options.istioProfile));
  await options.runner.run('istioctl', ['install', '--kubeconfig', options.kubeconfig, '-f', overlay, '-y'], { timeoutMs: options.timeouts.installStepMs, signal: options.signal });
}

/**
 * Values of Istio's `gateway` chart: a NodePort Service on the published ports.
 * Helm replaces a list whole, so the status port is given again. The release is
 * named istio-ingressgateway: the chart labels its pods `istio: <release without
 * "istio-">`, i.e. istio=ingressgateway like istioctl's gateway.
 */
export function istioGatewayValues(): string {
  return stringify({
    service: {
      type: 'NodePort',
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80, nodePort: nodePorts.istio.http },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 443, nodePort: nodePorts.istio.https },
      ],
    },
  });
}

/**
 * Values of the ingress-nginx chart: a NodePort Service on the published ports.
 * Sealos' terminal guard is a configuration-snippet, which the chart refuses
 * unless snippets are allowed and (controller 1.12+) the risk level is Critical.
 */
export function ingressNginxValues(): string {
  return stringify({
    controller: {
      allowSnippetAnnotations: true,
      // ingress-nginx's defaults otherwise (HSTS on every TLS host included): the suites expect them.
      config: { 'annotations-risk-level': 'Critical' },
      service: { type: 'NodePort', nodePorts: { http: nodePorts.ingressNginx.http, https: nodePorts.ingressNginx.https } },
      ingressClassResource: { name: 'nginx' },
    },
  });
}

/** `helm upgrade --install` of one chart from its repository, with its values as a file in the work folder; waits for readiness. */
async function helmInstall(options: GatewayInstallOptions, release: { name: string; chart: string; repo: string; version: string; namespace: string; values?: string }): Promise<void> {
  const args = ['upgrade', '--install', release.name, release.chart, '--repo', release.repo, '--version', release.version, '--namespace', release.namespace, '--create-namespace', '--kubeconfig', options.kubeconfig];
  if (release.values !== undefined) {
    const file = join(options.workDir, `${release.name}-values.yaml`);
    await writeFile(file, release.values);
    args.push('--values', file);
  }
  await options.runner.run('helm', [...args, '--wait', '--timeout', '10m'], { timeoutMs: options.timeouts.installStepMs, signal: options.signal });
}

/**
 * Values of the istiod chart carrying istiod's environment, where that chart version
 * reads it (manifests/charts/istio-control/istio-discovery): 1.22.0 and 1.23.0 read
 * `pilot.env` (templates/deployment.yaml 150-151 at 1.22.0, 157-158 at 1.23.0); from
 * 1.24.0 the values are flat and it reads `env` (deployment.yaml 176-177 at 1.24.0).
 * A key the chart does not read is dropped without a word, so the flag would be off.
 */
export function istiodValues(chartVersion: string): string {
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(chartVersion) ?? []).slice(1).map(Number);
  const flat = major > 1 || (major === 1 && minor >= 24);
  return stringify(flat ? { env: istiodEnv } : { pilot: { env: istiodEnv } });
}

/** Istio's documented Helm sequence: base (CRDs), istiod, then the ingress gateway, all in istio-system. */
async function installIstioWithHelm(options: GatewayInstallOptions): Promise<void> {
  const chart = { repo: istioCharts, version: options.istioVersion, namespace: gatewayNamespaces.istio };
  await helmInstall(options, { ...chart, name: 'istio-base', chart: 'base', values: stringify({ defaultRevision: 'default' }) });
  await helmInstall(options, { ...chart, name: 'istiod', chart: 'istiod', values: istiodValues(options.istioVersion) });
  await helmInstall(options, { ...chart, name: 'istio-ingressgateway', chart: 'gateway', values: istioGatewayValues() });
}

/** ingress-nginx beside (or instead of) Istio. */
async function installIngressNginx(options: GatewayInstallOptions): Promise<void> {
  await helmInstall(options, { name: 'ingress-nginx', chart: 'ingress-nginx', repo: ingressNginxCharts, version: options.ingressNginxChartVersion, namespace: gatewayNamespaces.ingressNginx, values: ingressNginxValues() });
}

/** What serves each gateway the mode installed, for the reports. */
export async function installedSoftware(options: GatewayInstallOptions): Promise<GatewaySoftware> {
  const software: GatewaySoftware = {};
  if (options.mode !== 'ingress') {
    // istioctl installs its own release; its client version is the installed one.
    const version =
      options.istioInstaller === 'istioctl'
        ? (await options.runner.run('istioctl', ['version', '--remote=false'], { timeoutMs: options.timeouts.clusterCommandMs, allowFailure: true })).stdout.trim()
        : options.istioVersion;
    software.istio = `istio/${version || 'unknown'}`;
  }
  if (options.mode !== 'istio') software.ingressNginx = `ingress-nginx/chart-${options.ingressNginxChartVersion}`;
  return software;
}
