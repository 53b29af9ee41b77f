import { InputFileError } from '../errors.ts';
import type { IngressObject } from '../inventory/ingress-objects.ts';
import { readInputFile } from '../input-file.ts';

/** One host to compare, with what its Ingresses say about how to probe it. */
export interface ParityHost {
  host: string;
  /** Paths to GET and HEAD (regular-expression paths are left out: they name no request). */
  paths: string[];
  /** Served over HTTPS (a TLS section names it). */
  tls: boolean;
  /** An origin the host's CORS policy allows, for the allowed preflight. */
  corsOrigin?: string;
  /** Its backend speaks WebSocket (backend-protocol WS): an upgrade is attempted. */
  webSocket: boolean;
}

/** A DNS name as an Ingress host may be (RFC 1123 labels, a leading `*.` excluded: nothing to probe). */
const hostName = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/** A file of hosts, one per line, `#` comments and blank lines allowed; HTTPS and `/` are assumed. */
export async function readHostList(file: string): Promise<ParityHost[]> {
  const text = await readInputFile(file, 'the host list');
  const hosts: ParityHost[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (!hostName.test(line)) throw new InputFileError(file, `line ${index + 1}: ${JSON.stringify(raw.trim().slice(0, 80))} is not a host name`);
    hosts.push({ host: line, paths: ['/'], tls: true, webSocket: false });
  }
  if (hosts.length === 0) throw new InputFileError(file, 'no host in it (one host name per line)');
  return unique(hosts);
}

const prefix = 'nginx.ingress.kubernetes.io/';

/** The hosts of the Ingresses ingress-nginx serves (class `ingressClass`), with their paths, TLS, CORS and WebSocket. */
export function hostsFromIngresses(ingresses: readonly IngressObject[], ingressClass = 'nginx'): ParityHost[] {
  const hosts: ParityHost[] = [];
  for (const ingress of ingresses) {
    if ((ingress.annotations['kubernetes.io/ingress.class'] ?? ingress.className) !== ingressClass) continue;
    const origins = (ingress.annotations[`${prefix}cors-allow-origin`] ?? '').split(',').map((origin) => origin.trim());
    const corsOrigin = ingress.annotations[`${prefix}enable-cors`] === 'true' ? origins.find((origin) => origin !== '' && !origin.includes('*')) : undefined;
    for (const rule of ingress.rules) {
      if (!hostName.test(rule.host)) continue;
      hosts.push({
        host: rule.host,
        paths: rule.paths.map((path) => path.path).filter((path) => /^\/[-\w./~%]*$/.test(path)),
        tls: ingress.tlsHosts.includes(rule.host),
        ...(corsOrigin ? { corsOrigin } : {}),
        webSocket: (ingress.annotations[`${prefix}backend-protocol`] ?? '').toUpperCase() === 'WS',
      });
    }
  }
  return unique(hosts);
}

/** One entry per host: the paths of several Ingresses for a host are merged, as ingress-nginx merges them into one server. */
function unique(hosts: readonly ParityHost[]): ParityHost[] {
  const byHost = new Map<string, ParityHost>();
  for (const host of hosts) {
    const seen = byHost.get(host.host);
    byHost.set(host.host, seen ? { ...seen, paths: [...new Set([...seen.paths, ...host.paths])], tls: seen.tls || host.tls, webSocket: seen.webSocket || host.webSocket } : host);
  }
  return [...byHost.values()].map((host) => ({ ...host, paths: host.paths.length > 0 ? host.paths : ['/'] }));
}
