import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Folders whose every subfolder the README's Layout must name (the repository's root is ''). */
const fullyListed = ['', 'harness'];

/** Not part of the project's layout: the install, git, CI's and runs' own hidden folders. */
const unlisted = (name: string) => name === 'node_modules' || name.startsWith('.');

/**
 * The folders named in the README's Layout block, as paths from the root: a line
 * `name/  text` at indent 0 is a root folder, indented by 2 a folder of the line
 * above it at the lesser indent.
 */
function layoutFolders(readme: string): string[] {
  const block = /^### Layout\n[\s\S]*?^```\n([\s\S]*?)^```$/m.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no ### Layout section with a ``` block');
  const parents: string[] = [];
  const folders: string[] = [];
  for (const line of block.split('\n')) {
    const match = /^( *)([\w.-]+)\/(\s|$)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 2;
    parents.length = depth;
    const path = [...parents, match[2]!].join('/');
    parents.push(match[2]!);
    folders.push(path);
  }
  return folders;
}

function subfolders(folder: string): string[] {
  const dir = join(root, folder);
  return readdirSync(dir)
    .filter((name) => !unlisted(name) && statSync(join(dir, name)).isDirectory())
    .map((name) => (folder ? `${folder}/${name}` : name));
}

describe("the README's Layout section matches the tree", () => {
  const listed = layoutFolders(readFileSync(join(root, 'README.md'), 'utf8'));

  it('names only folders that exist', () => {
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.filter((folder) => !existsSync(join(root, folder)) || !statSync(join(root, folder)).isDirectory())).toEqual([]);
  });

  it("names every folder of the repository's root and of harness/ (add one line per new folder)", () => {
    const present = fullyListed.flatMap(subfolders);
    expect(present.filter((folder) => !listed.includes(folder))).toEqual([]);
  });

  it('reads nesting from the indent (the check can fail)', () => {
    const sample = '### Layout\n\n```\nharness/   the harness\n  cli/     flags\n  nothere/ x\nbin/       entry\n```\n';
    expect(layoutFolders(sample)).toEqual(['harness', 'harness/cli', 'harness/nothere', 'bin']);
  });
});
