import type { RoundSummary } from '../results/measurements.ts';
import { loadResultOf } from '../results/measurements.ts';
import type { CaseRecord } from '../results/case-record.ts';
import { type PerformanceBudget, defaultBudget } from '../scenario/performance-profile.ts';
import type { Baseline } from '../results/baseline.ts';
import { type Direction, type EffectBudget, type Judgement, defaultStatistics, judgeAgainstRuns, judgePairedRounds, percent } from './round-statistics.ts';
import type { GateFinding } from '../results/gate-result.ts';

export interface PerformanceFindings {
  failures: GateFinding[];
  inconclusive: GateFinding[];
  notes: GateFinding[];
  /** Load cases judged (live A/B or against stored runs); 0 means performance was not gated. */
  judged: number;
}

interface Metric {
  name: string;
  value: (summary: RoundSummary) => number;
  direction: Direction;
  budget: (budget: PerformanceBudget) => EffectBudget;
}

const metrics: Metric[] = [
  { name: 'p95 latency', value: (s) => s.p95Us, direction: 'higher-is-worse', budget: (b) => ({ relative: b.p95Increase, floor: b.p95FloorMs * 1000 }) },
  { name: 'throughput', value: (s) => s.rps, direction: 'lower-is-worse', budget: (b) => ({ relative: b.throughputDecrease, floor: b.throughputFloorRps }) },
];

/** The budget in words, for reports: every judgement is read against it. */
export function describeBudget(budget: PerformanceBudget): string {
  return `p95 +${percent(budget.p95Increase)} (never below +${budget.p95FloorMs} ms), throughput -${percent(budget.throughputDecrease)}${budget.throughputFloorRps > 0 ? ` (never below -${budget.throughputFloorRps} req/s)` : ''}, ${budget.confidence * 100} % confidence`;
}

/**
 * Performance, per load case and metric, pure. The unit of evidence is a run or
 * an A/B round (harness/gate/round-statistics.ts): a live A/B case (its
 * `measurements.rounds`) is judged on the paired ratios of its rounds; otherwise
 * the run's figure is judged against the baseline's runs of that case. Without
 * either, nothing is judged (`judged` = 0).
 */
export function gatePerformance(cases: CaseRecord[], baseline: Baseline | undefined, budget: PerformanceBudget = defaultBudget): PerformanceFindings {
  const findings: PerformanceFindings = { failures: [], inconclusive: [], notes: [], judged: 0 };
  const statistics = { ...defaultStatistics, confidence: 1 - (1 - budget.confidence) / 2 };
  const reference = new Map(baseline?.cases.map((record) => [record.key, record]));
  for (const record of cases) {
    const load = loadResultOf(record);
    if (!load || record.result !== 'PASSED') continue;
    const rounds = record.measurements?.rounds;
    const stored = reference.get(record.key)?.samples;
    if (!rounds && !baseline) continue;
    if (!rounds && !reference.has(record.key)) {
      findings.notes.push({ subject: record.key, message: 'not in the baseline: performance not judged' });
      continue;
    }
    findings.judged++;
    for (const metric of metrics) {
      const judgement = rounds
        ? judgePairedRounds(rounds.map((round) => ({ reference: metric.value(round.reference), candidate: metric.value(round.candidate) })), metric.direction, metric.budget(budget), statistics)
        : judgeAgainstRuns((stored ?? []).map(metric.value), [metric.value({ p95Us: load.p95Us, rps: load.rps })], metric.direction, metric.budget(budget), statistics);
      const hint = !rounds && judgement.rounds < statistics.minimumRounds ? ' (add runs with `meshgate baseline save --append`)' : '';
      file(findings, { subject: `${record.key} ${metric.name}`, message: `${rounds ? 'live A/B' : 'against baseline runs'}: ${judgement.reason}${hint}` }, judgement);
    }
  }
  return findings;
}

function file(findings: PerformanceFindings, finding: GateFinding, judgement: Judgement): void {
  if (judgement.verdict === 'fail') findings.failures.push(finding);
  else if (judgement.verdict === 'inconclusive') findings.inconclusive.push(finding);
  else findings.notes.push(finding);
}
