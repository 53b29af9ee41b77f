import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRedacted } from '../redact.ts';
import { MeshgateError, errorMessage } from '../errors.ts';
import type { RunReport } from '../results/run-report.ts';
import { formatHtmlReport } from './html-report.ts';
import { formatJunitXml, runErrors } from './junit-xml.ts';
import { type Output, fileOutput, writeOutputs } from './output.ts';
import { formatPerfCsv } from './perf-csv.ts';
import { formatSummaryMarkdown } from './summary-markdown.ts';

/** The report folder's files: junit.xml, results.json (the report exactly), summary.md, perf.csv, report.html. */
export function reportFiles(): Output[] {
  return [
    fileOutput('junit.xml', (report) => formatJunitXml(report.runId, report.cases, runErrors(report))),
    fileOutput('results.json', (report) => `${JSON.stringify(report, null, 2)}\n`),
    fileOutput('summary.md', formatSummaryMarkdown),
    fileOutput('perf.csv', (report) => formatPerfCsv(report.cases, report.startedAt)),
    fileOutput('report.html', formatHtmlReport),
  ];
}

/** Writes the report folder's files into `dir`. */
export async function writeRunReport(dir: string, report: RunReport): Promise<void> {
  await writeOutputs(reportFiles(), report, { dir, exitCode: 0, log: () => undefined });
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
