import { loadAllYaml } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { InputFileError } from '../errors.ts';
import { readInputFile } from '../input-file.ts';

/** The fields of a networking.k8s.io/v1 Ingress that the inventory reads. */
export interface IngressObject {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  /** `spec.ingressClassName`, when set. */
  className?: string;
  rules: Array<{ host: string; paths: Array<{ path: string; pathType: string; service: string }> }>;
  /** Hosts named by `spec.tls`. */
  tlsHosts: string[];
  /** The `spec.tls` secretName by host, where one is named. */
  tlsSecrets?: Record<string, string>;
  /** `metadata.creationTimestamp` in milliseconds since the epoch, when the export has it. */
  createdAt?: number;
}

/**
 * Reads `kubectl get ingress -A -o yaml` output (a v1 List), or Ingress documents
 * separated by `---`. Anything else is refused, naming the document and the field.
 */
export async function readIngressFile(file: string): Promise<IngressObject[]> {
  const text = await readInputFile(file, 'the Ingress export');
  const items: unknown[] = [];
  for (const [index, value] of readDocuments(file, text).entries()) {
    if (value === null || value === undefined) continue;
    const list = value as { kind?: unknown; items?: unknown };
    if (typeof list.kind === 'string' && list.kind.endsWith('List')) {
      if (!Array.isArray(list.items)) throw new InputFileError(file, `document ${index + 1}: a ${list.kind} without items`);
      items.push(...list.items);
    } else items.push(value);
  }
  if (items.length === 0) throw new InputFileError(file, 'no Ingress in it (expected the output of `kubectl get ingress -A -o yaml`)');
  return items.map((item, index) => toIngress(item, (message) => new InputFileError(file, `object ${index + 1}: ${message}`)));
}

/**
 * The documents of a YAML stream. A kubectl export is one `List` document, which
 * client-node's js-yaml reader takes as it is (10,000 Ingresses in about a second,
 * where the yaml package takes over ten). Anything else goes to the yaml package,
 * for its precise messages: client-node's reader would also turn a bare Ingress into
 * its typed model, which quietly drops fields of the wrong shape.
 */
function readDocuments(file: string, text: string): unknown[] {
  const fast = (() => {
    try {
      return loadAllYaml(text);
    } catch {
      return undefined;
    }
  })();
  if (fast?.length === 1 && (fast[0] as { kind?: unknown }).kind === 'List') return fast;
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) throw new InputFileError(file, `document ${index + 1} is not YAML: ${document.errors[0]!.message.split('\n')[0]}`);
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  });
}

/** One API object as an IngressObject; `fail` builds the error that names where it came from. */
export function toIngress(item: unknown, fail: (message: string) => Error): IngressObject {
  const object = item as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
  if (typeof object !== 'object' || object === null) throw fail('not an object');
  if (object.kind !== 'Ingress') throw fail(`kind ${JSON.stringify(object.kind)}, expected Ingress`);
  if (object.apiVersion !== 'networking.k8s.io/v1') throw fail(`apiVersion ${JSON.stringify(object.apiVersion)}, expected networking.k8s.io/v1`);
  const metadata = object.metadata ?? {};
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || name === '') throw fail('metadata.name is missing');
  if (typeof namespace !== 'string' || namespace === '') throw fail(`${name}: metadata.namespace is missing (export with -A, which writes it)`);
  const at = (field: string) => `${namespace}/${name}: ${field}`;
  const annotations = stringMap(metadata.annotations, () => fail(at('metadata.annotations must map names to strings')));
  const spec = object.spec ?? {};
  const rules = asArray(spec.rules, () => fail(at('spec.rules must be a list'))).map((rule, r) => {
    const { host, http } = (rule ?? {}) as { host?: unknown; http?: { paths?: unknown } };
    if (host !== undefined && typeof host !== 'string') throw fail(at(`spec.rules[${r}].host must be a string`));
    const paths = asArray(http?.paths, () => fail(at(`spec.rules[${r}].http.paths must be a list`))).map((entry) => {
      const { path, pathType, backend } = (entry ?? {}) as { path?: unknown; pathType?: unknown; backend?: { service?: { name?: unknown; port?: { number?: unknown; name?: unknown } } } };
      const service = backend?.service;
      const port = service?.port?.number ?? service?.port?.name ?? '';
      return { path: typeof path === 'string' ? path : '/', pathType: typeof pathType === 'string' ? pathType : 'ImplementationSpecific', service: service ? `${String(service.name)}:${String(port)}` : '(resource backend)' };
    });
    return { host: host ?? '*', paths };
  });
  const tls = asArray(spec.tls, () => fail(at('spec.tls must be a list'))).map((entry) => {
    const { hosts, secretName } = (entry ?? {}) as { hosts?: unknown; secretName?: unknown };
    return { hosts: asArray(hosts, () => fail(at('spec.tls[].hosts must be a list'))).map(String), secretName: typeof secretName === 'string' ? secretName : null };
  });
  const tlsHosts = tls.flatMap((entry) => entry.hosts);
  const tlsSecrets: Record<string, string> = Object.fromEntries(tls.flatMap(({ hosts, secretName }) => (secretName === null ? [] : hosts.map((host) => [host, secretName]))));
  const className = typeof spec.ingressClassName === 'string' ? spec.ingressClassName : undefined;
  // js-yaml (a kubectl List) reads the timestamp as a Date, the yaml package as a string.
  const created = metadata.creationTimestamp instanceof Date ? metadata.creationTimestamp.getTime() : typeof metadata.creationTimestamp === 'string' ? Date.parse(metadata.creationTimestamp) : Number.NaN;
  return { namespace, name, annotations, ...(className ? { className } : {}), rules, tlsHosts, tlsSecrets, ...(Number.isNaN(created) ? {} : { createdAt: created }) };
}

function asArray(value: unknown, fail: () => Error): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail();
  return value;
}

function stringMap(value: unknown, fail: () => Error): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw fail();
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, text]) => typeof text !== 'string')) throw fail();
  return Object.fromEntries(entries) as Record<string, string>;
}
