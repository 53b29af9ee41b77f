import { join } from 'node:path';
import { InputFileError } from '../errors.ts';
import { readInputFile } from '../input-file.ts';
import type { RunReport } from '../results/run-report.ts';
import { appendRuns, baselineFromReport, readBaseline, writeBaseline } from './baseline.ts';

/** What `baseline save` was given: results files (at least one), where to write, and whether to add to or replace an existing baseline. */
export interface SaveBaselineOptions {
  sources: string[];
  /** Default: baselines/<scenario>-<environment>.json of the first run. */
  out?: string;
  append?: boolean;
  force?: boolean;
}

/**
 * Turns runs' results into a baseline (or adds them to the one at `out`) and writes it
 * atomically. Returns the file and the line that says what it holds.
 */
export async function saveBaseline(options: SaveBaselineOptions): Promise<{ file: string; message: string }> {
  const reports = await Promise.all(options.sources.map(async (source) => ({ report: await readReport(source), source })));
  const [first, ...rest] = reports;
  const file = options.out ?? join('baselines', `${first!.report.scenario}-${first!.report.environment}.json`);
  const baseline = options.append ? appendRuns(await readBaseline(file), reports) : appendRuns(baselineFromReport(first!.report, first!.source), rest);
  await writeBaseline(file, baseline, { force: Boolean(options.force || options.append) });
  const runs = baseline.runs?.length ?? 1;
  const message = `meshgate: baseline of ${runs} run(s) (${baseline.cases.length} cases) written to ${file}${runs < 3 ? '; a performance verdict needs at least 3 runs: add more with --append' : ''}`;
  return { file, message };
}

async function readReport(file: string): Promise<RunReport> {
  const report = await readInputFile(file, 'results', (text) => JSON.parse(text) as RunReport);
  if (report?.version !== 1 || !Array.isArray(report.cases)) throw new InputFileError(file, 'not a meshgate results.json (version 1)');
  return report;
}
