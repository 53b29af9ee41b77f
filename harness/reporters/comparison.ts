import type { GateFinding, GateResult } from '../results/gate-result.ts';
import type { LoadResult } from '../results/load-result.ts';
import type { LoadLevel } from './load-views.ts';

/** One metric of a load level, candidate beside its reference (baseline or live A/B), as report.html shows it. */
export interface ComparisonRow {
  key: string;
  metric: string;
  unit: string;
  reference: number;
  candidate: number;
  /** Relative change, candidate against reference (0.1 = +10 %). */
  delta: number;
  /** The gate's p-value for this metric, when the gate judged it. */
  pValue: number | null;
}

/** The metrics compared, with the gate's name for each (performance-gate.ts) where it judges one. */
const metrics: Array<{ metric: string; unit: string; value: (load: LoadResult) => number; gateName?: string }> = [
  { metric: 'p50 latency', unit: 'ms', value: (load) => load.p50Us / 1000 },
  { metric: 'p95 latency', unit: 'ms', value: (load) => load.p95Us / 1000, gateName: 'p95 latency' },
  { metric: 'p99 latency', unit: 'ms', value: (load) => load.p99Us / 1000 },
  { metric: 'throughput', unit: 'req/s', value: (load) => load.rps, gateName: 'throughput' },
  { metric: 'success rate', unit: '%', value: (load) => load.successRate * 100 },
];

/** Candidate vs reference for every load level that has a reference. Pure. */
export function comparisonRows(levels: LoadLevel[], gate: GateResult): ComparisonRow[] {
  const findings = [...gate.reasons, ...gate.notes];
  return levels.flatMap(({ record, load, reference }) => {
    if (!reference) return [];
    return metrics.map(({ metric, unit, value, gateName }) => {
      const before = value(reference);
      const after = value(load);
      const judged = gateName === undefined ? [] : findings.filter((item) => item.subject === `${record.key} ${gateName}`);
      const pValue = judged.map(pValueOf).find((value) => value !== null) ?? null;
      return { key: record.key, metric, unit, reference: before, candidate: after, delta: before === 0 ? 0 : after / before - 1, pValue };
    });
  });
}

/**
 * A finding's p-value: a numeric `pValue` field when the gate result carries one,
 * else the `p = 0.0123` its message states (performance-gate.ts writes it so).
 */
export function pValueOf(finding: GateFinding): number | null {
  const field = (finding as GateFinding & { pValue?: unknown }).pValue;
  if (typeof field === 'number') return field;
  const stated = /\bp = ([0-9.]+(?:e-?\d+)?)/.exec(finding.message)?.[1];
  return stated === undefined ? null : Number(stated);
}
