import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFile(new URL(file, root), 'utf8');
const packageJson = JSON.parse(await read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; engines: { node: string } };

/** Every .ts/.js file under `dir`, tests excluded. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(new URL(dir, root), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.test.ts')).map((entry) => join(entry.parentPath, entry.name));
}

/** Package names the production code imports (static, dynamic and `import.meta.resolve`). */
async function importedPackages(): Promise<Set<string>> {
  const files = [...(await sources('bin/')), ...(await sources('harness/')), ...(await sources('suites/'))];
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/(?:\bfrom |^import |\bimport\(|\bimport\.meta\.resolve\()'((?:@[a-z0-9._-]+\/)?[a-z0-9][a-z0-9._-]*)(?:\/[^'\n]*)?'/gm)) names.add(match[1]!);
  }
  return names;
}

describe('the image (Dockerfile)', () => {
  it.each(['Dockerfile', 'harness/fixture/Dockerfile'])('%s is based on a Node LTS (22 or 24) pinned by digest', async (file) => {
    const from = /^FROM (\S+)$/m.exec(await read(file))![1]!;
    expect(from).toMatch(/^node:(22|24)-[a-z-]+@sha256:[0-9a-f]{64}$/);
  });

  it('installs production dependencies only, runs as the numeric node user, with writable reports and state folders', async () => {
    const text = await read('Dockerfile');
    expect(text).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(text).toMatch(/^USER 1000:1000$/m);
    expect(text).toMatch(/chown node:node \/app\/reports \/app\/\.meshgate \/reports/);
  });

  it('leaves tests, reports, state and the git folder out of the build context', async () => {
    const ignored = (await read('.dockerignore')).split('\n').filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'reports', '.git', '.meshgate', 'tests', '**/*.test.ts']));
  });
});

describe('production dependencies', () => {
  it('are all imported by meshgate\'s own code (bin, harness, suites), and nothing it imports is missing', async () => {
    const imported = await importedPackages();
    const production = Object.keys(packageJson.dependencies);
    expect(production.filter((name) => !imported.has(name))).toEqual([]);
    const builtins = (name: string) => name.startsWith('node:');
    const devOnly = [...imported].filter((name) => !builtins(name) && !production.includes(name));
    // Development dependencies the code may load: k3s's testcontainers (never in the image: no Docker there), type-only imports.
    expect(devOnly.sort()).toEqual(['@testcontainers/k3s']);
  });

  it('hold no test-only package', () => {
    for (const name of ['testcontainers', '@testcontainers/k3s', 'autocannon', 'playwright-core', 'ajv', 'typescript']) expect(packageJson.dependencies).not.toHaveProperty(name);
  });

  it('the engines field keeps Node 20.19', () => {
    expect(packageJson.engines.node).toBe('>=20.19');
  });
});
