import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../harness/errors.ts';
import {
  createCertificateAuthority,
  issueServerCertificate,
  writeCaFile,
  writeTlsFiles,
} from '../../harness/environments/local/certificates.ts';
import type { CertificateAuthority, IssuedCertificate } from '../../harness/environments/local/certificates.ts';

const dayMs = 86_400_000;
/** X.509 times have one-second precision. */
const toSecond = (date: Date): number => Math.floor(date.getTime() / 1000) * 1000;

let ca: CertificateAuthority;
let leaf: IssuedCertificate;
let caCert: X509Certificate;
let leafCert: X509Certificate;

beforeAll(async () => {
  ca = await createCertificateAuthority({ commonName: 'meshgate test CA', validityDays: 30 });
  leaf = await issueServerCertificate(ca, { hosts: ['*.cloud.example.test', 'custom.example.org'], validityDays: 10 });
  caCert = new X509Certificate(ca.certPem);
  leafCert = new X509Certificate(leaf.certPem);
});

describe('createCertificateAuthority', () => {
  it('creates a self-signed CA with critical CA constraints and key usage', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=meshgate test CA');
    expect(caCert.checkIssued(caCert)).toBe(true);
    const parsed = new x509.X509Certificate(ca.certPem);
    const basic = parsed.getExtension(x509.BasicConstraintsExtension);
    expect(basic?.critical).toBe(true);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    expect(usage?.critical).toBe(true);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
  });

  it('honours now and validityDays, backdated one hour', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const other = await createCertificateAuthority({ commonName: 'dated', validityDays: 2, now });
    const cert = new X509Certificate(other.certPem);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - 3_600_000);
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() - 3_600_000 + 2 * dayMs);
  });

  it('returns a PKCS#8 P-256 key matching the certificate', () => {
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(ca.keyPem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(caCert.checkPrivateKey(key)).toBe(true);
  });
});

describe('issueServerCertificate', () => {
  it('issues a leaf that verifies against the CA and is not a CA', () => {
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.checkIssued(caCert)).toBe(true);
    expect(leafCert.ca).toBe(false);
    expect(leafCert.issuer).toBe('CN=meshgate test CA');
    expect(leafCert.subject).toBe('CN=*.cloud.example.test');
    expect(leafCert.serialNumber).toMatch(/^[0-7]/);
  });

  it('covers exactly one label under a wildcard, and custom names', () => {
    // checkHost returns the certificate name that matched, here the wildcard.
    expect(leafCert.checkHost('abc.cloud.example.test')).toBe('*.cloud.example.test');
    expect(leafCert.checkHost('custom.example.org')).toBe('custom.example.org');
    expect(leafCert.checkHost('cloud.example.test')).toBeUndefined();
    expect(leafCert.checkHost('a.b.cloud.example.test')).toBeUndefined();
    expect(leaf.hosts).toEqual(['*.cloud.example.test', 'custom.example.org']);
  });

  it('carries the server extensions', () => {
    const parsed = new x509.X509Certificate(leaf.certPem);
    expect(parsed.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    expect(usage?.critical).toBe(true);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.serverAuth]);
    const caKeyId = new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
  });

  it('defaults notBefore to one hour ago and counts validity from it', () => {
    const from = new Date(leafCert.validFrom).getTime();
    expect(Math.abs(from - (Date.now() - 3_600_000))).toBeLessThan(60_000);
    expect(from).toBe(toSecond(leaf.notBefore));
    expect(new Date(leafCert.validTo).getTime()).toBe(toSecond(leaf.notAfter));
    expect(leaf.notAfter.getTime() - leaf.notBefore.getTime()).toBe(10 * dayMs);
  });

  it('allows a past notBefore, yielding an expired certificate', async () => {
    const notBefore = new Date(Date.now() - 10 * dayMs);
    const expired = await issueServerCertificate(ca, { hosts: ['old.example.test'], validityDays: 1, notBefore });
    expect(new Date(new X509Certificate(expired.certPem).validTo).getTime()).toBeLessThan(Date.now());
  });

  it('returns a matching PKCS#8 key and a leaf-then-CA chain', () => {
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(leafCert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(leafCert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(false);
    expect(leaf.chainPem).toBe(`${leaf.certPem.trimEnd()}\n${ca.certPem.trimEnd()}\n`);
  });

  it('rejects bad input with an EnvironmentError', async () => {
    const bad = [
      { hosts: [], validityDays: 1 },
      { hosts: ['a.example.test'], validityDays: 0 },
      { hosts: ['a.example.test'], validityDays: -1 },
      { hosts: ['a.example.test'], validityDays: Number.NaN },
      { hosts: ['bad host.example.test'], validityDays: 1 },
      { hosts: ['a.*.example.test'], validityDays: 1 },
      { hosts: ['*.'], validityDays: 1 },
      { hosts: ['127.0.0.1'], validityDays: 1 },
    ];
    for (const options of bad) {
      await expect(issueServerCertificate(ca, options), JSON.stringify(options)).rejects.toBeInstanceOf(EnvironmentError);
    }
    await expect(createCertificateAuthority({ commonName: 'x', validityDays: 0 })).rejects.toThrow(/validityDays/);
    await expect(createCertificateAuthority({ commonName: ' ', validityDays: 1 })).rejects.toThrow(/commonName/);
  });
});

describe('writeTlsFiles and writeCaFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-certs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the chain and a 0600 key, even over an existing key file', async () => {
    await writeFile(join(dir, 'wild.key'), 'old', { mode: 0o644 });
    await chmod(join(dir, 'wild.key'), 0o644);
    const files = await writeTlsFiles(dir, 'wild', leaf);
    expect(files).toEqual({ certFile: join(dir, 'wild.crt'), keyFile: join(dir, 'wild.key') });
    expect(await readFile(files.certFile, 'utf8')).toBe(leaf.chainPem);
    expect(await readFile(files.keyFile, 'utf8')).toBe(leaf.keyPem);
    expect((await stat(files.keyFile)).mode & 0o777).toBe(0o600);
  });

  it('writes only the public CA certificate', async () => {
    const file = await writeCaFile(dir, ca);
    const text = await readFile(file, 'utf8');
    expect(file).toBe(join(dir, 'ca.crt'));
    expect(text).toBe(ca.certPem);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('refuses a name that is a path', async () => {
    await expect(writeTlsFiles(dir, '../escape', leaf)).rejects.toBeInstanceOf(EnvironmentError);
  });
});

describe('a real TLS handshake', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer({ cert: leaf.chainPem, key: leaf.keyPem }, (_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** One GET to the server by IP, with `servername` as SNI and Host, trusting only `caPem`. */
  function get(servername: string, caPem: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const options = { host: '127.0.0.1', port, servername, ca: caPem, agent: false, timeout: 5_000 };
      const req = request({ ...options, headers: { host: servername } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject).end();
    });
  }

  it('succeeds via SNI for a name under the wildcard when trusting the CA', async () => {
    expect(await get('x.cloud.example.test', ca.certPem)).toBe('hello');
  });

  it('fails when the client trusts another CA', async () => {
    const other = await createCertificateAuthority({ commonName: 'other CA', validityDays: 1 });
    await expect(get('x.cloud.example.test', other.certPem)).rejects.toMatchObject({
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
  });

  it('fails for a name the wildcard does not cover', async () => {
    await expect(get('a.b.cloud.example.test', ca.certPem)).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});
