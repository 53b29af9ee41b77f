import { readFile, writeFile } from 'node:fs/promises';
import { declarableFields } from '../harness/scenario/fields.ts';
import { coverageMarkdown } from '../suites/all-cases.ts';

/** Rewrites the coverage table of docs/coverage.md (between its markers) from the case definitions. */
const coverageMarkers = { start: '<!-- coverage-table:start -->', end: '<!-- coverage-table:end -->' } as const;

const file = new URL('../docs/coverage.md', import.meta.url);
const text = await readFile(file, 'utf8');
const start = text.indexOf(coverageMarkers.start);
const end = text.indexOf(coverageMarkers.end);
if (start < 0 || end < start) {
  console.error(`docs/coverage.md has no ${coverageMarkers.start} ... ${coverageMarkers.end} section`);
  process.exit(2);
}
await writeFile(file, `${text.slice(0, start + coverageMarkers.start.length)}\n${coverageMarkdown(declarableFields())}\n${text.slice(end)}`);
