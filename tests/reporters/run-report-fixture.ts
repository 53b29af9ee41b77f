import { gateResults } from '../../harness/gate/verdict.ts';
import { type CaseRecord, countResults } from '../../harness/results/case-record.ts';
import type { RunReport } from '../../harness/results/run-report.ts';
import type { LoadResult } from '../../harness/results/load-result.ts';
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';

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

function histogramOf(p95Us: number): string {
  const histogram = build();
  for (let i = 1; i <= 100; i++) histogram.recordValue(Math.round((p95Us * i) / 95));
  const encoded = encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

/** A load result with `p95Us` latency; `targetRate` makes it an open-model run. */
export function load(concurrency: number, p95Us: number, targetRate?: number): LoadResult {
  const windows = [0, 1, 2].map((second) => ({ second, requests: 1000, errors: second === 2 ? 1 : 0, p50Us: p95Us / 2, p95Us, p99Us: p95Us * 2 }));
  return { protocol: 'http', failures: { error: 0, timeout: 0, status: 1, mismatch: 0 }, startedAt: '2026-01-01T12:00:00.000Z', concurrency, targetRate, durationMs: 3000, requests: 3000, errors: 1, successRate: 2999 / 3000, rps: 1000, p50Us: p95Us / 2, p95Us, p99Us: p95Us * 2, maxUs: p95Us * 3, windows, histogram: histogramOf(p95Us) };
}

/** A passed load case of `ns-a/web` at `level` (connections, or requests/s when `open`), with an optional A/B reference. */
export function perfRecord(level: number, p95Us: number, open = false, reference?: LoadResult): CaseRecord {
  const subject = `ns-a/web ${open ? 'r' : 'c'}=${level}`;
  const caseId = open ? 'http-open-loop' : 'http-closed-loop';
  const measurements = { load: open ? load(10, p95Us, level) : load(level, p95Us), ...(reference ? { reference } : {}) };
  return { key: `performance/${caseId}[${subject}]`, suite: 'performance', caseId, subject, description: '', result: 'PASSED', reason: '', durationMs: 3000, measurements };
}

