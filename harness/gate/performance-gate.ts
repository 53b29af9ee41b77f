import { loadResultOf } from '../results/measurements.ts';
import type { CaseRecord } from '../results/case-record.ts';
import { type PerformanceBudget, defaultBudget } from '../scenario/performance-profile.ts';
import type { Baseline } from '../results/baseline.ts';
import { type Judgement, judgeAgainstRuns, percent } from '../statistics/round-statistics.ts';
import { describeStop, judgeRounds, roundMetrics, statisticsFor } from '../statistics/ab-decision.ts';
import type { GateFinding, LevelSequence } from '../results/gate-result.ts';

export interface PerformanceFindings {
  failures: GateFinding[];
  inconclusive: GateFinding[];
  notes: GateFinding[];
  /** Load cases judged (live A/B or against stored runs); 0 means performance was not gated. */
  judged: number;
  /** How each live A/B level's rounds ended. */
  sequences: LevelSequence[];
  /** Levels that had a live reference but ran once, unjudged (the quick profile judges one level a target). */
  unjudged: number;
}

/** The budget in words, for reports: every judgement is read against it. */
export function describeBudget(budget: PerformanceBudget): string {
  return `p95 +${percent(budget.p95Increase)} (never below +${budget.p95FloorMs} ms), throughput -${percent(budget.throughputDecrease)}${budget.throughputFloorRps > 0 ? ` (never below -${budget.throughputFloorRps} req/s)` : ''}, ${budget.confidence * 100} % confidence`;
}

/**
 * Performance, per load case and metric, pure. The unit of evidence is a run or
 * an A/B round (harness/statistics/round-statistics.ts): a live A/B case (its
 * `measurements.rounds`) is judged on the paired ratios of its rounds; otherwise
 * the run's figure is judged against the baseline's runs of that case. Without
 * either, nothing is judged (`judged` = 0).
 */
export function gatePerformance(cases: CaseRecord[], baseline: Baseline | undefined, budget: PerformanceBudget = defaultBudget): PerformanceFindings {
  const findings: PerformanceFindings = { failures: [], inconclusive: [], notes: [], judged: 0, sequences: [], unjudged: 0 };
  const statistics = statisticsFor(budget);
  const reference = new Map(baseline?.cases.map((record) => [record.key, record]));
  for (const record of cases) {
    const load = loadResultOf(record);
    if (!load || record.result !== 'PASSED') continue;
    const { rounds, sequence, unjudged, together } = record.measurements ?? {};
    if (unjudged) findings.unjudged++;
    if (!rounds && !baseline) continue;
    if (!rounds && !reference.has(record.key)) {
      findings.notes.push({ subject: record.key, message: 'not in the baseline: performance not judged' });
      continue;
    }
    findings.judged++;
    if (rounds) {
      const how = `live A/B${sequence ? ` (${describeStop(sequence)})` : ''}`;
      if (sequence) findings.sequences.push({ subject: record.key, ...sequence });
      const uneven = together && describeUneven(together);
      if (uneven) {
        findings.inconclusive.push({ subject: record.key, message: `${how}: ${uneven}` });
        continue;
      }
      // Rounds recorded without a sequence (a fixed count) are read as a design of that many.
      const judgements = judgeRounds(rounds, budget, { maxRounds: sequence?.maxRounds ?? rounds.length });
      for (const { metric, judgement } of judgements) file(findings, { subject: `${record.key} ${metric.name}`, message: `${how}: ${judgement.reason}` }, judgement);
      continue;
    }
    const stored = reference.get(record.key)?.samples ?? [];
    for (const metric of roundMetrics) {
      const judgement = judgeAgainstRuns(stored.map(metric.value), [metric.value({ p95Us: load.p95Us, rps: load.rps })], metric.direction, metric.budget(budget), statistics);
      const hint = judgement.rounds < statistics.minimumRounds || judgement.roundsNeeded !== undefined ? ' (add runs with `meshgate baseline save --append`)' : '';
      file(findings, { subject: `${record.key} ${metric.name}`, message: `against baseline runs: ${judgement.reason}${hint}` }, judgement);
    }
  }
  return findings;
}

/**
 * Loaded together, each side keeps a share of its solo figure; like gateways on
 * like resources keep about the same. When one kept this many times more than
 * the other, they took resources from each other unevenly (a shared CPU, a
 * scheduler group), and their ratio is not the gateways' difference.
 */
const unevenTogether = 1.5;

function describeUneven({ reference, candidate }: { reference: number; candidate: number }): string | undefined {
  if (Math.max(reference, candidate) <= unevenTogether * Math.min(reference, candidate)) return undefined;
  return `not judged: loaded together, the gateways slowed each other unevenly (the reference kept ${percent(reference)} of its figure alone, the candidate ${percent(candidate)}), so their ratio is not the gateways' difference; give each its own CPUs`;
}

function file(findings: PerformanceFindings, finding: GateFinding, judgement: Judgement): void {
  if (judgement.verdict === 'fail') findings.failures.push(finding);
  else if (judgement.verdict === 'inconclusive') findings.inconclusive.push(finding);
  else findings.notes.push(finding);
}
