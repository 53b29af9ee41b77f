import { connect as connectHttp2 } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { createEchoClient, unary } from '../clients/grpc-echo-client.ts';
import { type GatewayAddress, type HttpRequestSpec, backendOf, errorCode, sendHttpRequest } from '../clients/http-client.ts';
import { errorMessage } from '../errors.ts';
import type { Observation } from '../results/observation.ts';

/**
 * Probes shared by the suites: each performs one real exchange through the
 * gateway and returns what it saw as an Observation. Failures of the exchange are
 * observations too (`error`), so a case can expect them.
 */

/** One HTTP request; the echo body (if JSON) is parsed into `echo` for cases that read it. */
export async function probeHttp(gateway: GatewayAddress, spec: HttpRequestSpec): Promise<Observation & { echo?: EchoBody }> {
  try {
    const response = await sendHttpRequest(gateway, spec);
    const echo = response.headers['content-type']?.startsWith('application/json') ? parseEcho(response.body) : undefined;
    return { status: response.status, headers: response.headers, backend: response.backend, error: null, echo, details: { bodyBytes: response.bodyBytes } };
  } catch (error) {
    return { error: errorCode(error), backend: null, details: { message: errorMessage(error) } };
  }
}

/** What the echo fixture reports about the request it received. */
export interface EchoBody {
  host: string;
  method: string;
  path: string;
  protocol: string;
  headers: Record<string, string>;
  bodyBytes: number;
}

function parseEcho(body: Buffer): EchoBody | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as EchoBody;
  } catch {
    return undefined;
  }
}

/** Which protocol ALPN settles on for `host` on the TLS port, through node:http2's client. */
export function probeAlpn(gateway: GatewayAddress, host: string): Promise<Observation> {
  return new Promise((resolve) => {
    const session = connectHttp2(`https://${gateway.address}:${gateway.httpsPort}`, { servername: host, ca: gateway.ca, ALPNProtocols: ['h2', 'http/1.1'] });
    const done = (observation: Observation) => {
      clearTimeout(timer);
      session.destroy();
      resolve(observation);
    };
    const timer = setTimeout(() => done({ error: 'ETIMEDOUT' }), gateway.requestMs);
    session.once('connect', () => done({ error: null, details: { alpn: session.alpnProtocol ?? null } }));
    session.once('error', (error) => done({ error: errorCode(error), details: { alpn: null } }));
  });
}

export interface WebSocketProbeSpec {
  scheme: 'ws' | 'wss';
  host: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sizes of the text and binary messages echoed, bytes. */
  messageBytes?: number;
}

/** Opens a WebSocket through the gateway with the tenant host as Host and SNI. */
export function openWebSocket(gateway: GatewayAddress, spec: Pick<WebSocketProbeSpec, 'scheme' | 'host' | 'path' | 'headers'>): WebSocket {
  const port = spec.scheme === 'wss' ? gateway.httpsPort : gateway.httpPort;
  // ws hands `servername` to tls.connect (SNI), though its types do not list it.
  const options: WebSocket.ClientOptions & { servername: string } = {
    headers: { host: spec.host, ...spec.headers },
    servername: spec.host,
    ca: gateway.ca,
    handshakeTimeout: gateway.requestMs,
    maxPayload: 16 * 1024 * 1024,
  };
  return new WebSocket(`${spec.scheme}://${gateway.address}:${port}${spec.path ?? '/'}`, options);
}

/** Upgrades, echoes one text and one binary message, closes normally. */
export function probeWebSocket(gateway: GatewayAddress, spec: WebSocketProbeSpec): Promise<Observation> {
  const socket = openWebSocket(gateway, spec);
  const text = 'x'.repeat(spec.messageBytes ?? 16);
  const binary = Buffer.alloc(spec.messageBytes ?? 16, 7);
  return new Promise((resolve) => {
    let backend: string | null = null;
    const echoes: Array<{ data: Buffer; binary: boolean }> = [];
    const timer = setTimeout(() => finish({ status: 101, backend, error: 'ETIMEDOUT' }), gateway.requestMs);
    const finish = (observation: Observation) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(observation);
    };
    socket.once('upgrade', (response) => (backend = backendOf(response.headers['x-echo-backend'] as string | undefined)));
    socket.once('unexpected-response', (_request, response) => finish({ status: response.statusCode, backend: backendOf(response.headers['x-echo-backend'] as string | undefined), error: null }));
    socket.once('error', (error) => finish({ backend: null, error: errorCode(error), details: { message: errorMessage(error) } }));
    // Closed by the far end before both echoes came back: the close code says why (RFC 6455 7.4.1).
    socket.once('close', (code: number, reason: Buffer) => finish({ status: 101, backend, error: 'ECLOSED', details: { closeCode: code, closeReason: reason.toString() } }));
    socket.once('open', () => {
      socket.send(text);
      socket.send(binary);
    });
    socket.on('message', (data: Buffer, isBinary) => {
      echoes.push({ data, binary: isBinary });
      if (echoes.length < 2) return;
      const textEcho = !echoes[0]!.binary && echoes[0]!.data.toString() === text;
      const binaryEcho = echoes[1]!.binary && echoes[1]!.data.equals(binary);
      finish({ status: 101, backend, error: null, details: { textEcho, binaryEcho } });
    });
  });
}

/** A gRPC unary call through the gateway's TLS port with `host` as SNI and :authority. */
export async function probeGrpcUnary(gateway: GatewayAddress, host: string, message: string): Promise<Observation> {
  const client = createEchoClient({ address: `${gateway.address}:${gateway.httpsPort}`, tls: { ca: gateway.ca ?? '', servername: host } });
  try {
    const result = await unary(client, { message }, { metadata: { 'x-meshgate-probe': message }, deadlineMs: gateway.requestMs });
    const { backend } = result.reply;
    return {
      status: result.status.code,
      backend: `${backend.namespace}/${backend.app}`,
      error: null,
      details: { messageEcho: result.reply.message === message, metadataEcho: result.reply.metadata['x-meshgate-probe'] === message, authority: result.reply.authority },
    };
  } catch (error) {
    const code = (error as { code?: number }).code;
    // grpc-js puts the status in `code` and "14 UNAVAILABLE: ..." in the message: keep the text for whoever names the failure.
    return { status: typeof code === 'number' ? code : undefined, backend: null, error: errorCode(error), details: { message: errorMessage(error) } };
  } finally {
    client.close();
  }
}

/**
 * Sends bytes exactly as given (a request no well-behaved client sends: no Host
 * header, a declared body larger than the limit) and reads the status line and
 * headers of the answer. `servername` is the SNI on the TLS port.
 */
export function probeRawHttp(gateway: GatewayAddress, spec: { scheme: 'http' | 'https'; servername?: string; request: string }): Promise<Observation> {
  const socket =
    spec.scheme === 'https'
      ? tlsConnect({ host: gateway.address, port: gateway.httpsPort, servername: spec.servername, ca: gateway.ca, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host: gateway.address, port: gateway.httpPort });
  return new Promise((resolve) => {
    let received = '';
    const done = (observation: Observation) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(observation);
    };
    const timer = setTimeout(() => done({ error: 'ETIMEDOUT', backend: null }), gateway.requestMs);
    socket.once(spec.scheme === 'https' ? 'secureConnect' : 'connect', () => socket.write(spec.request));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = received.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      done({ status: Number(statusLine.split(' ')[1]), headers, backend: backendOf(headers['x-echo-backend']), error: null });
    });
    socket.once('error', (error) => done({ error: errorCode(error), backend: null }));
    socket.once('end', () => done({ error: received ? 'EINCOMPLETE' : 'ECONNRESET', backend: null }));
  });
}

/** One GET over cleartext HTTP/2 with prior knowledge (h2c) to `port`, `host` as :authority, within `timeoutMs`. */
export function probeH2c(address: string, port: number, host: string, timeoutMs: number): Promise<Observation> {
  return new Promise((resolve) => {
    const session = connectHttp2(`http://${address}:${port}`);
    const done = (observation: Observation) => {
      clearTimeout(timer);
      session.destroy();
      resolve(observation);
    };
    const timer = setTimeout(() => done({ error: 'ETIMEDOUT', backend: null }), timeoutMs);
    session.once('error', (error) => done({ error: errorCode(error), backend: null }));
    const stream = session.request({ ':path': '/', ':authority': host });
    stream.once('response', (headers) => {
      done({ status: Number(headers[':status']), backend: backendOf(headers['x-echo-backend'] as string | undefined), error: null });
    });
    stream.once('error', (error) => done({ error: errorCode(error), backend: null }));
  });
}
