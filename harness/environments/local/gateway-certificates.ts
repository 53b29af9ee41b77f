import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ResolvedScenario, tlsSecretKey } from '../../scenario/resolve.ts';
import { createCertificateAuthority, issueServerCertificate, writeCaFile, writeTlsFiles } from './certificates.ts';

/** Validity of the generated certificates, in days: like a cert-manager certificate mid-life. */
const validityDays = 90;

/**
 * The TLS secrets a scenario names, as files for nginx: the wildcard secret covers
 * `*.<domain>` and `<domain>`; each custom domain gets its own certificate, as a
 * cert-manager Certificate would issue. The CA's key never touches the disk.
 */
export async function writeGatewayCertificates(
  prefix: string,
  scenario: ResolvedScenario,
): Promise<{ caFile: string | null; tlsFiles: Map<string, { certFile: string; keyFile: string }> }> {
  const tlsFiles = new Map<string, { certFile: string; keyFile: string }>();
  if (!scenario.tls.enabled) return { caFile: null, tlsFiles };
  const dir = join(prefix, 'tls');
  await mkdir(dir, { mode: 0o700 });
  const ca = await createCertificateAuthority({ commonName: `meshgate test CA (${scenario.name})`, validityDays: 365 });
  const secrets = new Map<string, string[]>([[scenario.tls.wildcardSecret, [`*.${scenario.domain}`, scenario.domain]]]);
  for (const app of scenario.apps) if (app.tls?.custom) secrets.set(tlsSecretKey(app), [app.host]);
  for (const [secret, hosts] of secrets) {
    const certificate = await issueServerCertificate(ca, { hosts, validityDays });
    tlsFiles.set(secret, await writeTlsFiles(dir, secret.replace('/', '_'), certificate));
  }
  return { caFile: await writeCaFile(prefix, ca), tlsFiles };
}
