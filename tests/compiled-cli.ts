import { readFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI compiled to plain JavaScript for this test run (tests/e2e/meshgate-cli.ts spawns it). */
    meshgateCli: string;
  }
}

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * Every module keeps the URL of its source file: the harness finds suites/, scenarios/,
 * package.json and bin/ relative to itself, and that must hold in the bundle too.
 */
const sourceUrls: Plugin = {
  name: 'meshgate-source-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * vitest globalSetup: compiles the CLI once per test run with esbuild, so a test that
 * must spawn it pays node's start instead of transpiling TypeScript at every start.
 * Commands stay lazy (split chunks); packages stay external, found through a
 * node_modules link beside the bundle.
 */
export default async function compileCli(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-cli-'));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  await build({
    // What bin/meshgate.js does, without tsx.
    stdin: {
      contents: "import { main } from './harness/cli/main.ts';\nprocess.exitCode = await main(process.argv, async () => (await import('./suites/catalogue.ts')).catalogue);\n",
      resolveDir: root,
      sourcefile: 'meshgate-cli.ts',
      loader: 'ts',
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: dir,
    entryNames: 'meshgate',
    outExtension: { '.js': '.mjs' },
    plugins: [sourceUrls],
    logLevel: 'warning',
  });
  project.provide('meshgateCli', join(dir, 'meshgate.mjs'));
  return () => rm(dir, { recursive: true, force: true });
}
