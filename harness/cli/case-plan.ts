import { features } from '../environments/environment.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import type { PlannedCase } from '../suite/case-selection.ts';
import type { LoadedTarget } from '../target.ts';
import type { CommandContext } from './command-context.ts';

/**
 * The target an environment will write, as far as case subjects depend on it,
 * before anything is started: the scenario decides the subjects; the gateway
 * address (the bare-IP case's subject) is loopback, as the local environment's is.
 * Cases are re-selected against the real target once it exists.
 */
export function plannedTarget(scenario: LoadedScenario, environment: string): LoadedTarget {
  return {
    version: 1,
    environment,
    runId: 'planned',
    // The local environment names its nginx.conf, which decides some cases' subjects (long read timeouts).
    gateway: { address: '127.0.0.1', httpPort: 80, httpsPort: 443, ...(environment === 'local' ? { configFile: 'nginx.conf' } : {}) },
    caFile: null,
    features: [...features],
    scenario: scenario.input,
    resolved: scenario.resolved,
  };
}

/** `--list`: one line per case and subject (`<suite> <case-id> [<subject>]`), or a JSON array with --json. */
export function printCaseList(cases: PlannedCase[], context: CommandContext, json: boolean): void {
  if (json) {
    context.printJson(cases);
    return;
  }
  const width = Math.max(...cases.map((item) => item.suite.length));
  process.stdout.write(cases.map((item) => `${item.suite.padEnd(width)}  ${item.caseId} [${item.subject}]\n`).join(''));
  context.log(`meshgate: ${cases.length} case(s) in ${new Set(cases.map((item) => item.suite)).size} suite(s); nothing was started`);
}
