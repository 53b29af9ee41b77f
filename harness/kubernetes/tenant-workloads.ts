import type { ResolvedApp, ResolvedScenario } from '../scenario/resolve.ts';
import type { Deployment, Namespace, NetworkPolicy, Secret, Service } from './core-objects.ts';
import { objectMeta, runLabels } from './objects.ts';
import { NODE_UID, restrictedContainerSecurity, restrictedPodSecurity, tmpMount, tmpVolume } from './pod-security.ts';

/** Port the echo fixture serves HTTP and WebSocket on inside its pod. */
export const FIXTURE_HTTP_PORT = 8080;
/** Port the echo fixture serves gRPC (h2c) on inside its pod. */
export const FIXTURE_GRPC_PORT = 9090;
/** Seconds between readiness probes of a fixture pod. */
const readinessPeriodSeconds = 2;
/** An echo server per app: a small request so 300 apps fit a staging cluster; a two-core limit, above what its one Node thread can use, so the limit does not throttle it. */
const fixtureResources = { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '2', memory: '512Mi' } };

/** How the fixture's pods are made. */
export interface FixtureImageOptions {
  /** Image of the echo fixture, e.g. `meshgate-echo:0.1.0` (harness/fixture/Dockerfile) (`kind load`-ed or pullable). */
  image: string;
  /** Default `IfNotPresent`, so an image loaded into kind is used even when tagged `latest`. */
  pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * A certificate and its key, PEM-encoded; an `IssuedCertificate` of the gateway
 * certificates is one. The Secret carries the chain, as nginx's ssl_certificate does.
 */
export interface TlsKeyPair {
  /** Leaf certificate followed by its issuers. */
  chainPem: string;
  keyPem: string;
}

/** One Namespace `ns-<user>` per tenant, in scenario order. */
export function buildNamespaces(scenario: ResolvedScenario, runId: string): Namespace[] {
  const namespaces = [...new Set(scenario.apps.map((app) => app.namespace))];
  return namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: runLabels(runId) } }));
}

/**
 * Tenant isolation as Sealos proposed it (a policy allowing only same-namespace
 * ingress), plus the gateways' namespaces so they can still reach the backends:
 * what the east-west case checks from another tenant's namespace.
 */
export function buildTenantIsolation(namespace: string, runId: string, gatewayNamespaces: readonly string[]): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta('same-namespace-and-gateways', namespace, runId),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }, ...gatewayNamespaces.map((name) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }))] }],
    },
  };
}

/** The Service port a gateway forwards an app's traffic to: gRPC apps to the h2c port, the others to HTTP. */
export function backendPort(app: ResolvedApp): number {
  return app.backendProtocol === 'GRPC' ? FIXTURE_GRPC_PORT : FIXTURE_HTTP_PORT;
}

/** The labels Sealos' launchpad puts on an app's objects; the Deployment selects its pods by `app`. */
function appLabels(app: ResolvedApp): Record<string, string> {
  return { app: app.name, 'cloud.sealos.io/app-deploy-manager': app.name };
}

/** The echo fixture's flags (harness/fixture/main.ts). The pod name tells replicas apart in x-echo-backend. */
function fixtureArgs(app: ResolvedApp): string[] {
  return [
    ...['--tenant', app.tenant, '--namespace', app.namespace, '--app', app.name],
    // Kubernetes expands $(POD_NAME) from the container's environment.
    ...['--instance', '$(POD_NAME)'],
    // All addresses: the gateway and the kubelet's probe reach the pod on its IP.
    ...['--host', '0.0.0.0', '--http-port', String(FIXTURE_HTTP_PORT), '--grpc-port', String(FIXTURE_GRPC_PORT)],
  ];
}

/**
 * The echo fixture as the app's Deployment and Service. Every app gets a backend,
 * paused and squatting ones too: a gateway that wrongly routes to one then answers
 * with that backend's identity, which no 404 or 503 could show.
 */
export function buildWorkload(app: ResolvedApp, runId: string, fixture: FixtureImageOptions): [Deployment, Service] {
  const selector = { app: app.name };
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(app.name, app.namespace, runId, { labels: appLabels(app) }),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...runLabels(runId), ...appLabels(app) } },
        spec: {
          securityContext: restrictedPodSecurity(NODE_UID),
          containers: [
            {
              name: 'echo',
              image: fixture.image,
              imagePullPolicy: fixture.pullPolicy ?? 'IfNotPresent',
              args: fixtureArgs(app),
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              ports: [
                { name: 'http', containerPort: FIXTURE_HTTP_PORT, protocol: 'TCP' },
                { name: 'grpc', containerPort: FIXTURE_GRPC_PORT, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: readinessPeriodSeconds },
              resources: fixtureResources,
              securityContext: restrictedContainerSecurity,
              volumeMounts: [{ ...tmpMount }],
            },
          ],
          volumes: [{ ...tmpVolume, emptyDir: { ...tmpVolume.emptyDir } }],
        },
      },
    },
  };
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(app.name, app.namespace, runId, { labels: appLabels(app) }),
    spec: {
      selector,
      // Named and appProtocol'd by protocol: Istio's gateway then speaks HTTP/1.1 to `http` and HTTP/2 to `grpc`.
      ports: [
        { name: 'http', port: FIXTURE_HTTP_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
        { name: 'grpc', port: FIXTURE_GRPC_PORT, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      ],
    },
  };
  return [deployment, service];
}

/**
 * A `kubernetes.io/tls` Secret from the caller's PEMs; `key` (a `tlsSecretKey`)
 * names the certificate in errors. Throws when the caller has none for it.
 */
export function buildTlsSecret(
  name: string,
  namespace: string,
  runId: string,
  certificates: ReadonlyMap<string, TlsKeyPair>,
  key: string,
): Secret {
  const pair = certificates.get(key);
  if (!pair) throw new Error(`no certificate given for TLS secret ${key}`);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(name, namespace, runId),
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.chainPem).toString('base64'), 'tls.key': Buffer.from(pair.keyPem).toString('base64') },
  };
}
