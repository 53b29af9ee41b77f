import { readFileSync } from 'node:fs';

/** meshgate's version (package.json): in reports, baselines and the fixture image's tag. */
export const meshgateVersion: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
