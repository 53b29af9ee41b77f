import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plannedTarget } from '../../harness/run/prepare.ts';
import { declarableFields } from '../../harness/scenario/fields.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { resolveScenario } from '../../harness/scenario/resolve.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { defineCase, type GatewayCase } from '../../harness/suite/gateway-case.ts';
import { httpApps } from '../../harness/suite/subjects.ts';
import type { LoadedTarget } from '../../harness/target.ts';
import { allCases, coverageMarkdown, coverageTable, uncoveredFields } from '../../suites/all-cases.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/** The scenario with every tenant twice (new users, hosts and domains, the same settings). */
function doubled(input: Scenario): Scenario {
  const copies = input.tenants.map((tenant) => ({
    ...tenant,
    user: `${tenant.user}d`,
    apps: tenant.apps.map((app) => ({ ...app, host: `${app.host}d`, ...(app.customDomain ? { customDomain: `d${app.customDomain}` } : {}) })),
  }));
  return { ...input, tenants: [...input.tenants, ...copies] };
}

const targetOf = (input: Scenario): LoadedTarget => plannedTarget({ file: 'doubled', input, resolved: resolveScenario(input) }, 'local');

/** A case checks every app its fields apply to when twice the apps (same settings) give it twice the subjects. */
function checksEveryApp(gatewayCase: GatewayCase<any>, single: LoadedTarget, twice: LoadedTarget): boolean {
  return gatewayCase.subjects(twice, defaultTimeouts).length === 2 * gatewayCase.subjects(single, defaultTimeouts).length;
}

describe('every declarable scenario field is verified by a case', async () => {
  const fields = declarableFields();
  const scenario = await loadScenario();
  const single = targetOf(scenario.input);
  const twice = targetOf(doubled(scenario.input));

  it('leaves no field without a case, except the documented ones', () => {
    const uncovered = coverageTable(fields).filter(({ every, sampled }) => every.length + sampled.length === 0).map(({ field }) => field);
    expect(uncovered).toEqual(Object.keys(uncoveredFields));
  });

  it('names only fields the schema has', () => {
    const named = new Set(allCases.flatMap((gatewayCase) => gatewayCase.covers ?? []));
    expect([...named].filter((field) => !fields.includes(field))).toEqual([]);
  });

  it('sees a field that no case covers (the check can fail)', () => {
    expect(coverageTable([...fields, 'a-new-field']).at(-1)).toEqual({ field: 'a-new-field', every: [], sampled: [] });
  });

  it('counts as verified for every app only cases whose subjects grow with the apps (a case that samples must say so)', () => {
    const overstating = allCases.filter((gatewayCase) => gatewayCase.covers && gatewayCase.sample === undefined && !checksEveryApp(gatewayCase, single, twice));
    expect(overstating.map((gatewayCase) => gatewayCase.id)).toEqual([]);
  });

  it('sees a case that checks one app per distinct value (the check can fail)', () => {
    const onePerLimit = defineCase({
      id: 'one-per-limit',
      features: [],
      description: 'samples',
      subjects: (target) => [...new Map(httpApps(target).map((app) => [app.bodySizeBytes, app])).values()],
      expect: () => ({}),
      probe: async () => ({}),
    });
    expect(checksEveryApp(onePerLimit, single, twice)).toBe(false);
  });

  it('says which fields are verified only on a sample', () => {
    expect(coverageMarkdown(fields)).toMatch(/\| `timeouts\.sendSeconds` \| none: sampled only \| `stalled-backend-beyond-send-timeout-504` \(apps whose send timeout/);
  });

  it("matches the coverage table of docs/coverage.md (rewrite it with `npm run coverage-table`)", () => {
    const table = readFileSync(new URL('../../docs/coverage.md', import.meta.url), 'utf8');
    expect(table).toContain(coverageMarkdown(fields));
  });
});
