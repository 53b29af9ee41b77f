import { scenarioHash } from '../gate/baseline-fit.ts';
import { exitCodeFor, gateResults } from '../gate/verdict.ts';
import type { LoadResult } from '../results/load-result.ts';
import type { Baseline } from '../results/baseline.ts';
import { type CaseRecord, type CasesOutcome, countResults, knownDifferencesSeen } from '../results/case-record.ts';
import type { GateFinding } from '../results/gate-result.ts';
import { describeMachine } from '../results/machine.ts';
import { loadResultOf } from '../results/measurements.ts';
import type { RunReport } from '../results/run-report.ts';
import type { ResolvedPerformance } from '../scenario/performance-profile.ts';
import type { LoadedTarget } from '../target.ts';
import { meshgateVersion } from '../version.ts';
import { gatewayLabel } from './reachable.ts';

/** What the gate and the report need besides the cases. */
export interface ReportContext {
  runId: string;
  startedAt: string;
  /** The target as written (the report names its environment, gateway and scenario). */
  target: LoadedTarget;
  baseline?: { file: string; content: Baseline };
  compareTarget?: { file: string; content: LoadedTarget };
  /** The performance levels in force, baseline mismatches accepted by flag, the case catalogue's hash. */
  performance: { levels: ResolvedPerformance; accepted: GateFinding[]; catalogueHash: string };
  /** The options in force, recorded in the report. */
  options: Record<string, unknown>;
}

/** The gate stage: gates the cases and assembles the run report. Pure but for the clock and the machine description. */
export function gateRun(outcome: CasesOutcome, context: ReportContext): RunReport {
  const { target, baseline, compareTarget } = context;
  const { levels, accepted } = context.performance;
  const gate = gateResults(outcome.cases, baseline?.content, { budget: levels.budget, profile: levels.profile });
  gate.notes.unshift(...accepted);
  return {
    version: 1,
    runId: context.runId,
    status: outcome.interrupted ? 'interrupted' : 'completed',
    startedAt: context.startedAt,
    finishedAt: new Date().toISOString(),
    environment: target.environment,
    gateway: gatewayLabel(target),
    gatewaySoftware: target.gateway.software ?? null,
    machine: describeMachine(),
    meshgateVersion,
    scenario: target.resolved.name,
    scenarioHash: scenarioHash(target.scenario),
    catalogueHash: context.performance.catalogueHash,
    baseline: baseline ? { file: baseline.file, runId: baseline.content.runId, environment: baseline.content.environment } : null,
    baselineLoads: baseline ? baselineLoads(baseline.content, outcome.cases) : undefined,
    compareTarget: compareTarget ? { file: compareTarget.file, environment: compareTarget.content.environment, gateway: gatewayLabel(compareTarget.content) } : null,
    untranslated: target.untranslated ?? [],
    knownDifferences: knownDifferencesSeen(outcome.cases),
    options: context.options,
    gate,
    counts: countResults(outcome.cases),
    cases: outcome.cases,
    harnessErrors: outcome.harnessErrors,
  };
}

/** The baseline's load results of the load cases that ran now. */
function baselineLoads(baseline: Baseline, cases: CaseRecord[]): Record<string, LoadResult> {
  const ran = new Set(cases.map((record) => record.key));
  return Object.fromEntries(
    baseline.cases.flatMap((record) => {
      const load = loadResultOf(record);
      return load && ran.has(record.key) ? [[record.key, load]] : [];
    }),
  );
}

/** The run's exit code: 2 when it was interrupted or the harness failed, else the gate's (0 pass, 1 otherwise). */
export function runExitCode(report: RunReport): 0 | 1 | 2 {
  if (report.status === 'interrupted' || report.harnessErrors.length > 0) return 2;
  return exitCodeFor(report.gate.verdict);
}
