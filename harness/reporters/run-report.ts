import { mkdir } from 'node:fs/promises';
import { MeshgateError, errorMessage } from '../errors.ts';
import { join } from 'node:path';
import type { GateResult } from '../gate/verdict.ts';
import type { LoadResult } from '../load/load-recorder.ts';
import { type CaseRecord, type KnownDifferenceSeen, countResults } from './case-record.ts';
import { formatHtmlReport } from './html-report.ts';
import { formatJunitXml, runErrors } from './junit-xml.ts';
import type { MachineInfo } from './machine.ts';
import { formatPerfCsv } from './perf-csv.ts';
import { formatSummaryMarkdown } from './summary-markdown.ts';
import { writeRedacted } from '../redact.ts';

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

/** Writes results.json, junit.xml, summary.md, perf.csv and report.html into `dir`. */
export async function writeRunReport(dir: string, report: RunReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeRedacted(join(dir, 'junit.xml'), formatJunitXml(report.runId, report.cases, runErrors(report)));
  await writeRedacted(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeRedacted(join(dir, 'summary.md'), formatSummaryMarkdown(report));
  await writeRedacted(join(dir, 'perf.csv'), formatPerfCsv(report.cases, report.startedAt));
  await writeRedacted(join(dir, 'report.html'), formatHtmlReport(report));
}

/**
 * A run that stopped before it had a report (interrupted while the environment
 * started, gateway unreachable, ...) still leaves a junit.xml holding the error,
 * so CI shows a failure instead of an empty or green test list.
 */
export async function writeErrorJunit(dir: string, runId: string, error: unknown): Promise<void> {
  const runError = error instanceof MeshgateError ? { code: error.code, message: error.message } : { code: 'E_INTERNAL', message: errorMessage(error) };
  await mkdir(dir, { recursive: true });
  await writeRedacted(join(dir, 'junit.xml'), formatJunitXml(runId, [], [runError]));
}
