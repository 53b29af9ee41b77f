import { type ResolvedPerformance, resolvePerformance } from './performance-profile.ts';
import { ingressNginxCorsDefaults, ingressNginxHsts, kindDefaults, sealosCorsMethods } from './kind-defaults.ts';
import type { AppInput, AppKind, CorsInput, Scenario } from './schema.ts';

/** A CORS policy with every default filled in. */
export interface CorsPolicy {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  allowCredentials: boolean;
  maxAgeSeconds: number;
}

export interface HeaderRules {
  set: Record<string, string>;
  remove: string[];
}

/** One exposed app port with every setting decided: what a gateway must implement. */
export interface ResolvedApp {
  /** `<namespace>/<name>`, unique in a scenario. */
  id: string;
  tenant: string;
  namespace: string;
  name: string;
  kind: AppKind;
  /** Fully qualified host the app is reached on. */
  host: string;
  /** Id of the app that owns `host`: itself, unless an earlier app of another tenant claimed the host first. */
  hostOwner: string;
  backendProtocol: 'HTTP' | 'GRPC' | 'WS';
  /** TLS at the gateway, or null when the scenario disables TLS. */
  tls: { secretName: string; custom: boolean } | null;
  sslRedirect: boolean;
  bodySize: string;
  bodySizeBytes: number;
  timeouts: { connectSeconds: number; sendSeconds: number; readSeconds: number };
  cors: CorsPolicy | null;
  requestHeaders: HeaderRules;
  responseHeaders: HeaderRules;
  webSocketGuard: boolean;
  /** Strict-Transport-Security on HTTPS: ingress-nginx's default unless the scenario sets its own; null without TLS. */
  hsts: { maxAgeSeconds: number; includeSubdomains: boolean } | null;
  /** Sealos' raised buffers (body 64k, proxy 64k, headers 64k / 4 x 128k): the launchpad's HTTP annotation set. */
  sealosBuffers: boolean;
  /** `paused` (app) or `suspended` (tenant) apps must serve no backend traffic. */
  state: 'active' | 'paused' | 'suspended';
  /** A squatter's narrower claim on its host (a path prefix or a header match); null: the whole host. */
  route: { path: string | null; header: { name: string; value: string } | null } | null;
}

export interface ResolvedScenario {
  name: string;
  domain: string;
  tls: { enabled: boolean; wildcardSecret: string };
  apps: ResolvedApp[];
  performance: ResolvedPerformance;
}

const sizeUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes in an nginx size string (`32m` = 33554432). */
export function parseSize(size: string): number {
  const match = /^([0-9]+)([kmg]?)$/i.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * (sizeUnits[match[2]!.toLowerCase()] ?? 1);
}

/** Applies kind defaults and decides host ownership. Pure. */
export function resolveScenario(scenario: Scenario): ResolvedScenario {
  const tls = { enabled: scenario.tls?.enabled ?? true, wildcardSecret: scenario.tls?.wildcardSecret ?? 'wildcard-cert' };
  const owners = new Map<string, string>();
  const apps = scenario.tenants.flatMap((tenant) =>
    tenant.apps.map((app) => {
      const resolved = resolveApp(scenario.domain, tls, tenant.user, tenant.state ?? 'active', app);
      // First claim wins, like Sealos' admission webhook that rejects a host already used in another namespace.
      const owner = owners.get(resolved.host);
      if (owner === undefined) owners.set(resolved.host, resolved.id);
      return { ...resolved, hostOwner: owner ?? resolved.id };
    }),
  );
  // By default, load the first served app of each protocol (plain web, gRPC, WebSocket).
  const firstOf = (protocol: ResolvedApp['backendProtocol'], kind: AppKind) =>
    apps.find((app) => app.backendProtocol === protocol && app.kind === kind && app.state === 'active' && app.hostOwner === app.id)?.id ?? [];
  const performance = resolvePerformance(scenario.performance ?? {}, [firstOf('HTTP', 'web'), firstOf('GRPC', 'grpc'), firstOf('WS', 'ws')].flat());
  return { name: scenario.name, domain: scenario.domain, tls, apps, performance };
}

function resolveApp(
  domain: string,
  tls: ResolvedScenario['tls'],
  user: string,
  tenantState: 'active' | 'suspended',
  app: AppInput,
): ResolvedApp {
  const defaults = kindDefaults[app.kind];
  const namespace = `ns-${user}`;
  const bodySize = app.bodySize ?? defaults.bodySize;
  const responseDefaults = defaults.responseHeaders(domain);
  const cors = app.cors ?? (defaults.sealosCors ? sealosCors(domain, tls.enabled) : undefined);
  return {
    id: `${namespace}/${app.name}`,
    tenant: user,
    namespace,
    name: app.name,
    kind: app.kind,
    host: app.customDomain ?? `${app.host}.${domain}`,
    hostOwner: '',
    backendProtocol: defaults.backendProtocol,
    tls: tls.enabled ? { secretName: app.customDomain ? `${app.name}-tls` : tls.wildcardSecret, custom: !!app.customDomain } : null,
    sslRedirect: tls.enabled && (app.sslRedirect ?? defaults.sslRedirect),
    bodySize,
    bodySizeBytes: parseSize(bodySize),
    timeouts: { ...defaults.timeouts, ...app.timeouts },
    cors: cors ? resolveCors(cors) : null,
    requestHeaders: mergeRules(defaults.requestHeaders, app.requestHeaders),
    responseHeaders: mergeRules(responseDefaults, app.responseHeaders),
    webSocketGuard: app.webSocketGuard ?? defaults.webSocketGuard,
    hsts: resolveHsts(tls.enabled, app.hsts),
    sealosBuffers: defaults.sealosBuffers,
    state: tenantState === 'suspended' ? 'suspended' : (app.state ?? 'active'),
    route: app.route ? { path: app.route.path ?? null, header: app.route.header ?? null } : null,
  };
}

function resolveHsts(tlsEnabled: boolean, hsts: AppInput['hsts']): ResolvedApp['hsts'] {
  if (!tlsEnabled) return null;
  return hsts ? { maxAgeSeconds: hsts.maxAgeSeconds, includeSubdomains: hsts.includeSubdomains ?? false } : { ...ingressNginxHsts };
}

/** The CORS set Sealos gives terminals and adminers (http:// origins when TLS is off). */
function sealosCors(domain: string, tlsEnabled: boolean): CorsInput {
  const scheme = tlsEnabled ? 'https' : 'http';
  return {
    allowOrigins: [`${scheme}://${domain}`, `${scheme}://*.${domain}`],
    allowMethods: sealosCorsMethods,
    allowCredentials: false,
  };
}

function resolveCors(cors: CorsInput): CorsPolicy {
  return {
    allowOrigins: cors.allowOrigins,
    allowMethods: cors.allowMethods ?? ingressNginxCorsDefaults.allowMethods,
    allowHeaders: cors.allowHeaders ?? ingressNginxCorsDefaults.allowHeaders,
    allowCredentials: cors.allowCredentials ?? ingressNginxCorsDefaults.allowCredentials,
    maxAgeSeconds: cors.maxAgeSeconds ?? ingressNginxCorsDefaults.maxAgeSeconds,
  };
}

function mergeRules(defaults: HeaderRules, overrides: { set?: Record<string, string>; remove?: string[] } | undefined): HeaderRules {
  return {
    set: { ...defaults.set, ...overrides?.set },
    remove: [...new Set([...defaults.remove, ...(overrides?.remove ?? [])])],
  };
}

/** Apps whose route the gateway must serve: active and owning their host. */
export function servedApps(scenario: ResolvedScenario): ResolvedApp[] {
  return scenario.apps.filter((app) => app.state === 'active' && app.hostOwner === app.id);
}

/**
 * Where an app's certificate is found: the shared wildcard secret by name, a custom
 * domain's secret by namespace and name (two tenants may both call theirs `shop-tls`).
 */
export function tlsSecretKey(app: ResolvedApp): string {
  if (!app.tls) throw new Error(`app ${app.id} has no TLS`);
  return app.tls.custom ? `${app.namespace}/${app.tls.secretName}` : app.tls.secretName;
}
