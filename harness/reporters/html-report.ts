import type { LoadResult } from '../load/closed-loop.ts';
import { loadResultOf } from '../load/load-recorder.ts';
import type { RunReport } from './run-report.ts';

/**
 * report.html: one self-contained page a person opens: the verdict, the failed
 * cases, and for each load target its latency percentiles per concurrency level
 * and a per-second p95 timeline per level. Inline SVG, no scripts, no network. Pure.
 */
export function formatHtmlReport(report: RunReport): string {
  const loads = groupLoads(report);
  const failed = report.cases.filter((record) => record.result === 'FAILED');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meshgate ${escape(report.runId)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}td:first-child{text-align:left}.pass{color:#176f2c}.fail{color:#b3261e}svg{background:#fafafa;border:1px solid #ddd;margin:.5em 0}</style>
</head><body>
<h1 class="${report.gate.verdict === 'pass' && report.status === 'completed' ? 'pass' : 'fail'}">meshgate: ${escape(report.status === 'interrupted' ? 'INTERRUPTED' : report.gate.verdict.toUpperCase())}</h1>
<p>run ${escape(report.runId)} · ${escape(report.environment)} · scenario ${escape(report.scenario)} · ${report.counts.PASSED} passed, ${report.counts.FAILED} failed, ${report.counts.NOT_SUPPORTED} not supported</p>
${failed.length > 0 ? `<h2>Failed cases</h2><ul>${failed.map((record) => `<li><code>${escape(record.key)}</code>: ${escape(record.reason)}</li>`).join('')}</ul>` : ''}
${[...loads].map(([target, levels]) => formatTarget(target, levels)).join('\n')}
</body></html>
`;
}

function groupLoads(report: RunReport): Map<string, LoadResult[]> {
  const byTarget = new Map<string, LoadResult[]>();
  for (const record of report.cases) {
    const load = loadResultOf(record);
    if (!load) continue;
    const target = record.subject.replace(/ [cr]=\d+$/, '');
    byTarget.set(target, [...(byTarget.get(target) ?? []), load]);
  }
  return byTarget;
}

function formatTarget(target: string, levels: LoadResult[]): string {
  const sorted = [...levels].sort((a, b) => (a.targetRate ?? 0) - (b.targetRate ?? 0) || a.concurrency - b.concurrency);
  const rows = sorted.map((load) => `<tr><td>${level(load)}</td><td>${Math.round(load.rps)}</td><td>${ms(load.p50Us)}</td><td>${ms(load.p95Us)}</td><td>${ms(load.p99Us)}</td><td>${(load.successRate * 100).toFixed(2)} %</td></tr>`);
  const percentiles = chart('latency by concurrency (ms)', sorted.map(level), [
    { name: 'p50', values: sorted.map((load) => load.p50Us / 1000) },
    { name: 'p95', values: sorted.map((load) => load.p95Us / 1000) },
    { name: 'p99', values: sorted.map((load) => load.p99Us / 1000) },
  ]);
  const longest = Math.max(...sorted.map((load) => load.windows.length));
  const timeline = chart('p95 per second (ms)', Array.from({ length: longest }, (_, second) => `${second}s`), sorted.map((load) => ({ name: level(load), values: load.windows.map((window) => window.p95Us / 1000) })));
  return `<h2>${escape(target)}</h2>
<table><tr><th>level</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>success</th></tr>${rows.join('')}</table>
${percentiles}
${timeline}`;
}

const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/** A line chart: one polyline per series over shared x labels, y from 0 to the maximum. */
function chart(title: string, labels: string[], series: Array<{ name: string; values: number[] }>): string {
  const width = 640;
  const height = 240;
  const pad = 40;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  const x = (index: number) => pad + (labels.length <= 1 ? 0 : (index * (width - 2 * pad)) / (labels.length - 1));
  const y = (value: number) => height - pad - (value / max) * (height - 2 * pad);
  const lines = series.map(
    (s, index) =>
      `<polyline fill="none" stroke="${colors[index % colors.length]}" stroke-width="2" points="${s.values.map((value, i) => `${x(i).toFixed(1)},${y(value).toFixed(1)}`).join(' ')}"/>` +
      `<text x="${width - pad + 4}" y="${pad + index * 14}" fill="${colors[index % colors.length]}">${escape(s.name)}</text>`,
  );
  const ticks = labels.map((label, i) => `<text x="${x(i).toFixed(1)}" y="${height - pad + 16}" text-anchor="middle">${escape(label)}</text>`);
  return `<svg width="${width + 40}" height="${height}" role="img" aria-label="${escape(title)}"><text x="${pad}" y="16">${escape(title)}</text>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#999"/>
<text x="4" y="${pad + 4}">${max.toFixed(2)}</text><text x="4" y="${height - pad}">0</text>
${ticks.join('')}${lines.join('')}</svg>`;
}

/** A closed-model level by its connections, an open-model one by its rate. */
function level(load: LoadResult): string {
  return load.targetRate === undefined ? `c=${load.concurrency}` : `${load.targetRate}/s`;
}

function ms(micros: number): string {
  return (micros / 1000).toFixed(2);
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
