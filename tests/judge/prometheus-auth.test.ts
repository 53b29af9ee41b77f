import { createServer } from 'node:https';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusAccess } from '../../harness/judge/prometheus-access.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../harness/environments/local/certificates.ts';
import { instantQuery } from '../../harness/judge/prometheus-client.ts';
import { freePort } from '../../harness/net/ports.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';

/** Bound on one query, ms. */
const queryMs = 30_000;

/** An HTTPS Prometheus API stand-in on localhost with a certificate from a private CA, recording Authorization. */
describe('Prometheus behind a private CA and credentials', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let caFile: string;
  let url: URL;
  const authorizations: string[] = [];
  let close: () => Promise<void>;
  beforeAll(async () => {
    scratch = await scratchDir();
    const ca = await createCertificateAuthority({ commonName: 'meshgate test prometheus CA', validityDays: 1 });
    const leaf = await issueServerCertificate(ca, { hosts: ['localhost'], validityDays: 1 });
    caFile = join(scratch.dir, 'ca.pem');
    await writeFile(caFile, ca.certPem);
    const server = createServer({ cert: leaf.chainPem, key: leaf.keyPem }, (request, response) => {
      authorizations.push(request.headers.authorization ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[0,"7"]}]}}');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
    url = new URL(`https://localhost:${port}`);
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close?.();
    await scratch?.remove();
  });

  it('verifies Prometheus with --prometheus-ca-file and sends the bearer token from its file', async () => {
    const tokenFile = join(scratch.dir, 'token');
    await writeFile(tokenFile, 'tok-abc\n');
    const access = await prometheusAccess(url, { prometheusCaFile: caFile, prometheusBearerTokenFile: tokenFile }, queryMs);
    expect(await instantQuery(access, 'up', new Date())).toEqual([{ labels: { a: 'b' }, value: 7 }]);
    expect(authorizations.at(-1)).toBe('Bearer tok-abc');
  });

  it('refuses the private certificate without the CA (exit 2, E_PROMETHEUS)', async () => {
    await expect(instantQuery(await prometheusAccess(url, {}, queryMs), 'up', new Date())).rejects.toMatchObject({ code: 'E_PROMETHEUS', exitCode: 2 });
  });

  it('sends user:password from the URL as Basic auth and leaves the URL bare', async () => {
    const access = await prometheusAccess(new URL(`https://reader:p%40ss@localhost:${url.port}`), { prometheusCaFile: caFile }, queryMs);
    expect(access.url.href).toBe(`https://localhost:${url.port}/`);
    await instantQuery(access, 'up', new Date());
    expect(authorizations.at(-1)).toBe(`Basic ${Buffer.from('reader:p@ss').toString('base64')}`);
  });

  it('refuses two kinds of credentials at once, half of Basic auth, and an empty token file', async () => {
    const empty = join(scratch.dir, 'empty');
    await writeFile(empty, '\n');
    await expect(prometheusAccess(new URL('https://u:p@localhost'), { prometheusBearerTokenFile: empty }, queryMs)).rejects.toThrow(/credentials given twice/);
    await expect(prometheusAccess(url, { prometheusUsername: 'u' }, queryMs)).rejects.toThrow(/go together/);
    await expect(prometheusAccess(url, { prometheusBearerTokenFile: empty }, queryMs)).rejects.toThrow(/bearer token file is empty/);
  });
});
