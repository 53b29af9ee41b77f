import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerCipherSuites, strongCipherSuites, weakCipherSuites } from '../../harness/clients/client-hello.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../harness/environments/local/certificates.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  const ca = await createCertificateAuthority({ commonName: 'hello CA', validityDays: 1 });
  const cert = await issueServerCertificate(ca, { hosts: ['a.cloud.example.test'], validityDays: 1 });
  server = createServer({ cert: cert.chainPem, key: cert.keyPem, maxVersion: 'TLSv1.2' }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('offerCipherSuites (hand-built TLS 1.2 ClientHello)', () => {
  it('detects acceptance: a strong ECDSA suite gets a ServerHello naming it', async () => {
    expect(await offerCipherSuites('127.0.0.1', port, 'a.cloud.example.test', strongCipherSuites, 5_000)).toEqual({ accepted: true, cipherSuite: 0xc02b });
  });

  it.each(Object.entries(weakCipherSuites))('detects refusal: %s suites get a handshake_failure alert', async (_family, suites) => {
    expect(await offerCipherSuites('127.0.0.1', port, 'a.cloud.example.test', suites, 5_000)).toEqual({ accepted: false, alert: 40, error: null });
  });

  it('reports a closed port as an error, not as a refusal by a server', async () => {
    const answer = await offerCipherSuites('127.0.0.1', 1, 'a.cloud.example.test', strongCipherSuites, 5_000);
    expect(answer).toMatchObject({ accepted: false, error: 'ECONNREFUSED' });
  });
});
