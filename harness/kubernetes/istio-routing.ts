import { type ResolvedApp, type ResolvedScenario, tlsSecretKey } from '../scenario/resolve.ts';
import type { Secret } from './core-objects.ts';
import type { EnvoyFilter } from './envoy-filter-objects.ts';
import { buildAppEnvoyFilter, buildGatewayEnvoyFilter } from './envoy-filters.ts';
import { type UntranslatedItem, istioUntranslated } from './istio-gaps.ts';
import type { DestinationRule, Gateway, GatewayServer, HTTPMatchRequest, VirtualService } from './istio-objects.ts';
import { objectMeta } from './objects.ts';
import { type TlsKeyPair, buildTlsSecret } from './tenant-workloads.ts';
import { type RouteContext, buildVirtualService, serviceHost } from './virtual-service.ts';

/** The Istio ingress gateway the tenants are bound to. */
export interface IstioGatewayOptions {
  /** Namespace of the gateway workload: the Gateway goes there, and its TLS Secrets must (credentialName is read there). Default `istio-system`. */
  namespace?: string;
  /** Name of the Gateway object. Default `meshgate`. */
  name?: string;
  /** Labels of the gateway pods. Default `istio: ingressgateway`. */
  selector?: Record<string, string>;
  /** Server ports of the Gateway (the gateway Service's ports). Default 80 and 443. */
  httpPort?: number;
  httpsPort?: number;
}

/** Istio's connect timeout when no DestinationRule sets one (MeshConfig connectTimeout), in seconds. */
export const ISTIO_DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/**
 * Mode `istio`: one Gateway with an HTTP server and an HTTPS server per certificate,
 * the certificates as Secrets beside it, and per app a VirtualService (and a
 * DestinationRule where the connect timeout differs from Istio's); beside the Gateway
 * an EnvoyFilter for the whole gateway and one per app for what a VirtualService cannot
 * say (body limit, read timeout, underscore headers: envoy-filters.ts). A squatting app's
 * objects are applied too, as a tenant would make them: its VirtualService for the host
 * on the shared Gateway and a Gateway of its own in its namespace. The shared Gateway
 * lists each host as `<namespace>/<host>`, so only the owner's namespace binds it, and
 * Istio is installed with PILOT_SCOPE_GATEWAY_TO_NAMESPACE, so a tenant's Gateway
 * selects no gateway pod outside its namespace: the owner keeps the host.
 */
export function buildIstioRouting(
  scenario: ResolvedScenario,
  runId: string,
  certificates: ReadonlyMap<string, TlsKeyPair>,
  options: IstioGatewayOptions & { clusterDomain: string },
): { objects: (Secret | Gateway | VirtualService | DestinationRule | EnvoyFilter)[]; untranslated: UntranslatedItem[] } {
  const gateway: Required<IstioGatewayOptions> = {
    namespace: options.namespace ?? 'istio-system',
    name: options.name ?? 'meshgate',
    selector: options.selector ?? { istio: 'ingressgateway' },
    httpPort: options.httpPort ?? 80,
    httpsPort: options.httpsPort ?? 443,
  };
  const apps = scenario.apps.filter((app) => app.hostOwner === app.id);
  const squatters = scenario.apps.filter((app) => app.hostOwner !== app.id && app.state === 'active');
  const context: RouteContext = {
    gateway: `${gateway.namespace}/${gateway.name}`,
    httpPort: gateway.httpPort,
    httpsPort: gateway.httpsPort,
    clusterDomain: options.clusterDomain,
  };
  const objects = [
    ...gatewaySecrets(apps, gateway.namespace, runId, certificates),
    buildGateway(apps, runId, gateway),
    ...apps.map((app) => buildVirtualService(app, runId, context)),
    ...apps.flatMap((app) => destinationRule(app, runId, options.clusterDomain)),
    buildGatewayEnvoyFilter(gateway, runId),
    ...apps.flatMap((app) => buildAppEnvoyFilter(app, runId, gateway, context) ?? []),
    ...squatters.flatMap((app) => squatterObjects(app, runId, gateway, context)),
  ];
  return { objects, untranslated: apps.flatMap(istioUntranslated) };
}

/**
 * The name of a certificate's Secret in the gateway's namespace: prefixed, and keeping
 * the tenant's namespace (`meshgate.<ns>.<name>`), so it neither overwrites a Secret of
 * a shared cluster's gateway nor collides between two tenants' `shop-tls`.
 */
function gatewaySecretName(app: ResolvedApp): string {
  return `meshgate.${tlsSecretKey(app).replace('/', '.')}`;
}

function gatewaySecrets(apps: ResolvedApp[], namespace: string, runId: string, certificates: ReadonlyMap<string, TlsKeyPair>): Secret[] {
  const secrets = new Map<string, Secret>();
  for (const app of apps) {
    const name = app.tls ? gatewaySecretName(app) : null;
    if (name && !secrets.has(name)) secrets.set(name, buildTlsSecret(name, namespace, runId, certificates, tlsSecretKey(app)));
  }
  return [...secrets.values()];
}

function buildGateway(apps: ResolvedApp[], runId: string, gateway: Required<IstioGatewayOptions>): Gateway {
  const host = (app: ResolvedApp) => `${app.namespace}/${app.host}`;
  // One HTTPS server per certificate; the port name leaves out the dots Istio's route names are split on
  // (https.<port>.<port name>.<gateway>.<namespace>: an EnvoyFilter match reads the Gateway from it).
  const https = new Map<string, { name: string; hosts: string[] }>();
  for (const app of apps.filter((candidate) => candidate.tls)) {
    const credentialName = gatewaySecretName(app);
    const server = https.get(credentialName) ?? { name: `https-${tlsSecretKey(app).replace(/[/.]/g, '-')}`, hosts: [] };
    https.set(credentialName, { ...server, hosts: [...server.hosts, host(app)] });
  }
  const servers: GatewayServer[] = [
    // Redirects to HTTPS are routes (308), so every host is served on HTTP.
    { port: { number: gateway.httpPort, name: 'http', protocol: 'HTTP' }, hosts: apps.map(host) },
    ...[...https].map(([credentialName, { name, hosts }]): GatewayServer => ({
      port: { number: gateway.httpsPort, name, protocol: 'HTTPS' },
      hosts,
      tls: { mode: 'SIMPLE', credentialName },
    })),
  ];
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: objectMeta(gateway.name, gateway.namespace, runId),
    spec: { selector: gateway.selector, servers },
  };
}

/** A squatter's own Gateway (plain HTTP: it cannot place a certificate in the gateway's namespace) and its VirtualService on both Gateways. */
function squatterObjects(app: ResolvedApp, runId: string, gateway: Required<IstioGatewayOptions>, context: RouteContext): (Gateway | VirtualService)[] {
  const own: Gateway = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: objectMeta(app.name, app.namespace, runId),
    spec: { selector: gateway.selector, servers: [{ port: { number: gateway.httpPort, name: 'http', protocol: 'HTTP' }, hosts: [app.host] }] },
  };
  const service = buildVirtualService(app, runId, context);
  const claim = claimMatch(app);
  const http = claim ? service.spec.http.map((route) => ({ ...route, match: (route.match ?? [{}]).map((match) => ({ ...match, ...claim })) })) : service.spec.http;
  return [own, { ...service, spec: { ...service.spec, gateways: [context.gateway, `${app.namespace}/${app.name}`], http } }];
}

/** A squatter's narrower claim as a tenant writes it in its VirtualService: a uri prefix or a header match. */
function claimMatch(app: ResolvedApp): HTTPMatchRequest | null {
  if (app.route?.path) return { uri: { prefix: app.route.path } };
  if (app.route?.header) return { headers: { [app.route.header.name.toLowerCase()]: { exact: app.route.header.value } } };
  return null;
}

/**
 * proxy-connect-timeout has a faithful translation, the DestinationRule's TCP connect
 * timeout; it is needed only where the app's differs from Istio's default.
 */
function destinationRule(app: ResolvedApp, runId: string, clusterDomain: string): DestinationRule[] {
  const seconds = app.timeouts.connectSeconds;
  if (app.state !== 'active' || seconds === ISTIO_DEFAULT_CONNECT_TIMEOUT_SECONDS) return [];
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: objectMeta(app.name, app.namespace, runId),
      spec: { host: serviceHost(app, clusterDomain), trafficPolicy: { connectionPool: { tcp: { connectTimeout: `${seconds}s` } } } },
    },
  ];
}
