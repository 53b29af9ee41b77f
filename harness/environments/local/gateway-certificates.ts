import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ResolvedScenario, tlsSecretKey } from '../../scenario/resolve.ts';
import { type CertificateAuthority, type IssuedCertificate, createCertificateAuthority, issueServerCertificate, writeCaFile, writeTlsFiles } from './certificates.ts';

/** Validity of the generated certificates, in days: like a cert-manager certificate mid-life. */
const validityDays = 90;

/** The certificates of a run: the CA that signed them, and each TLS secret the scenario names. */
export interface GatewayCertificates {
  ca: CertificateAuthority;
  /** By secret key (`tlsSecretKey`): the wildcard secret, and `<namespace>/<secret>` for custom domains. */
  secrets: Map<string, IssuedCertificate>;
}

/**
 * Issues the TLS secrets a scenario names: the wildcard secret covers
 * `*.<domain>` and `<domain>`; each custom domain gets its own certificate, as a
 * cert-manager Certificate would issue. Null when the scenario disables TLS.
 */
export async function issueGatewayCertificates(scenario: ResolvedScenario): Promise<GatewayCertificates | null> {
  if (!scenario.tls.enabled) return null;
  const ca = await createCertificateAuthority({ commonName: `meshgate test CA (${scenario.name})`, validityDays: 365 });
  const hostsBySecret = new Map<string, string[]>([[scenario.tls.wildcardSecret, [`*.${scenario.domain}`, scenario.domain]]]);
  for (const app of scenario.apps) if (app.tls?.custom) hostsBySecret.set(tlsSecretKey(app), [app.host]);
  const secrets = new Map<string, IssuedCertificate>();
  for (const [secret, hosts] of hostsBySecret) secrets.set(secret, await issueServerCertificate(ca, { hosts, validityDays }));
  return { ca, secrets };
}

/** The `tlsFiles` key of the certificate the default server presents for hosts no tenant serves. */
export const defaultCertificateKey = '_default';

/**
 * ingress-nginx's default certificate (internal/net/ssl/ssl.go, GetFakeSSLCert): CN "Kubernetes Ingress
 * Controller Fake Certificate", SAN ingress.local, signed by nobody a client trusts. Here a throwaway CA
 * of its own signs it, so it verifies for no tenant host against the run's CA.
 */
async function issueDefaultCertificate(): Promise<IssuedCertificate> {
  const untrusted = await createCertificateAuthority({ commonName: 'meshgate untrusted default CA', validityDays: 365 });
  return issueServerCertificate(untrusted, { hosts: ['ingress.local'], validityDays, commonName: 'Kubernetes Ingress Controller Fake Certificate' });
}

/** The run's certificates as files for nginx (the default certificate always); the CA's key never touches the disk. */
export async function writeGatewayCertificates(
  prefix: string,
  scenario: ResolvedScenario,
): Promise<{ caFile: string | null; tlsFiles: Map<string, { certFile: string; keyFile: string }> }> {
  const tlsFiles = new Map<string, { certFile: string; keyFile: string }>();
  const dir = join(prefix, 'tls');
  await mkdir(dir, { mode: 0o700 });
  tlsFiles.set(defaultCertificateKey, await writeTlsFiles(dir, 'default-fake-certificate', await issueDefaultCertificate()));
  const certificates = await issueGatewayCertificates(scenario);
  if (!certificates) return { caFile: null, tlsFiles };
  for (const [secret, certificate] of certificates.secrets) tlsFiles.set(secret, await writeTlsFiles(dir, secret.replace('/', '_'), certificate));
  return { caFile: await writeCaFile(prefix, certificates.ca), tlsFiles };
}
