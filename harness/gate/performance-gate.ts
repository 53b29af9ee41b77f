import { median, sampleStandardDeviation, mean } from 'simple-statistics';
import { type LoadResult, loadResultOf } from '../load/load-recorder.ts';
import type { CaseRecord } from '../reporters/case-record.ts';
import type { Baseline } from './baseline.ts';
import { mannWhitneyGreater } from './mann-whitney.ts';
import type { GateFinding } from './verdict.ts';

/** How much worse the candidate may be than the baseline. */
export interface PerformanceBudget {
  /** p95 latency may grow by at most this share (0.15 = +15 %). */
  p95Increase: number;
  /** Throughput may drop by at most this share. */
  throughputDecrease: number;
  /** A difference is real only below this p-value (Kayenta: 98 % confidence). */
  significance: number;
  /** Fewer per-window samples than this per side decide nothing. */
  minimumSamples: number;
}

export const defaultBudget: PerformanceBudget = { p95Increase: 0.15, throughputDecrease: 0.1, significance: 0.02, minimumSamples: 8 };

export interface PerformanceFindings {
  failures: GateFinding[];
  inconclusive: GateFinding[];
  notes: GateFinding[];
}

interface Metric {
  name: string;
  /** Per-window samples, oriented so that larger is worse. */
  worse: (load: LoadResult) => number[];
  budget: number;
  /** Relative change, positive when worse. */
  change: (before: number, after: number) => number;
}

function metrics(budget: PerformanceBudget): Metric[] {
  return [
    { name: 'p95 latency', worse: (load) => load.windows.map((w) => w.p95Us), budget: budget.p95Increase, change: (a, b) => b / a - 1 },
    { name: 'throughput', worse: (load) => load.windows.map((w) => -w.requests), budget: budget.throughputDecrease, change: (a, b) => 1 - b / a },
  ];
}

/**
 * Performance against a baseline, per load case and metric, pure: a regression
 * must be both statistically significant (one-sided Mann-Whitney U over
 * per-window samples) and larger than its budget to fail. Too few samples, a
 * baseline noisier than the budget, or an over-budget change that is not
 * significant are inconclusive, with the reason.
 */
export function gatePerformance(cases: CaseRecord[], baseline: Baseline, budget: PerformanceBudget = defaultBudget): PerformanceFindings {
  const findings: PerformanceFindings = { failures: [], inconclusive: [], notes: [] };
  const reference = new Map(baseline.cases.map((record) => [record.key, record]));
  for (const record of cases) {
    const after = loadResultOf(record);
    const stored = reference.get(record.key);
    const before = stored && loadResultOf(stored);
    if (!after || !before) continue;
    for (const metric of metrics(budget)) judge(record.key, metric, metric.worse(before), metric.worse(after), budget, findings);
  }
  return findings;
}

function judge(key: string, metric: Metric, a: number[], b: number[], budget: PerformanceBudget, findings: PerformanceFindings): void {
  const subject = `${key} ${metric.name}`;
  if (a.length < budget.minimumSamples || b.length < budget.minimumSamples) {
    findings.inconclusive.push({ subject, message: `${a.length} baseline and ${b.length} candidate windows; ${budget.minimumSamples} each are needed (raise performance.durationSeconds)` });
    return;
  }
  const noise = Math.abs(sampleStandardDeviation(a) / mean(a));
  const change = metric.change(Math.abs(median(a)), Math.abs(median(b)));
  const { pValue } = mannWhitneyGreater(a, b);
  const described = `${(change * 100).toFixed(1)} % worse (budget ${(metric.budget * 100).toFixed(0)} %), p = ${pValue.toFixed(4)}, baseline noise ${(noise * 100).toFixed(1)} %`;
  if (noise > metric.budget) {
    findings.inconclusive.push({ subject, message: `baseline noise ${(noise * 100).toFixed(1)} % exceeds the ${(metric.budget * 100).toFixed(0)} % budget: cannot judge (${described})` });
  } else if (change > metric.budget && pValue < budget.significance) {
    findings.failures.push({ subject, message: `regressed: ${described}` });
  } else if (change > metric.budget) {
    findings.inconclusive.push({ subject, message: `over budget but not significant: ${described}` });
  } else {
    findings.notes.push({ subject, message: `within budget: ${described}` });
  }
}
