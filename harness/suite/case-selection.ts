import { UsageError } from '../errors.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import type { SuiteCatalogue } from './catalogue.ts';
import { subjectNames } from './gateway-case.ts';

/** One test a run would register: a case of a suite against one subject. */
export interface PlannedCase {
  suite: string;
  caseId: string;
  /** The subject's name in results (`-` when the scenario has nothing the case applies to). */
  subject: string;
}

/** Checks suite names against the catalogue; an unknown one is a usage error (exit 2). No name means every suite. */
export function selectSuites(catalogue: SuiteCatalogue, requested: string[]): string[] {
  const known = Object.keys(catalogue.suites).sort();
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown suite ${unknown.join(', ')}; available: ${known.join(', ')}`);
  return requested.length > 0 ? requested : known;
}

/** Every case and subject the suites yield against `target` with the run's `timeouts`, in registration order. Pure: nothing is started. */
export function planCases(catalogue: SuiteCatalogue, suites: string[], target: LoadedTarget, timeouts: Timeouts): PlannedCase[] {
  return suites.flatMap((suite) =>
    (catalogue.suites[suite] ?? []).flatMap((gatewayCase) => subjectNames(gatewayCase, target, timeouts).map((subject) => ({ suite, caseId: gatewayCase.id, subject }))),
  );
}

/**
 * `--case`: a regular expression over the case id, or over `id[subject]` when it
 * contains `[` (so `^cors-preflight$` and `^ws-echo\[ns-a/` both mean what they say).
 * A malformed pattern is a usage error naming it.
 */
export function compileCasePattern(pattern: string): (planned: PlannedCase) => boolean {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new UsageError(`--case ${JSON.stringify(pattern)} is not a regular expression: ${(error as Error).message}`);
  }
  const withSubject = pattern.includes('[');
  return (planned) => regex.test(withSubject ? `${planned.caseId}[${planned.subject}]` : planned.caseId);
}

/**
 * The planned cases `--case` selects (all without one). A selection with nothing
 * to run (no match, or only cases the scenario has no subject for) is a usage
 * error naming the pattern and suites: a run that verifies nothing must not look green.
 */
export function selectCases(planned: PlannedCase[], pattern: string | undefined, suites: string[]): PlannedCase[] {
  const selected = pattern === undefined ? planned : planned.filter(compileCasePattern(pattern));
  if (selected.every((item) => item.subject === '-')) {
    const ids = [...new Set(planned.map((item) => item.caseId))];
    const what = pattern === undefined ? 'the scenario gives no case anything to check' : `--case ${JSON.stringify(pattern)} selects no case with something to check`;
    throw new UsageError(`${what} in ${suites.join(', ')} (${ids.length} case ids, e.g. ${ids.slice(0, 3).join(', ')}; \`--list\` prints them with their subjects)`);
  }
  return selected;
}
