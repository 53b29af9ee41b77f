import { mkdir } from 'node:fs/promises';
import { MeshgateError, errorMessage } from '../errors.ts';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { RunReport } from '../results/run-report.ts';
import { formatHtmlReport } from './html-report.ts';
import { formatJunitXml, runErrors } from './junit-xml.ts';
import { formatPerfCsv } from './perf-csv.ts';
import { formatSummaryMarkdown } from './summary-markdown.ts';

/** Writes results.json, junit.xml, summary.md, perf.csv and report.html into `dir`. */
export async function writeRunReport(dir: string, report: RunReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'junit.xml'), formatJunitXml(report.runId, report.cases, runErrors(report)));
  await writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'summary.md'), formatSummaryMarkdown(report));
  await writeFileAtomic(join(dir, 'perf.csv'), formatPerfCsv(report.cases, report.startedAt));
  await writeFileAtomic(join(dir, 'report.html'), formatHtmlReport(report));
}

/**
 * A run that stopped before it had a report (interrupted while the environment
 * started, gateway unreachable, ...) still leaves a junit.xml holding the error,
 * so CI shows a failure instead of an empty or green test list.
 */
export async function writeErrorJunit(dir: string, runId: string, error: unknown): Promise<void> {
  const runError = error instanceof MeshgateError ? { code: error.code, message: error.message } : { code: 'E_INTERNAL', message: errorMessage(error) };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'junit.xml'), formatJunitXml(runId, [], [runError]));
}
