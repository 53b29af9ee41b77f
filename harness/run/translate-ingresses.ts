import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockingClasses, formatUntranslatable } from '../inventory/untranslatable.ts';
import { buildIstioRouting } from '../kubernetes/istio-routing.ts';
import type { Service } from '../kubernetes/core-objects.ts';
import { type KubeObject, objectMeta } from '../kubernetes/objects.ts';
import { renderManifests } from '../kubernetes/render-yaml.ts';
import type { TlsKeyPair } from '../kubernetes/tenant-workloads.ts';
import { validateObjects } from '../kubernetes/validate-objects.ts';
import { tlsSecretKey } from '../scenario/resolve.ts';
import { type IngressInput, type KnownDifferencesSource, differenceRows, loadIngressInput } from './ingress-input.ts';

/** Where the translated objects bind: the Istio ingress gateway's namespace and pod labels, and the cluster domain. */
export interface TranslatePlacement {
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  clusterDomain: string;
}

/** What `translate --ingresses` is asked for. */
export interface TranslateOptions extends TranslatePlacement {
  ingresses: string;
  /** Write istio.yaml and untranslatable.json there; default: the YAML on stdout. */
  out?: string;
  ingressClass: string;
  /** The label value the objects carry. */
  runId: string;
  knownDifferences: KnownDifferencesSource;
}

/** `translate --ingresses`: reads the export, writes its Istio objects and what they leave out; returns the exit code (writeTranslation). */
export async function runTranslate(options: TranslateOptions, io: { log: (line: string) => void; print: (text: string) => void }): Promise<0 | 1> {
  const input = await loadIngressInput(options.ingresses, await differenceRows(options.knownDifferences), options.ingressClass);
  return writeTranslation(input, translateIngresses(input, options.runId, options), options.out, io);
}

/** The Istio objects of an Ingress set, and the TLS Secrets the Gateway reads (not written: they hold keys). */
export interface IngressTranslation {
  objects: KubeObject[];
  /** One line per Secret the Gateway names: which tenant Secret to copy into the gateway's namespace. */
  secrets: string[];
}

/** A stand-in key pair: the Secrets are built only to check the Gateway's references, then left out. */
const placeholder: TlsKeyPair = { chainPem: 'not written', keyPem: 'not written' };

/**
 * The Istio objects meshgate's translation writes for `input` (istio-routing.ts: Gateway,
 * VirtualServices, DestinationRules, EnvoyFilters), routed to the Services the Ingresses
 * name, and validated as `manifests` validates (strict schemas, references resolved).
 */
export function translateIngresses(input: IngressInput, runId: string, placement: TranslatePlacement): IngressTranslation {
  const { resolved } = input.scenario;
  const keys = resolved.apps.flatMap((app) => (app.tls ? [tlsSecretKey(app)] : []));
  const certificates = new Map(keys.map((key) => [key, placeholder]));
  const routing = buildIstioRouting(resolved, runId, certificates, { namespace: placement.gatewayNamespace, selector: placement.gatewaySelector, clusterDomain: placement.clusterDomain });
  const retargeted = routing.objects.map((object) => retarget(object, input, placement.clusterDomain));
  const objects = validateObjects([...retargeted, ...standInServices(input, runId)], runId);
  const sources = new Map(resolved.apps.flatMap((app) => (app.tls ? [[`meshgate.${tlsSecretKey(app).replace('/', '.')}`, app.tls.custom ? `${app.namespace}/${app.tls.secretName}` : `${app.tls.secretName} (a tenant namespace's)`]] : [])));
  const secrets = objects
    .filter((object) => object.kind === 'Secret')
    .map((secret) => `${secret.metadata.namespace}/${secret.metadata.name}: copy of ${sources.get(secret.metadata.name) ?? '?'} (tls.crt, tls.key)`);
  return { objects: objects.filter((object) => object.kind !== 'Secret' && object.kind !== 'Service'), secrets };
}

/** The Services the Ingresses name, as the cluster has them (only their ports matter): the references are checked against them, then they are left out. */
function standInServices(input: IngressInput, runId: string): Service[] {
  const services = new Map<string, Service>();
  const protocols = new Map(input.scenario.resolved.apps.map((app) => [app.id, app.backendProtocol]));
  for (const [appId, backend] of input.backends) {
    const namespace = appId.split('/')[0]!;
    const grpc = protocols.get(appId) === 'GRPC';
    const port = { name: grpc ? 'grpc' : 'http', port: Number(backend.port), targetPort: 'http', protocol: 'TCP' as const, appProtocol: grpc ? 'grpc' : 'http' };
    const key = `${namespace}/${backend.service}`;
    const known = services.get(key);
    if (known) known.spec.ports.push({ ...port, name: `${port.name}-${known.spec.ports.length}` });
    else services.set(key, { apiVersion: 'v1', kind: 'Service', metadata: objectMeta(backend.service, namespace, runId), spec: { selector: { app: backend.service }, ports: [port] } });
  }
  return [...services.values()];
}

/** A VirtualService's or DestinationRule's destination as the Ingress's own Service and port, where the scenario names the fixture's. */
function retarget<T extends { kind: string }>(object: T, input: IngressInput, clusterDomain: string): T {
  if (object.kind !== 'VirtualService' && object.kind !== 'DestinationRule') return object;
  const typed = object as unknown as { metadata: { namespace: string; name: string }; spec: { host?: string; http?: Array<{ route?: Array<{ destination: { host: string; port: { number: number } } }> }> } };
  const backend = input.backends.get(`${typed.metadata.namespace}/${typed.metadata.name}`);
  if (!backend) return object;
  const host = `${backend.service}.${typed.metadata.namespace}.svc.${clusterDomain}`;
  if (typed.spec.host !== undefined) return { ...object, spec: { ...typed.spec, host } };
  const http = typed.spec.http?.map((route) => (route.route ? { ...route, route: route.route.map(() => ({ destination: { host, port: { number: Number(backend.port) } } })) } : route));
  return { ...object, spec: { ...typed.spec, http } };
}

/**
 * Writes the translation (`<out>/istio.yaml` and `<out>/untranslatable.json`, or the YAML on
 * stdout), logs what is not carried and returns the exit code: 0 when nothing blocks,
 * 1 when an item blocks (the objects are written, but a cutover would change what tenants see).
 */
export async function writeTranslation(
  input: IngressInput,
  translation: IngressTranslation,
  out: string | undefined,
  io: { log: (line: string) => void; print: (text: string) => void },
): Promise<0 | 1> {
  const yaml = renderManifests(translation.objects);
  if (out === undefined) io.print(yaml);
  else {
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'istio.yaml'), yaml);
    await writeFile(join(out, 'untranslatable.json'), `${JSON.stringify({ untranslatable: input.untranslatable, otherClasses: input.otherClasses, secrets: translation.secrets }, null, 2)}\n`);
  }
  io.log(`meshgate: ${translation.objects.length} Istio objects for ${input.scenario.resolved.apps.length} served host(s)${out ? ` in ${join(out, 'istio.yaml')}` : ''}`);
  for (const line of translation.secrets) io.log(`meshgate: the Gateway reads TLS Secret ${line}`);
  if (input.otherClasses.length > 0) io.log(`meshgate: ${input.otherClasses.length} Ingress(es) of other classes left out of the cutover: ${input.otherClasses.join(', ')}`);
  for (const line of formatUntranslatable(input.untranslatable)) io.log(line);
  return input.untranslatable.some((item) => blockingClasses.includes(item.class)) ? 1 : 0;
}
