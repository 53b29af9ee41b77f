import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeRedacted } from '../redact.ts';
import { formatWatchHtml } from './watch-html.ts';
import type { WatchSecond } from './watch-recorder.ts';
import type { WatchOutcome, WatchRun } from './watch-outcome.ts';

const columns = ['timestamp', 'host', 'app', 'protocol', 'requests', 'failures', 'success_rate', 'p50_latency_ms', 'p95_latency_ms', 'max_latency_ms'];
const round = (value: number) => Number(value.toFixed(3));

/** watch.csv: one row per host and second; units in the column names. Pure. */
export function formatWatchCsv(seconds: WatchSecond[]): string {
  const rows = seconds.map((row) => [new Date(row.second).toISOString(), row.host, row.app, row.protocol, row.requests, row.failures, round((row.requests - row.failures) / row.requests), round(row.p50Ms), round(row.p95Ms), round(row.maxMs)]);
  return stringify(rows, { header: true, columns });
}

/** watch.json (and `--json`): the run, the verdict and its reasons, events, p95 breaches, marks and the summary; the per-second rows are in watch.csv. Pure. */
export function watchDocument(run: WatchRun, outcome: WatchOutcome): object {
  const { seconds: _inTheCsv, summary, ...rest } = outcome;
  return { ...run, ...rest, ...summary };
}

/** Writes watch.csv, watch.html and watch.json into `dir`. */
export async function writeWatchReport(dir: string, run: WatchRun, outcome: WatchOutcome): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeRedacted(join(dir, 'watch.csv'), formatWatchCsv(outcome.seconds));
  await writeRedacted(join(dir, 'watch.html'), formatWatchHtml(run, outcome));
  await writeRedacted(join(dir, 'watch.json'), `${JSON.stringify(watchDocument(run, outcome), null, 2)}\n`);
}
