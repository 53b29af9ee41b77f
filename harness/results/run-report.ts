import type { LoadResult } from './load-result.ts';
import type { CaseRecord, KnownDifferenceSeen, countResults } from './case-record.ts';
import type { GateResult } from './gate-result.ts';
import type { MachineInfo } from './machine.ts';

/** Everything a run produced: results.json holds exactly this. */
export interface RunReport {
  version: 1;
  runId: string;
  status: 'completed' | 'interrupted';
  startedAt: string;
  finishedAt: string;
  environment: string;
  gateway: string;
  /** What served the gateway (from the target), e.g. nginx/1.22.1. */
  gatewaySoftware: string | null;
  machine: MachineInfo;
  meshgateVersion: string;
  scenario: string;
  /** sha256 of the scenario as written: a baseline from another scenario is flagged. */
  scenarioHash: string;
  /** sha256 of the case catalogue (suites/): a baseline from another catalogue is refused. */
  catalogueHash?: string;
  /** The baseline compared against, if any. */
  baseline: { file: string; runId: string; environment: string } | null;
  /** With a baseline: its load results by case key, so reports set them beside this run's (live A/B references are in each case's measurements). */
  baselineLoads?: Record<string, LoadResult>;
  /** The live A/B reference (--compare-target), if any. */
  compareTarget: { file: string; environment: string; gateway: string } | null;
  /** Scenario settings the gateway's configuration could not express (from the target), so a difference is explained, not discovered. */
  untranslated: Array<{ appId: string; setting: string; effect: string }>;
  /** Known gateway differences the cases followed (Istio targets), each with how many of its cases showed it. */
  knownDifferences?: KnownDifferenceSeen[];
  /** The options in force (after defaults, file, environment variables and flags). */
  options: Record<string, unknown>;
  gate: GateResult;
  counts: ReturnType<typeof countResults>;
  cases: CaseRecord[];
  /** Errors of the harness itself (a suite that did not load), not of the gateway. */
  harnessErrors: string[];
}
