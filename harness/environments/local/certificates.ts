/**
 * TLS material for the local environment: a private CA and the server
 * certificates it signs (wildcard and custom domains), generated in memory.
 * Every key is EC P-256 and every signature ECDSA with SHA-256.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.ts';

// x509 is typed against the DOM's Crypto, which this Node-only project does not declare.
x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const dayMs = 86_400_000;
/** Backdating of notBefore so a peer whose clock is a little behind still accepts the certificate. */
const clockSkewMs = 3_600_000;
/** One DNS label; a wildcard is only allowed as the whole leftmost label. */
const dnsLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/**
 * A certificate authority. Plain PEM data, so a CA written to disk and read
 * back can sign again: the signing key is re-imported from `keyPem` on use.
 */
export interface CertificateAuthority {
  /** Self-signed CA certificate, PEM. Safe to distribute. */
  readonly certPem: string;
  /** CA private key, PKCS#8 PEM. Never write it next to the certificates it signs. */
  readonly keyPem: string;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A server certificate with its key and the chain a server should present. */
export interface IssuedCertificate {
  /** Leaf certificate only, PEM. */
  readonly certPem: string;
  /** Leaf private key, PKCS#8 PEM. */
  readonly keyPem: string;
  /** Leaf followed by the CA certificate, PEM: what nginx's `ssl_certificate` wants. */
  readonly chainPem: string;
  /** DNS names in the subjectAltName extension, as given. */
  readonly hosts: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Creates a self-signed CA (BasicConstraints CA with pathLen 0, keyCertSign and cRLSign).
 * @param options.validityDays lifetime in days, counted from `now` minus one hour; must be > 0
 * @param options.now reference time; defaults to the current time
 */
export async function createCertificateAuthority(options: {
  commonName: string;
  validityDays: number;
  now?: Date;
}): Promise<CertificateAuthority> {
  const commonName = requireCommonName(options.commonName);
  const notBefore = new Date((options.now ?? new Date()).getTime() - clockSkewMs);
  const notAfter = validityEnd(notBefore, options.validityDays);
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [commonName] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: toPkcs8Pem(keys.privateKey), commonName, notBefore, notAfter };
}

/**
 * Issues a TLS server certificate signed by `ca`.
 * @param options.hosts DNS names for subjectAltName; a leading `*.` label makes a wildcard
 * @param options.validityDays lifetime in days counted from `notBefore`; must be > 0. A past
 *   `notBefore` with a short validity yields an expired or nearly expired certificate on purpose.
 * @param options.notBefore start of validity; defaults to now minus one hour (clock skew)
 * @param options.commonName subject CN; defaults to the first host
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  options: { hosts: string[]; validityDays: number; notBefore?: Date; commonName?: string },
): Promise<IssuedCertificate> {
  const hosts = requireHosts(options.hosts);
  const commonName = requireCommonName(options.commonName ?? hosts[0]!);
  const notBefore = options.notBefore ?? new Date(Date.now() - clockSkewMs);
  const notAfter = validityEnd(notBefore, options.validityDays);
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [commonName] }],
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: await importSigningKey(ca.keyPem),
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((value) => ({ type: 'dns' as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  const certPem = cert.toString('pem');
  return {
    certPem,
    keyPem: toPkcs8Pem(keys.privateKey),
    chainPem: `${certPem.trimEnd()}\n${ca.certPem.trimEnd()}\n`,
    hosts,
    notBefore,
    notAfter,
  };
}

/**
 * Writes `<name>.crt` (the chain) and `<name>.key` (mode 0600) into `dir`, creating it if needed.
 * @returns absolute or relative paths, as `dir` was given
 */
export async function writeTlsFiles(
  dir: string,
  name: string,
  cert: IssuedCertificate,
): Promise<{ certFile: string; keyFile: string }> {
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) {
    throw new EnvironmentError(`TLS file name must be a plain file name, got '${name}'`);
  }
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await writeFile(certFile, cert.chainPem);
  await writeFile(keyFile, cert.keyPem, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file; an older key file keeps its mode.
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}

/**
 * Writes the CA certificate (never its key) to `<dir>/ca.crt`, creating `dir` if needed.
 * @returns the path of the written file
 */
export async function writeCaFile(dir: string, ca: CertificateAuthority): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'ca.crt');
  await writeFile(file, ca.certPem);
  return file;
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
}

function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, keyAlgorithm, false, ['sign']);
}

function toPkcs8Pem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** 16 random bytes, top bit cleared so the DER integer is positive, next bit set so it is minimal. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function validityEnd(notBefore: Date, validityDays: number): Date {
  if (!Number.isFinite(validityDays) || validityDays <= 0) {
    throw new EnvironmentError(`certificate validityDays must be a positive number, got ${validityDays}`);
  }
  if (Number.isNaN(notBefore.getTime())) {
    throw new EnvironmentError('certificate notBefore is not a valid date');
  }
  return new Date(notBefore.getTime() + validityDays * dayMs);
}

function requireCommonName(commonName: string): string {
  if (commonName.trim() === '') throw new EnvironmentError('certificate commonName must not be empty');
  return commonName;
}

function requireHosts(hosts: string[]): string[] {
  if (hosts.length === 0) throw new EnvironmentError('server certificate needs at least one host');
  for (const host of hosts) {
    if (isIP(host) !== 0) {
      throw new EnvironmentError(`server certificate hosts are DNS names; IP '${host}' is not supported`);
    }
    const labels = host.split('.');
    const rest = labels[0] === '*' ? labels.slice(1) : labels;
    if (host.length > 253 || rest.length === 0 || !rest.every((label) => dnsLabel.test(label))) {
      throw new EnvironmentError(`server certificate host '${host}' is not a valid DNS name or wildcard`);
    }
  }
  return [...hosts];
}
