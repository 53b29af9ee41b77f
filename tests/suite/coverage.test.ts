import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { declarableFields } from '../../harness/scenario/fields.ts';
import { allCases, coverageMarkdown, coverageTable, uncoveredFields } from '../../suites/all-cases.ts';

describe('every declarable scenario field is verified by a case', () => {
  const fields = declarableFields();

  it('leaves no field without a case, except the documented ones', () => {
    const uncovered = coverageTable(fields).filter(({ cases }) => cases.length === 0).map(({ field }) => field);
    expect(uncovered).toEqual(Object.keys(uncoveredFields));
  });

  it('names only fields the schema has', () => {
    const named = new Set(allCases.flatMap((gatewayCase) => gatewayCase.covers ?? []));
    expect([...named].filter((field) => !fields.includes(field))).toEqual([]);
  });

  it('sees a field that no case covers (the check can fail)', () => {
    expect(coverageTable([...fields, 'a-new-field']).at(-1)).toEqual({ field: 'a-new-field', cases: [] });
  });

  it("matches the coverage table of docs/coverage.md (rewrite it with `npm run coverage-table`)", () => {
    const table = readFileSync(new URL('../../docs/coverage.md', import.meta.url), 'utf8');
    expect(table).toContain(coverageMarkdown(fields));
  });
});
