import type { Ingress } from './core-objects.ts';
import type { EnvoyFilter } from './envoy-filter-objects.ts';
import type { Gateway, VirtualService } from './istio-objects.ts';
import { ManifestError } from './manifest-error.ts';
import type { KubeObject } from './objects.ts';

type Find = (kind: string, namespace: string, name: string) => KubeObject | undefined;

/**
 * Checks what no single object's schema can: no object twice, and every Gateway a
 * VirtualService names, every Service an Ingress, VirtualService or DestinationRule
 * sends to (with its port), and every TLS Secret an Ingress or Gateway reads present
 * in the list, and every route an EnvoyFilter patches built by a VirtualService in the list
 * (a patch that matches nothing is silently ignored by Istio). Throws a ManifestError at
 * the first problem.
 */
export function checkReferences(objects: readonly KubeObject[]): void {
  const index = new Map<string, KubeObject>();
  for (const object of objects) {
    const key = objectKey(object.kind, 'namespace' in object.metadata ? object.metadata.namespace : '', object.metadata.name);
    if (index.has(key)) throw ManifestError.at(object, 'metadata.name', 'declared twice in one apply');
    index.set(key, object);
  }
  const find: Find = (kind, namespace, name) => index.get(objectKey(kind, namespace, name));
  // By host, once: an EnvoyFilter per app would otherwise scan every object (quadratic at 10,000 apps).
  const servicesByHost = new Map<string, VirtualService[]>();
  for (const object of objects) {
    if (object.kind !== 'VirtualService') continue;
    for (const host of object.spec.hosts) servicesByHost.set(host, [...(servicesByHost.get(host) ?? []), object]);
  }
  for (const object of objects) {
    if (object.kind === 'Ingress') checkIngress(object, find);
    else if (object.kind === 'Gateway') checkGateway(object, find);
    else if (object.kind === 'VirtualService') checkVirtualService(object, find);
    else if (object.kind === 'EnvoyFilter') checkEnvoyFilter(object, servicesByHost);
    else if (object.kind === 'DestinationRule') {
      const problem = destinationProblem(find, object.spec.host, null);
      if (problem) throw ManifestError.at(object, 'spec.host', problem);
    }
  }
}

function checkIngress(ingress: Ingress, find: Find): void {
  const { namespace } = ingress.metadata;
  ingress.spec.tls?.forEach((tls, i) => {
    if (!find('Secret', namespace, tls.secretName)) {
      throw ManifestError.at(ingress, `spec.tls[${i}].secretName`, `no Secret ${namespace}/${tls.secretName} in the list`);
    }
  });
  ingress.spec.rules.forEach((rule, r) =>
    rule.http.paths.forEach((path, p) => {
      const { name, port } = path.backend.service;
      const problem = serviceProblem(find, namespace, name, port.number);
      if (problem) throw ManifestError.at(ingress, `spec.rules[${r}].http.paths[${p}].backend.service`, problem);
    }),
  );
}

function checkGateway(gateway: Gateway, find: Find): void {
  const { namespace } = gateway.metadata;
  gateway.spec.servers.forEach((server, i) => {
    const secret = server.tls?.credentialName;
    if (secret && !find('Secret', namespace, secret)) {
      throw ManifestError.at(gateway, `spec.servers[${i}].tls.credentialName`, `no Secret ${namespace}/${secret} in the gateway's namespace`);
    }
  });
}

function checkVirtualService(service: VirtualService, find: Find): void {
  service.spec.gateways.forEach((reference, i) => {
    // A gateway named without a namespace is in the VirtualService's own.
    const [namespace, name] = reference.includes('/') ? reference.split('/', 2) : [service.metadata.namespace, reference];
    if (!find('Gateway', namespace!, name!)) throw ManifestError.at(service, `spec.gateways[${i}]`, `no Gateway ${namespace}/${name} in the list`);
  });
  service.spec.http.forEach((route, r) =>
    route.route?.forEach(({ destination }, d) => {
      const problem = destinationProblem(find, destination.host, destination.port.number);
      if (problem) throw ManifestError.at(service, `spec.http[${r}].route[${d}].destination`, problem);
    }),
  );
}

function checkEnvoyFilter(filter: EnvoyFilter, servicesByHost: ReadonlyMap<string, readonly VirtualService[]>): void {
  filter.spec.configPatches.forEach(({ match }, i) => {
    const target = match.routeConfiguration;
    if (!target) return;
    const [host, port] = [target.vhost.name.replace(/:[0-9]+$/, ''), target.portNumber];
    const built = (servicesByHost.get(host) ?? []).some(
      (object) =>
        (target.gateway === undefined || object.spec.gateways.includes(target.gateway)) &&
        object.spec.http.some((route) => route.name === target.vhost.route.name && (route.match ?? [{}]).some((m) => m.port === undefined || m.port === port)),
    );
    if (!built || target.vhost.name !== `${host}:${port}`) {
      throw ManifestError.at(filter, `spec.configPatches[${i}].match.routeConfiguration`, `no VirtualService${target.gateway ? ` on ${target.gateway}` : ''} builds route ${target.vhost.route.name} of ${target.vhost.name}`);
    }
  });
}

/** A destination host must be a Service's fully qualified name, `<name>.<namespace>.svc.<cluster domain>`. */
function destinationProblem(find: Find, host: string, port: number | null): string | null {
  const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.[a-z0-9.-]+$/.exec(host);
  if (!match) return `${host} is not a Service's fully qualified name (<name>.<namespace>.svc.<cluster domain>)`;
  return serviceProblem(find, match[2]!, match[1]!, port);
}

function serviceProblem(find: Find, namespace: string, name: string, port: number | null): string | null {
  const service = find('Service', namespace, name);
  if (service?.kind !== 'Service') return `no Service ${namespace}/${name} in the list`;
  if (port !== null && !service.spec.ports.some((candidate) => candidate.port === port)) return `Service ${namespace}/${name} has no port ${port}`;
  return null;
}

function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
