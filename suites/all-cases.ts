import type { GatewayCase } from '../harness/suite/gateway-case.ts';
import { catalogue } from './catalogue.ts';

/** Every case of every suite, for the checks that look across suites (coverage, known differences). */
export const allCases: Array<GatewayCase<any>> = Object.values(catalogue.suites).flat();

/**
 * Declarable fields no case verifies, each with why: the coverage check fails on any
 * other uncovered field, and on an entry here that a case now covers.
 */
export const uncoveredFields: Record<string, string> = {
  'timeouts.connectSeconds':
    'a connect that neither succeeds nor is refused needs a listener that never accepts or an unroutable address; the local gateway has only loopback backends, which accept or refuse at once',
};

/** The coverage table: each declarable field and the cases that verify it. */
export function coverageTable(fields: readonly string[]): Array<{ field: string; cases: string[] }> {
  return fields.map((field) => ({ field, cases: allCases.filter((gatewayCase) => gatewayCase.covers?.includes(field)).map((gatewayCase) => gatewayCase.id) }));
}

/** The table as the README shows it (between its coverage markers). */
export function coverageMarkdown(fields: readonly string[]): string {
  const rows = coverageTable(fields).map(({ field, cases }) => `| \`${field}\` | ${cases.length > 0 ? cases.map((id) => `\`${id}\``).join(', ') : `not verified: ${uncoveredFields[field] ?? 'no case'}`} |`);
  return ['| scenario field | cases that verify it |', '|---|---|', ...rows].join('\n');
}
