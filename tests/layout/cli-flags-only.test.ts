import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// harness/cli/ declares commands and options, turns flag values into typed options,
// and calls one pipeline function per command; the work lives in the stages. Two
// rules hold that, read off each file's text:
//   1. a cli file imports no module that reaches the machine, the network or a
//      cluster (files, processes, sockets, HTTP, the Kubernetes client, input files)
//      and calls no fetch();
//   2. a cli file loads lazily (import()) only in a command's action, one module per
//      action: the command's pipeline function. So count(import()) <= count(.action().
// And nothing outside harness/cli imports it (main is reached through bin/ only).

const root = fileURLToPath(new URL('../../', import.meta.url));
const cliDir = join(root, 'harness/cli');

/** Modules that do I/O: a cli file importing one does work beyond flags. */
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:net',
  'node:tls',
  'node:http',
  'node:https',
  'node:http2',
  'node:stream/consumers',
  'node:timers/promises',
  'execa',
  'undici',
  'ws',
  '@grpc/grpc-js',
  '@kubernetes/client-node',
];

/** The module specifiers a file imports, statically or with import(). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

/** What of the two rules `text` (a cli file) breaks; empty when it holds flags only. */
function beyondFlags(text: string): string[] {
  const problems: string[] = [];
  for (const module of importsOf(text)) {
    if (ioModules.includes(module) || /(^|\/)input-file\.ts$/.test(module)) problems.push(`imports ${module}`);
  }
  if (/\bfetch\(/.test(text)) problems.push('calls fetch()');
  const lazy = text.match(/\bimport\(/g)?.length ?? 0;
  const actions = text.match(/\.action\(/g)?.length ?? 0;
  if (lazy > actions) problems.push(`${lazy} import() for ${actions} action(s)`);
  return problems;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('harness/cli holds flags only', () => {
  const files = readdirSync(cliDir).filter((name) => name.endsWith('.ts'));

  it('no cli file does I/O or loads more than its actions call', () => {
    const found = files.flatMap((name) => beyondFlags(readFileSync(join(cliDir, name), 'utf8')).map((problem) => `${name}: ${problem}`));
    expect(found).toEqual([]);
  });

  it('nothing in harness/ outside cli/ imports harness/cli', () => {
    const importers = tsFiles(join(root, 'harness'))
      .filter((file) => !file.startsWith(`${cliDir}/`))
      .filter((file) => importsOf(readFileSync(file, 'utf8')).some((module) => /(^|\/)cli\//.test(module)));
    expect(importers.map((file) => relative(root, file))).toEqual([]);
  });

  it.each([
    ["import { execa } from 'execa';", ['imports execa']],
    ["import { writeFile } from 'node:fs/promises';", ['imports node:fs/promises']],
    ["import { readInputFile } from '../input-file.ts';", ['imports ../input-file.ts']],
    ["const r = await fetch(url);", ['calls fetch()']],
    ["async function f() { const { a } = await import('../judge/a.ts'); }", ['1 import() for 0 action(s)']],
    [".action(async () => { await import('../run/a.ts'); await import('../gate/b.ts'); })", ['2 import() for 1 action(s)']],
    ["import { Command } from 'commander';\nimport type { X } from '../run/x.ts';\n.action(async () => { const { run } = await import('../run/x.ts'); })", []],
  ])('the rule can fail: %s', (text, problems) => {
    expect(beyondFlags(text)).toEqual(problems);
  });
});
