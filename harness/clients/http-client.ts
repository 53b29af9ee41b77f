import type { Readable } from 'node:stream';
import { Client } from 'undici';

/** Where a gateway listens, what verifies its certificates, and how long one request to it may take. */
export interface GatewayAddress {
  address: string;
  httpPort: number;
  httpsPort: number;
  /** PEM CA bundle; undefined trusts the system roots. */
  ca?: string;
  /** Bound on one request or connection attempt, ms, unless a probe sets its own: the run's requestMs. */
  requestMs: number;
}

export interface HttpRequestSpec {
  scheme: 'http' | 'https';
  /** Tenant host: sent as Host (HTTP/1.1) or :authority (HTTP/2), and as SNI. */
  host: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent with Content-Length; a stream is sent chunked. */
  body?: string | Buffer | Readable;
  /** Offer h2 by ALPN (HTTPS only). */
  http2?: boolean;
  /** Bytes of the response body kept; the rest is read and dropped. */
  maxBodyBytes?: number;
  timeoutMs?: number;
  /**
   * Complete the handshake whatever certificate the gateway presents: for hosts no tenant
   * serves, where ingress-nginx answers with its default certificate and then 404.
   */
  anyCertificate?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Bytes of the body received, including dropped ones. */
  bodyBytes: number;
  /** `<namespace>/<app>` from the echo fixture's x-echo-backend header, or null. */
  backend: string | null;
}

/**
 * One request through the gateway on a fresh connection (no pooled state leaks
 * between cases). Connection and TLS errors reject with their Node/OpenSSL code.
 */
export async function sendHttpRequest(gateway: GatewayAddress, spec: HttpRequestSpec): Promise<HttpResponse> {
  const port = spec.scheme === 'https' ? gateway.httpsPort : gateway.httpPort;
  const timeoutMs = spec.timeoutMs ?? gateway.requestMs;
  const client = new Client(`${spec.scheme}://${gateway.address}:${port}`, {
    allowH2: spec.http2 ?? false,
    connect: { servername: spec.host, ca: gateway.ca, timeout: timeoutMs, ...(spec.anyCertificate ? { rejectUnauthorized: false } : {}) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    const response = await client.request({
      path: spec.path ?? '/',
      method: (spec.method ?? 'GET') as 'GET',
      headers: { host: spec.host, ...spec.headers },
      body: spec.body,
    });
    const { body, bodyBytes } = await readBounded(response.body, spec.maxBodyBytes ?? 1024 * 1024);
    const headers = flattenHeaders(response.headers);
    return { status: response.statusCode, headers, body, bodyBytes, backend: backendOf(headers['x-echo-backend']) };
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

async function readBounded(stream: AsyncIterable<Buffer>, limit: number): Promise<{ body: Buffer; bodyBytes: number }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let bodyBytes = 0;
  for await (const chunk of stream) {
    bodyBytes += chunk.length;
    if (kept < limit) {
      chunks.push(chunk.subarray(0, limit - kept));
      kept += Math.min(chunk.length, limit - kept);
    }
  }
  return { body: Buffer.concat(chunks), bodyBytes };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/** `ns-a/web/3f9k` -> `ns-a/web`: the instance differs per process, the app identity does not. */
export function backendOf(header: string | undefined): string | null {
  if (!header) return null;
  const [namespace, app] = header.split('/');
  return namespace && app ? `${namespace}/${app}` : null;
}

/** The error code of a failed exchange (ECONNRESET, ERR_SSL_..., UND_ERR_...), for observations. */
export function errorCode(error: unknown): string {
  const withCode = error as { code?: unknown; cause?: { code?: unknown } };
  const code = withCode.cause?.code ?? withCode.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'ERROR';
}
