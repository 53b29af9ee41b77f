import { execa } from 'execa';

/** One prerequisite of an environment: how to read its version, whether it is required, what to do when it is missing. */
export interface Prerequisite {
  name: string;
  required: boolean;
  /** Resolves with the version found; rejects with why it cannot serve (an ENOENT code: not installed). */
  probe(): Promise<string>;
  advice: string;
}

const nodeMinimum = [20, 19] as const;

/** The first match of `pattern` in what `file args` prints (stdout, then stderr); throws when it cannot run. */
export async function versionOf(file: string, args: string[], pattern: RegExp): Promise<string> {
  const result = await execa(file, args, { timeout: 30_000 });
  return pattern.exec(`${result.stdout}\n${result.stderr}`)?.[1] ?? 'present';
}

/** Node.js itself, which every environment runs meshgate on. */
export const nodePrerequisite: Prerequisite = {
  name: 'node',
  required: true,
  probe: async () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const ok = major > nodeMinimum[0] || (major === nodeMinimum[0] && minor >= nodeMinimum[1]);
    if (!ok) throw new Error(`${process.versions.node} is older than ${nodeMinimum.join('.')}`);
    return process.versions.node;
  },
  advice: 'install Node.js 20.19 or newer',
};
