import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterFeatures } from '../../harness/environments/cluster/cluster-environment.ts';
import type { KnownDifference } from '../../harness/suite/known-difference.ts';
import { allCases } from '../../suites/all-cases.ts';
import { knownDifferences } from '../../suites/known-differences.ts';

/** One row of docs/istio-fidelity.md's table. */
interface FidelityRow {
  id: string;
  cases: string[];
  difference: string;
  /** The translated objects, sources and expectation cells, joined: where the source lines are. */
  text: string;
}

/** The rows of the table under "## Rows"; cells split on unescaped pipes. */
function parseRows(markdown: string): FidelityRow[] {
  const table = markdown.split(/^## Rows$/m)[1] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| id ') && !/^\|[-| ]+\|$/.test(line))
    .map((line) => {
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
      const [id = '', cases = '', difference = '', ...rest] = cells;
      return { id, cases: [...cases.matchAll(/`([a-z0-9-]+)`/g)].map((match) => match[1]!), difference: difference.replaceAll('`', ''), text: rest.join(' | ') };
    });
}

/**
 * Every way the rows disagree with the cases that run in mode istio (`istioCaseIds`), the
 * cases that exist (`knownCaseIds`) and the known-differences table; empty when they agree.
 */
function checkFidelity(rows: FidelityRow[], istioCaseIds: readonly string[], knownCaseIds: readonly string[], differences: readonly KnownDifference[]): string[] {
  const problems: string[] = [];
  const rowOf = new Map<string, string>();
  for (const row of rows) {
    if (row.cases.length === 0) problems.push(`${row.id}: names no case`);
    if (!/\.(go|proto|cc|lua|yaml|ts):[0-9]+/.test(row.text) && !/\.(go|proto|cc)` [A-Za-z:]+/.test(row.text)) problems.push(`${row.id}: cites no source line`);
    if (row.difference !== '-' && !differences.some((difference) => difference.id === row.difference)) problems.push(`${row.id}: no known difference ${row.difference}`);
    for (const caseId of row.cases) {
      if (!knownCaseIds.includes(caseId)) problems.push(`${row.id}: names case ${caseId}, which does not exist`);
      const other = rowOf.get(caseId);
      if (other) problems.push(`${row.id}: case ${caseId} is already in row ${other}`);
      rowOf.set(caseId, row.id);
      const named = differences.find((difference) => difference.cases.includes(caseId))?.id ?? '-';
      if (named !== row.difference) problems.push(`${row.id}: case ${caseId} is held by ${named} in suites/known-differences.ts, the row says ${row.difference}`);
    }
  }
  for (const caseId of istioCaseIds) if (!rowOf.has(caseId)) problems.push(`case ${caseId} runs in mode istio and has no row`);
  return problems;
}

const rows = parseRows(readFileSync(new URL('../../docs/istio-fidelity.md', import.meta.url), 'utf8'));
const istioCaseIds = allCases.filter((gatewayCase) => gatewayCase.features.every((feature) => clusterFeatures.includes(feature))).map((gatewayCase) => gatewayCase.id);
const knownCaseIds = allCases.map((gatewayCase) => gatewayCase.id);

describe('docs/istio-fidelity.md against the cases', () => {
  it('has a row, with a source line, for every case that runs in mode istio, and names only cases that exist', () => {
    expect(rows.length).toBeGreaterThan(20);
    expect(checkFidelity(rows, istioCaseIds, knownCaseIds, knownDifferences)).toEqual([]);
  });

  it('finds what is wrong with a bad table (the check can fail)', () => {
    const bad = parseRows(
      [
        '## Rows',
        '| id | cases | difference | objects | sources | expectation |',
        '|---|---|---|---|---|---|',
        '| a | `http1-methods`, `no-such-case` | - | x | route.go:12 | y |',
        '| b | | - | x | nothing cited | y |',
        '| c | `http1-methods` \\| `preflight-allowed-origin` | no-such-row | x | gateway.go:1 | y |',
      ].join('\n'),
    );
    expect(bad.map((row) => row.cases)).toEqual([['http1-methods', 'no-such-case'], [], ['http1-methods', 'preflight-allowed-origin']]);
    expect(checkFidelity(bad, ['http1-methods', 'grpc-deadline'], knownCaseIds, knownDifferences)).toEqual([
      'a: names case no-such-case, which does not exist',
      'b: names no case',
      'b: cites no source line',
      'c: no known difference no-such-row',
      'c: case http1-methods is already in row a',
      'c: case http1-methods is held by - in suites/known-differences.ts, the row says no-such-row',
      'c: case preflight-allowed-origin is held by cors-preflight-200 in suites/known-differences.ts, the row says no-such-row',
      'case grpc-deadline runs in mode istio and has no row',
    ]);
  });

  it('names the cases a cluster cannot run too (h2c), saying why', () => {
    expect(istioCaseIds).not.toContain('h2c-prior-knowledge');
    const named = new Set(rows.flatMap((row) => row.cases));
    expect(allCases.filter((gatewayCase) => !named.has(gatewayCase.id)).map((gatewayCase) => gatewayCase.id)).toEqual([]);
  });
});
