import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../../harness/errors.ts';
import { catalogue } from '../../suites/catalogue.ts';
import { compareHost, noisyFields, parityRules } from '../../harness/parity/compare-answers.ts';
import { readHostList } from '../../harness/parity/parity-hosts.ts';
import { rateLimiter } from '../../harness/parity/run-parity.ts';
import { knownDifferences } from '../../suites/known-differences.ts';

const rows = new Map(knownDifferences.map((row) => [row.id, row.classification]));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-parity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('comparing answers', () => {
  it('leaves out what the reference answered differently twice, and classes the rest by the known-differences rows', () => {
    const first = { 'GET / status': '200', 'GET / body.headers.x-request-id': '"a1"', 'preflight foreign status': '204', 'GET / body.app': '"web"' };
    const second = { ...first, 'GET / body.headers.x-request-id': '"b2"' };
    const candidate = { ...first, 'GET / body.headers.x-request-id': '"c3"', 'preflight foreign status': '200', 'GET / body.app': '"api"', 'GET / x-frame-options': 'DENY' };
    expect(noisyFields(first, second)).toEqual(['GET / body.headers.x-request-id']);
    const parity = compareHost('a.test', first, candidate, noisyFields(first, second), rows);
    expect(parity.verdict).toBe('differs');
    expect(parity.differences).toEqual([
      { field: 'GET / body.app', reference: '"web"', candidate: '"api"', class: 'differs' },
      { field: 'GET / x-frame-options', reference: null, candidate: 'DENY', class: 'differs' },
      { field: 'preflight foreign status', reference: '204', candidate: '200', class: rows.get('cors-preflight-200') === 'accepted-gap' ? 'known-difference' : 'differs', row: 'cors-preflight-200' },
    ]);
  });

  it('names only rows that exist', () => {
    for (const rule of parityRules) expect(rows.has(rule.row), rule.row).toBe(true);
  });

  it('spaces requests at the rate, for every caller together', async () => {
    const throttle = rateLimiter(50, new AbortController().signal);
    const started = performance.now();
    await Promise.all(Array.from({ length: 11 }, () => throttle()));
    // 11 requests at 50/s: the last goes 200 ms after the first (a lower bound; a busy machine only adds).
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });
});

describe('parity hosts', () => {
  it('reads a host list and refuses a junk line by its number', async () => {
    const good = join(dir, 'hosts.txt');
    await writeFile(good, '# cutover wave 1\na.cloud.example.test\n\nb.cloud.example.test  # the shop\na.cloud.example.test\n');
    expect((await readHostList(good)).map((host) => host.host)).toEqual(['a.cloud.example.test', 'b.cloud.example.test']);
    const junk = join(dir, 'junk.txt');
    await writeFile(junk, 'a.cloud.example.test\nhttps://b.cloud.example.test/\n');
    const error = await readHostList(junk).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(/line 2: "https:\/\/b\.cloud\.example\.test\/" is not a host name/);
  });
});

// Two live gateways: identical in parity-cli.test.ts, with differences injected in injected-differences.test.ts.

describe('meshgate parity input', () => {
  it('exits 2 with the reason on a junk host list, an export that is not Ingresses, a missing source and an unreachable gateway, and writes no report', async () => {
    const { main } = await import('../../harness/cli/main.ts');
    const { freePort: port } = await import('../../harness/net/ports.ts');
    const hostsFile = join(dir, 'hosts-for-cli.txt');
    await writeFile(hostsFile, 'a.cloud.example.test\n');
    const junk = join(dir, 'junk-for-cli.txt');
    await writeFile(junk, 'not a host!\n');
    const notIngresses = join(dir, 'deployments.yaml');
    await writeFile(notIngresses, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n');
    const closed = `127.0.0.1:${await port()}:${await port()}`;
    const reports = join(dir, 'reports');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    const parity = (...args: string[]) => main(['node', 'meshgate', 'parity', '--reference', closed, '--candidate', closed, '--reports', reports, ...args], async () => catalogue);
    try {
      expect(await parity('--hosts', junk)).toBe(2);
      expect(await parity('--ingresses', notIngresses)).toBe(2);
      expect(await parity()).toBe(2);
      expect(await parity('--hosts', hostsFile)).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    const output = stderr.join('');
    expect(output).toContain('line 1: "not a host!" is not a host name');
    expect(output).toContain(`${notIngresses}: object 1: kind "Deployment", expected Ingress`);
    expect(output).toContain('exactly one of --hosts FILE, --ingresses FILE, --from-cluster');
    expect(output).toMatch(/the reference gateway 127\.0\.0\.1:\d+ does not accept connections/);
    expect(await import('node:fs/promises').then((fs) => fs.readdir(dir))).not.toContain('reports');
  });
});
