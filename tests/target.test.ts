import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, writeCaFile } from '../harness/environments/local/certificates.ts';
import { InputFileError } from '../harness/errors.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { resolveScenario } from '../harness/scenario/resolve.ts';
import { type Target, readTarget, writeTarget } from '../harness/target.ts';

let dir: string;
let target: Target;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-target-'));
  const ca = await createCertificateAuthority({ commonName: 'meshgate target test CA', validityDays: 1 });
  target = {
    version: 1,
    environment: 'local',
    runId: '20260101-120000-abcd',
    createdAt: '2026-01-01T12:00:00.000Z',
    gateway: { address: '127.0.0.1', httpPort: 18080, httpsPort: 18443, h2cPort: null },
    caFile: await writeCaFile(join(dir, 'ca'), ca),
    features: ['http1', 'http2', 'websocket', 'grpc', 'tls', 'cors', 'load'],
    scenario: (await loadScenario()).input,
    ownerPid: process.pid,
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeTarget / readTarget', () => {
  it('round-trips a target, resolving its scenario by the same rules', async () => {
    const file = join(dir, 'nested', 'deeper', 'target.json');
    await writeTarget(file, target);
    const read = await readTarget(file);
    const { resolved, ...rest } = read;
    expect(rest).toEqual(target);
    expect(resolved).toEqual(resolveScenario(target.scenario));
  });

  it('writes no private key material', async () => {
    const file = join(dir, 'secretless.json');
    await writeTarget(file, target);
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text).not.toMatch(/PRIVATE KEY/i);
    // The CA file it points to holds the certificate only.
    const caText = await readFile(target.caFile!, 'utf8');
    expect(caText).toContain('-----BEGIN CERTIFICATE-----');
    expect(caText).not.toMatch(/PRIVATE KEY/);
  });

  it('overwrites an existing target file whole', async () => {
    const file = join(dir, 'overwrite.json');
    await writeTarget(file, { ...target, runId: 'first-run' });
    await writeTarget(file, { ...target, runId: 'second' });
    expect((await readTarget(file)).runId).toBe('second');
  });
});

const privateKeyPem = '-----BEGIN PRIVATE KEY-----\\nMIG...\\n-----END PRIVATE KEY-----';

describe('readTarget refuses bad files with an InputFileError naming the file', () => {
  it.each<{ problem: string; content: ((valid: Target) => string) | null; message: RegExp }>([
    { problem: 'missing file', content: null, message: /cannot read target file: ENOENT/ },
    { problem: 'invalid JSON', content: () => '{ "version": 1, ', message: /cannot read target file: .*JSON/ },
    { problem: 'empty file', content: () => '', message: /cannot read target file/ },
    { problem: 'wrong version', content: (valid) => JSON.stringify({ ...valid, version: 2 }), message: /at version: .*1/ },
    { problem: 'unknown feature', content: (valid) => JSON.stringify({ ...valid, features: ['http1', 'quic'] }), message: /at features\.1: / },
    { problem: 'port out of range', content: (valid) => JSON.stringify({ ...valid, gateway: { ...valid.gateway, httpsPort: 70000 } }), message: /at gateway\.httpsPort: / },
    {
      problem: 'private CA key at top level (strict)',
      content: (valid) => JSON.stringify({ ...valid, caKeyPem: privateKeyPem }),
      message: /at \(top level\): Unrecognized key: "caKeyPem"/,
    },
    {
      problem: 'private key file in gateway (strict)',
      content: (valid) => JSON.stringify({ ...valid, gateway: { ...valid.gateway, keyFile: '/tmp/gateway.key' } }),
      message: /at gateway: Unrecognized key: "keyFile"/,
    },
    {
      problem: 'invalid scenario inside',
      content: (valid) => JSON.stringify({ ...valid, scenario: { ...valid.scenario, tenants: [] } }),
      message: /at scenario\.tenants: /,
    },
  ])('$problem', async ({ problem, content, message }) => {
    const file = join(dir, `bad-${problem.replace(/\W+/g, '-')}.json`);
    if (content) await writeFile(file, content(target));
    let thrown: unknown;
    try {
      await readTarget(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputFileError);
    const error = thrown as InputFileError;
    expect(error.file).toBe(file);
    expect(error.message.startsWith(`${file}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
  });
});
