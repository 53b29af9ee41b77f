import type { AppInput, Scenario } from '../scenario/schema.ts';
import { scenarioSchema } from '../scenario/schema.ts';
import type { IngressObject } from './ingress-objects.ts';
import { type AnnotationModel, type AnnotationNotCarried, annotationModel } from './ingress-annotations-model.ts';

/** Something of an Ingress the scenario model does not carry: an annotation, a snippet directive, or the Ingress itself (a path, its namespace). */
export interface NotCarried extends Partial<AnnotationNotCarried> {
  /** `<namespace>/<name>` of the Ingress. */
  ingress: string;
  /** For the Ingress itself (no annotation): what of it, e.g. `files.example.test path /api (Prefix)`. */
  subject?: string;
  reason: string;
}

/** The Service port an app stands for: where the translation routes it. */
export interface IngressBackend {
  ingress: string;
  service: string;
  port: string;
}

/** A set of Ingresses as the scenario both paths consume (resolveScenario), and what it leaves out. */
export interface IngressScenario {
  /** Null when no Ingress is served (a scenario needs a tenant). */
  scenario: Scenario | null;
  /** Per app id (`ns-<user>/<app>`): the Ingress and Service port it came from. */
  backends: Map<string, IngressBackend>;
  notCarried: NotCarried[];
  /** Ingresses of other classes: not served by ingress-nginx, so not part of this cutover. */
  otherClasses: string[];
}

const classAnnotation = 'kubernetes.io/ingress.class';
/** Sealos' lifecycle classes: a paused app (`pause`) or a suspended tenant (`disable`) serves nothing. */
const lifecycleClasses = ['pause', 'disable'];
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The scenario's host names (schema.ts hostname). */
const hostname = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

interface Claim {
  ingress: IngressObject;
  /** Null for a paused app or suspended tenant (class pause or disable): it serves nothing. */
  model: AnnotationModel | null;
  ref: string;
  host: string;
  service: string;
  secretName: string | null;
}

/**
 * Turns Ingress objects (a cluster's export, or the ones the launchpad writes for a
 * scenario) into the scenario model: one app per Ingress host served at `/`, with the
 * settings its annotations carry. ingress-nginx keeps the oldest Ingress's location for a
 * host (controller.go createServers skips a location already configured), so the first
 * in creation order keeps it. Pure.
 */
export function ingressScenario(ingresses: readonly IngressObject[], options: { name: string; ingressNginxClass?: string }): IngressScenario {
  const nginxClass = options.ingressNginxClass ?? 'nginx';
  const notCarried: NotCarried[] = [];
  const otherClasses: string[] = [];
  const claims: Claim[] = [];
  for (const ingress of creationOrder(ingresses)) {
    const ref = `${ingress.namespace}/${ingress.name}`;
    const ingressClass = ingress.annotations[classAnnotation] ?? ingress.className ?? null;
    if (ingressClass !== nginxClass && !lifecycleClasses.includes(ingressClass ?? '')) {
      otherClasses.push(ref);
      continue;
    }
    // Every annotation is read once per Ingress, served or not: what it would lose is named either way.
    const model = lifecycleClasses.includes(ingressClass ?? '') ? null : annotationModel(ingress);
    for (const item of model?.notCarried ?? []) notCarried.push({ ingress: ref, ...item });
    claims.push(...ingressClaims(ingress, ref, notCarried).map((claim) => ({ ...claim, model })));
  }
  const served = firstClaims(claims, notCarried);
  const domain = commonDomain(served.map((claim) => claim.host));
  const wildcardSecret = mostCommon(served.filter((claim) => claim.host.endsWith(`.${domain}`)).flatMap((claim) => claim.secretName ?? [])) ?? 'wildcard-cert';
  const tlsEnabled = served.some((claim) => claim.secretName !== null);
  const tenants = new Map<string, AppInput[]>();
  const suspended = suspendedNamespaces(served);
  const backends = new Map<string, IngressBackend>();
  for (const claim of served) {
    const app = claimApp(claim, { domain, wildcardSecret, tlsEnabled }, notCarried);
    const user = claim.ingress.namespace.slice('ns-'.length);
    const apps = tenants.get(user) ?? [];
    tenants.set(user, apps);
    apps.push(app);
    backends.set(`${claim.ingress.namespace}/${app.name}`, { ingress: claim.ref, service: claim.service.split(':')[0]!, port: claim.service.split(':')[1] ?? '' });
  }
  if (tenants.size === 0) return { scenario: null, backends, notCarried, otherClasses };
  const scenario = scenarioSchema.parse({
    version: 1,
    name: options.name,
    domain,
    tls: { enabled: tlsEnabled, wildcardSecret },
    tenants: [...tenants].map(([user, apps]) => (suspended.has(`ns-${user}`) ? { user, state: 'suspended', apps: apps.map(({ state: _paused, ...app }) => app) } : { user, apps })),
  });
  return { scenario, backends, notCarried, otherClasses };
}

/**
 * Ingresses as ingress-nginx orders them (store.go sortIngressSlice, dbb11b92 lines 1102-1115):
 * by creationTimestamp, identical ones by `<namespace>/<name>` descending. An export without
 * timestamps (objects written by hand, or for a scenario in apply order) keeps its order.
 */
function creationOrder(ingresses: readonly IngressObject[]): readonly IngressObject[] {
  if (ingresses.some((ingress) => ingress.createdAt === undefined)) return ingresses;
  const ref = (ingress: IngressObject) => `${ingress.namespace}/${ingress.name}`;
  return [...ingresses].sort((a, b) => a.createdAt! - b.createdAt! || (ref(a) > ref(b) ? -1 : ref(a) < ref(b) ? 1 : 0));
}

/** Namespaces whose every served Ingress has class `disable`: a suspended tenant (Sealos' account controller sets it on all of them). */
function suspendedNamespaces(claims: readonly Claim[]): Set<string> {
  const classes = new Map<string, boolean>();
  for (const { ingress } of claims) {
    const disabled = (ingress.annotations[classAnnotation] ?? ingress.className) === 'disable';
    classes.set(ingress.namespace, (classes.get(ingress.namespace) ?? true) && disabled);
  }
  return new Set([...classes].filter(([, disabled]) => disabled).map(([namespace]) => namespace));
}

/** The hosts an Ingress serves at `/`; everything else of it is named. */
function ingressClaims(ingress: IngressObject, ref: string, notCarried: NotCarried[]): Omit<Claim, 'model'>[] {
  const whole = (subject: string, reason: string) => notCarried.push({ ingress: ref, subject, reason, blocks: true });
  const user = ingress.namespace.startsWith('ns-') ? ingress.namespace.slice(3) : '';
  const canary = ingress.annotations['nginx.ingress.kubernetes.io/canary'] === 'true';
  if (!dnsLabel.test(user)) whole(`namespace ${ingress.namespace}`, "not a tenant namespace (ns-<user>): the model serves tenants' namespaces only, so nothing of this Ingress is served");
  if (canary) whole('canary Ingress', 'ingress-nginx merges it into the main Ingress of its host as a weighted or conditional backend; the model does not serve it');
  if (!dnsLabel.test(ingress.name)) whole(`name ${ingress.name}`, 'the model names apps with DNS labels (no dots): nothing of this Ingress is served');
  if (!dnsLabel.test(user) || canary || !dnsLabel.test(ingress.name)) return [];
  const claims: Omit<Claim, 'model'>[] = [];
  for (const rule of ingress.rules) {
    if (rule.paths.length === 0) notCarried.push({ ingress: ref, subject: `${rule.host} without paths`, reason: "ingress-nginx answers the host from its default backend (404); the model serves nothing for it" });
    for (const path of rule.paths) {
      const root = path.path === '/' && (path.pathType === 'Prefix' || path.pathType === 'ImplementationSpecific');
      if (!hostname.test(rule.host)) whole(`host ${rule.host} (${path.path})`, 'the model serves named hosts only (a DNS name), no catch-all or wildcard');
      else if (!root) whole(`${rule.host} path ${path.path} (${path.pathType})`, 'the model serves a whole host from one backend at /: other paths are not served');
      else if (!/:[0-9]+$/.test(path.service)) whole(`${rule.host} backend ${path.service}`, 'a Service port by name (or a resource backend): the translation routes to port numbers only');
      else claims.push({ ingress, ref, host: rule.host, service: path.service, secretName: secretFor(ingress, rule.host) });
    }
  }
  return claims;
}

function secretFor(ingress: IngressObject, host: string): string | null {
  if (!ingress.tlsHosts.includes(host)) return null;
  return ingress.tlsSecrets?.[host] ?? null;
}

/** The first claim of each host keeps it, as the oldest Ingress does in ingress-nginx. */
function firstClaims(claims: Claim[], notCarried: NotCarried[]): Claim[] {
  const owners = new Map<string, Claim>();
  for (const claim of claims) {
    const owner = owners.get(claim.host);
    if (owner === undefined) owners.set(claim.host, claim);
    else notCarried.push({ ingress: claim.ref, subject: `${claim.host} /`, reason: `already served by ${owner.ref}, which comes first (ingress-nginx keeps the oldest Ingress's location)` });
  }
  return [...owners.values()];
}

interface Placement {
  domain: string;
  wildcardSecret: string;
  tlsEnabled: boolean;
}

/** One claim as a scenario app: its host under the domain (the wildcard certificate) or as a custom domain. */
function claimApp(claim: Claim, placement: Placement, notCarried: NotCarried[]): AppInput {
  const { ingress, ref, host } = claim;
  const label = host.slice(0, -(placement.domain.length + 1));
  const underDomain = host.endsWith(`.${placement.domain}`) && dnsLabel.test(label);
  const wildcard = underDomain && (claim.secretName === null || claim.secretName === placement.wildcardSecret);
  const otherHosts = ingress.rules.filter((rule) => rule.host !== host).length;
  const name = otherHosts === 0 ? ingress.name : `${ingress.name.slice(0, 58)}-${ingress.rules.findIndex((rule) => rule.host === host) + 1}`;
  const { model } = claim;
  if (model?.kind === 'web' && !model.launchpadBuffers) {
    notCarried.push({ ingress: ref, subject: `${host} buffers`, reason: "the model gives every HTTP app the launchpad's buffers (64k body, 64k proxy, 64k / 4 x 128k headers); this Ingress has ingress-nginx's defaults" });
  }
  if (placement.tlsEnabled && claim.secretName === null && model !== null) {
    notCarried.push({ ingress: ref, subject: `${host} without TLS`, reason: "ingress-nginx answers HTTPS for it with its default certificate; the model gives it a certificate of the run's CA" });
  }
  if (claim.secretName !== null && !wildcard && claim.secretName !== `${name}-tls`) {
    notCarried.push({ ingress: ref, subject: `${host} TLS secret ${claim.secretName}`, reason: `the model names the host's certificate ${name}-tls` });
  }
  return {
    name,
    kind: model?.kind ?? 'web',
    ...(wildcard ? { host: label } : { host: name, customDomain: host }),
    ...(model === null ? { state: 'paused' as const } : {}),
    ...model?.settings,
    ...(claim.secretName === null ? { sslRedirect: false } : {}),
  };
}

/** The parent domain most hosts share (`a.cloud.example.test` -> `cloud.example.test`). */
function commonDomain(hosts: string[]): string {
  return mostCommon(hosts.map((host) => host.split('.').slice(1).join('.')).filter((parent) => hostname.test(parent))) ?? 'example.test';
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
