import { gateResults } from '../../harness/gate/verdict.ts';
import { type CaseRecord, countResults } from '../../harness/reporters/case-record.ts';
import type { RunReport } from '../../harness/reporters/run-report.ts';

/** A completed run report of these cases, gated without a baseline, with fixed timestamps and machine. */
export function runReportOf(cases: CaseRecord[], overrides: Partial<RunReport> = {}): RunReport {
  return {
    version: 1,
    runId: '20260101-120000-abcd',
    status: 'completed',
    startedAt: '2026-01-01T12:00:00.000Z',
    finishedAt: '2026-01-01T12:01:30.000Z',
    environment: 'local',
    gateway: 'nginx 1.22.1',
    gatewaySoftware: 'nginx/1.22.1',
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, os: 'linux 6.1', node: '20.20.2' },
    meshgateVersion: '0.1.0',
    scenario: 'sealos-default',
    scenarioHash: 'f'.repeat(64),
    baseline: null,
    compareTarget: null,
    untranslated: [],
    options: {},
    gate: gateResults(cases),
    counts: countResults(cases),
    cases,
    harnessErrors: [],
    ...overrides,
  };
}
