import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { type GatewayAddress, errorCode, sendHttpRequest } from '../clients/http-client.ts';
import { probeTls } from '../clients/tls-probe.ts';
import type { ParityHost } from './parity-hosts.ts';

/** What one gateway answered for one host: field -> value, flat so that two answers diff field by field. */
export type Answers = Record<string, string>;

export interface ProbeOptions {
  /** Resolves when the next request may go (the global rate). */
  throttle: () => Promise<void>;
  /** Bound on each request, in milliseconds. */
  timeoutMs: number;
}

/** Response headers a tenant's clients and browsers act on; the rest (dates, server, request ids) are not compared. */
export const comparedHeaders = [
  'location', 'content-type', 'cache-control', 'strict-transport-security', 'x-frame-options', 'content-security-policy',
  'x-content-type-options', 'referrer-policy', 'x-xss-protection', 'access-control-allow-origin', 'access-control-allow-credentials',
  'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age', 'access-control-expose-headers',
];

/** An origin no tenant allows: a gateway that answers it with CORS headers is open to every site. */
export const foreignOrigin = 'https://parity-probe.invalid';
/** Body bytes digested per answer; a longer body is compared by its first MiB and its length. */
const bodyBytes = 1024 * 1024;

/**
 * Read-only probes of one host through one gateway, one request at a time: the TLS
 * handshake, plain HTTP (redirect), GET and HEAD of each path, a CORS preflight from an
 * allowed and a foreign origin, and a WebSocket upgrade that is closed at once. Nothing
 * is ever sent into an app but these requests.
 */
export async function probeHost(gateway: GatewayAddress, host: ParityHost, options: ProbeOptions): Promise<Answers> {
  const answers: Answers = {};
  const scheme = host.tls ? 'https' : 'http';
  if (host.tls) Object.assign(answers, await tlsAnswers(gateway, host.host, options));
  await options.throttle();
  Object.assign(answers, await httpAnswers('http /', gateway, { scheme: 'http', host: host.host, path: host.paths[0]!, timeoutMs: options.timeoutMs }, false));
  for (const path of host.paths) {
    for (const method of ['GET', 'HEAD']) {
      await options.throttle();
      Object.assign(answers, await httpAnswers(`${method} ${path}`, gateway, { scheme, host: host.host, path, method, timeoutMs: options.timeoutMs }, method === 'GET'));
    }
  }
  for (const [name, origin] of [['allowed', host.corsOrigin], ['foreign', foreignOrigin]] as const) {
    if (origin === undefined) continue;
    await options.throttle();
    const headers = { origin, 'access-control-request-method': 'GET' };
    Object.assign(answers, await httpAnswers(`preflight ${name}`, gateway, { scheme, host: host.host, path: host.paths[0]!, method: 'OPTIONS', headers, timeoutMs: options.timeoutMs }, false));
  }
  if (host.webSocket) {
    await options.throttle();
    answers['websocket upgrade'] = await upgradeStatus(gateway, host, options.timeoutMs);
  }
  return answers;
}

async function tlsAnswers(gateway: GatewayAddress, host: string, options: ProbeOptions): Promise<Answers> {
  await options.throttle();
  const result = await probeTls({ host: gateway.address, port: gateway.httpsPort, servername: host, ca: gateway.ca, alpn: ['h2', 'http/1.1'], timeoutMs: options.timeoutMs });
  if (!result.ok) return { tls: `error ${result.error}` };
  return {
    'tls names': [...result.certificate.subjectAltNames].sort().join(', '),
    'tls issuer': result.certificate.issuerCommonName,
    'tls protocol': result.protocol,
    'tls alpn': String(result.alpn),
    'tls trusted': result.authorized ? 'yes' : `no (${result.authorizationError})`,
  };
}

async function httpAnswers(prefix: string, gateway: GatewayAddress, spec: Parameters<typeof sendHttpRequest>[1], digest: boolean): Promise<Answers> {
  // Any certificate is accepted here (the TLS probe judges it), so no CA: parsing it into every connection's TLS context costs CPU per request.
  const { ca: _unused, ...address } = gateway;
  try {
    const response = await sendHttpRequest(address, { ...spec, maxBodyBytes: bodyBytes, anyCertificate: true });
    const answers: Answers = { [`${prefix} status`]: String(response.status) };
    for (const name of comparedHeaders) if (response.headers[name] !== undefined) answers[`${prefix} ${name}`] = response.headers[name]!;
    if (digest) Object.assign(answers, bodyAnswers(`${prefix} body`, response.body, response.bodyBytes, response.headers['content-type']));
    return answers;
  } catch (error) {
    return { [`${prefix} status`]: `error ${errorCode(error)}` };
  }
}

/** Fields kept of a JSON body; a larger document is compared by its digest. */
const maxJsonFields = 200;

/**
 * A JSON body field by field (so that the A/A noise drops only the fields that vary,
 * such as an echoed request id, and keeps the stable ones, such as which app
 * answered); any other body by its length and digest.
 */
function bodyAnswers(prefix: string, body: Buffer, bytes: number, contentType: string | undefined): Answers {
  if (/\bjson\b/.test(contentType ?? '') && bytes === body.length) {
    try {
      const fields: Answers = {};
      flatten(JSON.parse(body.toString('utf8')), prefix, fields);
      if (Object.keys(fields).length <= maxJsonFields) return fields;
    } catch {
      // not JSON after all: compared by digest
    }
  }
  return { [prefix]: `${bytes} bytes, sha256 ${createHash('sha256').update(body).digest('hex').slice(0, 16)}` };
}

function flatten(value: unknown, path: string, into: Answers): void {
  if (Object.keys(into).length > maxJsonFields) return;
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) flatten(child, `${path}.${key}`, into);
  } else into[path] = JSON.stringify(value);
}

/** The status of a WebSocket upgrade (101 when it opens; the socket is closed at once, nothing is sent). */
function upgradeStatus(gateway: GatewayAddress, host: ParityHost, timeoutMs: number): Promise<string> {
  const scheme = host.tls ? 'wss' : 'ws';
  const port = host.tls ? gateway.httpsPort : gateway.httpPort;
  return new Promise((resolve) => {
    // ws hands `servername` to tls.connect (SNI), though its types do not list it.
    const options: WebSocket.ClientOptions & { servername: string } = { headers: { host: host.host }, servername: host.host, rejectUnauthorized: false, handshakeTimeout: timeoutMs };
    const socket = new WebSocket(`${scheme}://${gateway.address}:${port}${host.paths[0]}`, options);
    socket.once('open', () => {
      socket.terminate();
      resolve('101');
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      resolve(String(response.statusCode));
    });
    socket.once('error', (error) => resolve(`error ${errorCode(error)}`));
  });
}
