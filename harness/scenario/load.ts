import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { InputFileError, errorMessage } from '../errors.ts';
import { type ResolvedScenario, resolveScenario } from './resolve.ts';
import { type Scenario, scenarioSchema } from './schema.ts';
import { readInputFile } from '../input-file.ts';

/** The realistic scenario that ships with meshgate (three Sealos-like tenants). */
export const defaultScenarioFile = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url));

/** A validated scenario: as written (for target files) and resolved (for gateways and suites). */
export interface LoadedScenario {
  file: string;
  input: Scenario;
  resolved: ResolvedScenario;
}

/** Reads, validates and resolves a scenario file; every problem is an InputFileError naming the field. */
export async function loadScenario(file: string = defaultScenarioFile): Promise<LoadedScenario> {
  const text = await readInputFile(file, 'scenario');
  return parseScenario(text, file);
}

/** Validates scenario text (YAML or JSON); `file` names the source in errors. */
export function parseScenario(text: string, file: string): LoadedScenario {
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true });
  } catch (error) {
    throw new InputFileError(file, `not valid YAML: ${errorMessage(error)}`);
  }
  const result = scenarioSchema.safeParse(data);
  if (!result.success) throw new InputFileError(file, describeIssues(result.error.issues));
  checkScenarioRules(file, result.data);
  return { file, input: result.data, resolved: resolveScenario(result.data) };
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 10).map((issue) => `  at ${formatPath(issue.path)}: ${issue.message}`);
  return `invalid scenario:\n${lines.join('\n')}`;
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

/** Rules zod cannot see field by field: unique app ids, known performance targets. Throws InputFileError. */
export function checkScenarioRules(file: string, scenario: Scenario): void {
  const seen = new Set<string>();
  scenario.tenants.forEach((tenant, t) =>
    tenant.apps.forEach((app, a) => {
      const id = `ns-${tenant.user}/${app.name}`;
      if (seen.has(id)) throw new InputFileError(file, `invalid scenario:\n  at tenants[${t}].apps[${a}].name: app ${id} is declared twice`);
      seen.add(id);
    }),
  );
  (scenario.performance?.targets ?? []).forEach((target, index) => {
    if (!seen.has(target)) {
      throw new InputFileError(file, `invalid scenario:\n  at performance.targets[${index}]: unknown app id ${target} (expected ns-<user>/<app>)`);
    }
  });
}
