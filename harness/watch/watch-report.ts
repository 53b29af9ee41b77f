import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeRedacted } from '../redact.ts';
import { escapeHtml as escape, lineChart } from '../reporters/svg-chart.ts';
import type { WatchSecond, WatchSummary } from './watch-recorder.ts';

/** What a watch report says besides its figures. */
export interface WatchRun {
  runId: string;
  gateway: string;
  startedAt: string;
  finishedAt: string;
  minSuccess: number;
  passed: boolean;
}

const columns = ['timestamp', 'host', 'app', 'protocol', 'requests', 'failures', 'success_rate', 'p50_latency_ms', 'p95_latency_ms', 'max_latency_ms'];
const round = (value: number) => Number(value.toFixed(3));

/** watch.csv: one row per host and second; units in the column names. Pure. */
export function formatWatchCsv(seconds: WatchSecond[]): string {
  const rows = seconds.map((row) => [new Date(row.second).toISOString(), row.host, row.app, row.protocol, row.requests, row.failures, round((row.requests - row.failures) / row.requests), round(row.p50Ms), round(row.p95Ms), round(row.maxMs)]);
  return stringify(rows, { header: true, columns });
}

/** watch.html: the verdict, every distinct failure, per-second success and p95 latency per host. Self-contained. Pure. */
export function formatWatchHtml(run: WatchRun, summary: WatchSummary, seconds: WatchSecond[]): string {
  const hosts = [...new Set(seconds.map((row) => row.host))];
  const start = seconds[0]?.second ?? 0;
  const series = (value: (row: WatchSecond) => number) => hosts.map((host) => ({ name: host, points: seconds.filter((row) => row.host === host).map((row) => [(row.second - start) / 1000, value(row)] as [number, number]) }));
  const failures = summary.distinctFailures.map((failure) => `<tr><td>${escape(failure.host)}</td><td>${escape(failure.app)}</td><td>${escape(failure.protocol)}</td><td>${escape(failure.what)}</td><td class="num">${failure.count}</td><td>${escape(failure.firstAt)}</td><td>${escape(failure.lastAt)}</td></tr>`);
  const apps = Object.entries(summary.byApp).map(([app, tally]) => `<tr data-app="${escape(app)}"><td>${escape(tally.host)}</td><td>${escape(app)}</td><td>${escape(tally.protocol)}</td><td class="num">${tally.requests}</td><td class="num">${tally.failures}</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meshgate watch ${escape(run.runId)}: ${run.passed ? 'PASS' : 'FAIL'}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em auto;max-width:76em;padding:0 1em}table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}.num{text-align:right}.pass{color:#176f2c}.fail{color:#b3261e}svg.chart{border:1px solid #ddd;font-size:11px;margin:.5em 0}</style>
</head><body>
<h1 class="${run.passed ? 'pass' : 'fail'}">meshgate watch: ${run.passed ? 'PASS' : 'FAIL'}</h1>
<p>${summary.requests} exchanges, ${summary.failures} failed, success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(run.minSuccess * 100).toFixed(1)} %) · gateway ${escape(run.gateway)} · ${escape(run.startedAt)} to ${escape(run.finishedAt)}</p>
${failures.length > 0 ? `<h2>Failures (${summary.distinctFailures.length} distinct)</h2><table><thead><tr><th>host</th><th>app</th><th>protocol</th><th>what</th><th>count</th><th>first</th><th>last</th></tr></thead><tbody>${failures.join('')}</tbody></table>` : ''}
${lineChart({ title: 'success rate per second, by host', x: { label: 'seconds since the start', scale: 'linear' }, y: { label: 'success rate (%)', scale: 'linear' }, series: series((row) => (100 * (row.requests - row.failures)) / row.requests) })}
${lineChart({ title: 'p95 latency per second, by host', x: { label: 'seconds since the start', scale: 'linear' }, y: { label: 'p95 latency (ms)', scale: 'linear' }, series: series((row) => row.p95Ms) })}
<h2>Hosts</h2><table><thead><tr><th>host</th><th>app</th><th>protocol</th><th>exchanges</th><th>failed</th></tr></thead><tbody>${apps.join('')}</tbody></table>
</body></html>
`;
}

/** Writes watch.csv, watch.html and watch.json (the summary) into `dir`. */
export async function writeWatchReport(dir: string, run: WatchRun, summary: WatchSummary, seconds: WatchSecond[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeRedacted(join(dir, 'watch.csv'), formatWatchCsv(seconds));
  await writeRedacted(join(dir, 'watch.html'), formatWatchHtml(run, summary, seconds));
  await writeRedacted(join(dir, 'watch.json'), `${JSON.stringify({ ...run, ...summary }, null, 2)}\n`);
}
