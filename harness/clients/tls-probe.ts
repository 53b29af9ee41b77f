/**
 * One TLS handshake against a gateway, reporting what it negotiated and which
 * certificate it presented. The probe never refuses a certificate: trust is
 * reported (`authorized`), so a suite can assert on a bad certificate too.
 */
import { connect, checkServerIdentity, DEFAULT_MIN_VERSION } from 'node:tls';
import type { DetailedPeerCertificate, PeerCertificate, SecureVersion, TLSSocket } from 'node:tls';

/** What to connect to and what the client offers. */
export interface TlsProbeOptions {
  /** Address to connect to, e.g. '127.0.0.1'. Never sent as SNI. */
  host: string;
  port: number;
  /** SNI server name, also the name the certificate must cover; omit to send no SNI. */
  servername?: string;
  /** CA certificate(s) that `authorized` is computed against; default Node's root store. */
  ca?: string | Buffer;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** OpenSSL cipher list; see {@link probeTls} for the default below TLS 1.2. */
  ciphers?: string;
  /** ALPN protocols offered, most preferred first, e.g. ['h2', 'http/1.1']. */
  alpn?: string[];
  /** Bound on connect plus handshake, in milliseconds. */
  timeoutMs: number;
}

/** The certificate the server presented. */
export interface TlsProbeCertificate {
  /** Subject common name, '' when absent. */
  subjectCommonName: string;
  /** DNS subjectAltNames without the 'DNS:' prefix. */
  subjectAltNames: string[];
  /** Issuer common name, '' when absent. */
  issuerCommonName: string;
  validFrom: Date;
  validTo: Date;
  /** Days until `validTo` from the end of the handshake, fractional; negative once expired. */
  daysLeft: number;
  /** SHA-256 fingerprint, colon-separated hex as Node formats it. */
  fingerprint256: string;
  /**
   * Certificates in the chain as Node's client built it: those the server sent,
   * completed with issuers found in `ca`, up to a self-signed root.
   */
  chainLength: number;
}

/** A completed handshake. */
export interface TlsProbeSuccess {
  ok: true;
  /** Negotiated protocol, e.g. 'TLSv1.3'. */
  protocol: string;
  /** Negotiated ALPN protocol, or false when none was. */
  alpn: string | false;
  cipher: { name: string; standardName: string; version: string };
  /** True when the chain verifies against `ca` and, if `servername` was given, covers it. */
  authorized: boolean;
  /** Why `authorized` is false: an OpenSSL verify code, or 'ERR_TLS_CERT_ALTNAME_INVALID: <reason>'. */
  authorizationError?: string;
  certificate: TlsProbeCertificate;
}

/** A handshake that did not complete. */
export interface TlsProbeFailure {
  ok: false;
  /** Node/OpenSSL error code, e.g. 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ECONNRESET', 'ETIMEDOUT'. */
  error: string;
  message: string;
}

export type TlsProbeResult = TlsProbeSuccess | TlsProbeFailure;

const legacyVersions: ReadonlySet<SecureVersion> = new Set(['TLSv1', 'TLSv1.1']);
const dayMs = 86_400_000;
/** Bound on walking a presented chain; real chains are 2 to 4 long. */
const maxChainLength = 16;

/**
 * Performs one TLS handshake and reports the outcome. Never rejects: connection
 * and handshake failures are `{ ok: false }` results. The socket is always destroyed.
 *
 * To offer TLS 1.0/1.1 the client must also lower OpenSSL's security level: at
 * the default level OpenSSL 3 refuses those versions (and SHA-1 handshake
 * signatures) on the client's own side, so the probe would fail without ever
 * testing the gateway. Hence, when `minVersion` or `maxVersion` is below TLS 1.2
 * and no `ciphers` were given, the probe uses 'DEFAULT@SECLEVEL=0'. When only
 * `maxVersion` is below Node's default minimum, `minVersion` becomes 'TLSv1'.
 */
export function probeTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const { timeoutMs } = options;
  const minVersion = options.minVersion ?? (isBelowDefaultMin(options.maxVersion) ? 'TLSv1' : undefined);
  const legacy = [minVersion, options.maxVersion].some((v) => v !== undefined && legacyVersions.has(v));
  let hostError: Error | undefined;
  return new Promise((resolve) => {
    const socket = connect({
      host: options.host,
      port: options.port,
      servername: options.servername,
      ca: options.ca,
      minVersion,
      maxVersion: options.maxVersion,
      ciphers: options.ciphers ?? (legacy ? 'DEFAULT@SECLEVEL=0' : undefined),
      ALPNProtocols: options.alpn,
      rejectUnauthorized: false,
      // Node checks the name against `host` (an IP here) by default; only a given SNI name counts.
      checkServerIdentity: (_host, cert) => {
        hostError = options.servername === undefined ? undefined : checkServerIdentity(options.servername, cert);
        return hostError;
      },
    });
    let settled = false;
    const finish = (result: TlsProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, error: 'ETIMEDOUT', message: `TLS handshake not done after ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('secureConnect', () => finish(describeSession(socket, hostError)));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, error: error.code ?? error.name, message: error.message });
    });
    socket.once('close', () => {
      finish({ ok: false, error: 'ECONNRESET', message: 'connection closed before the TLS handshake completed' });
    });
  });
}

function isBelowDefaultMin(version: SecureVersion | undefined): boolean {
  const order: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  return version !== undefined && order.indexOf(version) < order.indexOf(DEFAULT_MIN_VERSION as SecureVersion);
}

function describeSession(socket: TLSSocket, hostError: Error | undefined): TlsProbeResult {
  const peer = socket.getPeerCertificate(true);
  if (Object.keys(peer).length === 0) {
    return { ok: false, error: 'ENOPEERCERT', message: 'handshake completed without a server certificate' };
  }
  const cipher = socket.getCipher();
  const result: TlsProbeSuccess = {
    ok: true,
    protocol: socket.getProtocol() ?? 'unknown',
    alpn: socket.alpnProtocol ?? false,
    cipher: { name: cipher.name, standardName: cipher.standardName, version: cipher.version },
    authorized: socket.authorized,
    certificate: describeCertificate(peer),
  };
  if (!socket.authorized) {
    result.authorizationError = hostError
      ? `${(hostError as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID'}: ${hostError.message}`
      : String(socket.authorizationError);
  }
  return result;
}

function describeCertificate(peer: DetailedPeerCertificate): TlsProbeCertificate {
  const validTo = new Date(peer.valid_to);
  return {
    subjectCommonName: commonName(peer.subject),
    subjectAltNames: dnsNames(peer.subjectaltname),
    issuerCommonName: commonName(peer.issuer),
    validFrom: new Date(peer.valid_from),
    validTo,
    daysLeft: (validTo.getTime() - Date.now()) / dayMs,
    fingerprint256: peer.fingerprint256,
    chainLength: chainLength(peer),
  };
}

function commonName(name: PeerCertificate['subject'] | undefined): string {
  const cn = name?.CN;
  return Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? '');
}

/** Node formats SANs as 'DNS:a, DNS:b, IP Address:1.2.3.4'. */
function dnsNames(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice('DNS:'.length));
}

/** The root's issuerCertificate is itself, which ends the walk. */
function chainLength(leaf: DetailedPeerCertificate): number {
  let length = 1;
  let current = leaf;
  while (length < maxChainLength && current.issuerCertificate && current.issuerCertificate !== current) {
    current = current.issuerCertificate;
    length += 1;
  }
  return length;
}
