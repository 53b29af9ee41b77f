import type { PlannedCase } from '../suite/case-selection.ts';

/**
 * The vitest name filter that runs exactly `selected`: vitest matches a test by its
 * full name, `<file> <describe> <test>`, i.e. `... <suite> <case-id> [<subject>]`.
 */
export function exactTestNamePattern(selected: PlannedCase[]): RegExp {
  const names = selected.map((item) => escapeRegExp(`${item.suite} ${item.caseId} [${item.subject}]`));
  return new RegExp(`(?:^| )(?:${names.join('|')})$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
