import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { createServer } from 'node:tls';
import type { TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls } from '../../harness/clients/tls-probe.ts';
import type { TlsProbeResult, TlsProbeSuccess } from '../../harness/clients/tls-probe.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../harness/environments/local/certificates.ts';
import type { CertificateAuthority, IssuedCertificate } from '../../harness/environments/local/certificates.ts';

const dayMs = 86_400_000;
const host = '127.0.0.1';
const servers: TcpServer[] = [];
const heldSockets: Socket[] = [];

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let wildcard: IssuedCertificate;

beforeAll(async () => {
  ca = await createCertificateAuthority({ commonName: 'probe CA', validityDays: 30 });
  otherCa = await createCertificateAuthority({ commonName: 'other CA', validityDays: 30 });
  wildcard = await issueServerCertificate(ca, { hosts: ['*.cloud.example.test'], validityDays: 10 });
});

afterAll(async () => {
  for (const socket of heldSockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Starts a TLS server on a free loopback port that closes each connection once secure. */
async function tlsServer(cert: IssuedCertificate, options: TlsOptions = {}): Promise<number> {
  const server = createServer({ cert: cert.chainPem, key: cert.keyPem, ...options }, (socket) => socket.end());
  // The probe hangs up right after its handshake; the server may see that as a reset.
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

async function listen(server: TcpServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function expectSuccess(result: TlsProbeResult): TlsProbeSuccess {
  if (!result.ok) expect.fail(`probe failed: ${result.error} ${result.message}`);
  return result;
}

describe('probeTls against a modern server', () => {
  let port: number;
  beforeAll(async () => {
    port = await tlsServer(wildcard, { ALPNProtocols: ['h2', 'http/1.1'] });
  });

  it('reports TLS 1.3, the certificate, and trust with the right CA and SNI', async () => {
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, servername: 'x.cloud.example.test', ca: ca.certPem }));
    expect(result.protocol).toBe('TLSv1.3');
    expect(result.cipher.version).toBe('TLSv1.3');
    expect(result.authorized).toBe(true);
    expect(result.authorizationError).toBeUndefined();
    expect(result.alpn).toBe(false);
    expect(result.certificate).toMatchObject({
      subjectCommonName: '*.cloud.example.test',
      subjectAltNames: ['*.cloud.example.test'],
      issuerCommonName: 'probe CA',
      chainLength: 2,
    });
    expect(result.certificate.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(result.certificate.validTo.getTime()).toBe(Math.floor(wildcard.notAfter.getTime() / 1000) * 1000);
    expect(result.certificate.daysLeft).toBeCloseTo(10 - 1 / 24, 2);
  });

  it('reports the negotiated ALPN protocol', async () => {
    const h2 = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, alpn: ['h2', 'http/1.1'] }));
    expect(h2.alpn).toBe('h2');
    const http11 = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, alpn: ['http/1.1'] }));
    expect(http11.alpn).toBe('http/1.1');
  });

  it('reports not authorized, with the reason, for another CA', async () => {
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, servername: 'x.cloud.example.test', ca: otherCa.certPem }));
    expect(result.authorized).toBe(false);
    expect(result.authorizationError).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('reports not authorized for a servername the SANs do not cover', async () => {
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, servername: 'a.b.cloud.example.test', ca: ca.certPem }));
    expect(result.authorized).toBe(false);
    expect(result.authorizationError).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: .*a\.b\.cloud\.example\.test/);
  });

  it('does not hold the connect IP against the certificate when no SNI is sent', async () => {
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, ca: ca.certPem }));
    expect(result.authorized).toBe(true);
  });

  it('is refused when offering at most TLS 1.1 to a TLS 1.2+ server', async () => {
    const result = await probeTls({ host, port, timeoutMs: 5_000, maxVersion: 'TLSv1.1' });
    expect(result).toMatchObject({ ok: false, error: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it('can be limited to TLS 1.2', async () => {
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, maxVersion: 'TLSv1.2' }));
    expect(result.protocol).toBe('TLSv1.2');
  });
});

describe('probeTls against special servers', () => {
  it('detects a server that still accepts TLS 1.0', async () => {
    const port = await tlsServer(wildcard, { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, maxVersion: 'TLSv1' }));
    expect(result.protocol).toBe('TLSv1');
  });

  it('reports about one day left on a nearly expired certificate', async () => {
    const notBefore = new Date(Date.now() - 30 * dayMs);
    const expiring = await issueServerCertificate(ca, { hosts: ['old.example.test'], validityDays: 31, notBefore });
    const port = await tlsServer(expiring);
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, servername: 'old.example.test', ca: ca.certPem }));
    expect(result.authorized).toBe(true);
    expect(result.certificate.daysLeft).toBeCloseTo(1, 2);
  });

  it('reports an expired certificate as not authorized', async () => {
    const notBefore = new Date(Date.now() - 30 * dayMs);
    const expired = await issueServerCertificate(ca, { hosts: ['old.example.test'], validityDays: 29, notBefore });
    const port = await tlsServer(expired);
    const result = expectSuccess(await probeTls({ host, port, timeoutMs: 5_000, servername: 'old.example.test', ca: ca.certPem }));
    expect(result).toMatchObject({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED' });
    expect(result.certificate.daysLeft).toBeCloseTo(-1, 2);
  });

  it('times out against a server that never answers the handshake', async () => {
    const silent = createTcpServer((socket) => heldSockets.push(socket));
    const port = await listen(silent);
    const started = Date.now();
    const result = await probeTls({ host, port, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, error: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    servers.splice(servers.indexOf(closed), 1);
    const result = await probeTls({ host, port, timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });
});
