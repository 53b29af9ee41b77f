import type { PlannedCase } from '../suite/case-selection.ts';
import type { CommandContext } from './command-context.ts';

/** `--list`: one line per case and subject (`<suite> <case-id> [<subject>]`), or a JSON array with --json. */
export function printCaseList(cases: PlannedCase[], context: CommandContext, json: boolean): void {
  if (json) {
    context.printJson(cases);
    return;
  }
  const width = Math.max(...cases.map((item) => item.suite.length));
  context.print(cases.map((item) => `${item.suite.padEnd(width)}  ${item.caseId} [${item.subject}]\n`).join(''));
  context.log(`meshgate: ${cases.length} case(s) in ${new Set(cases.map((item) => item.suite)).size} suite(s); nothing was started`);
}
