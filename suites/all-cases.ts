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

/** How a declarable field is verified: cases that check every app it applies to, and cases that check a sample (with which). */
export interface FieldCoverage {
  field: string;
  every: string[];
  sampled: Array<{ id: string; sample: string }>;
}

/** The coverage table: each declarable field and the cases that verify it, for every app or on a sample. */
export function coverageTable(fields: readonly string[]): FieldCoverage[] {
  return fields.map((field) => {
    const covering = allCases.filter((gatewayCase) => gatewayCase.covers?.includes(field));
    return {
      field,
      every: covering.filter((gatewayCase) => gatewayCase.sample === undefined).map((gatewayCase) => gatewayCase.id),
      sampled: covering.flatMap((gatewayCase) => (gatewayCase.sample === undefined ? [] : [{ id: gatewayCase.id, sample: gatewayCase.sample }])),
    };
  });
}

/** The table as the README shows it (between its coverage markers): a field only sampled says so. */
export function coverageMarkdown(fields: readonly string[]): string {
  const ids = (list: string[]) => list.map((id) => `\`${id}\``).join(', ');
  const rows = coverageTable(fields).map(({ field, every, sampled }) => {
    if (every.length + sampled.length === 0) return `| \`${field}\` | not verified: ${uncoveredFields[field] ?? 'no case'} | |`;
    const sample = sampled.map(({ id, sample }) => `\`${id}\` (${sample})`).join('; ');
    return `| \`${field}\` | ${every.length > 0 ? ids(every) : 'none: sampled only'} |${sample ? ` ${sample} ` : ' '}|`;
  });
  return ['| scenario field | verified for every app it applies to | verified on a sample (which) |', '|---|---|---|', ...rows].join('\n');
}
