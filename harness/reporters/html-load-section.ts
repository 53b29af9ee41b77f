import { comparisonRows } from './comparison.ts';
import { type LoadLevel, levelName, percentileCurve, percentileTicks } from './load-views.ts';
import type { RunReport } from '../results/run-report.ts';
import { escapeHtml as escape, lineChart } from './svg-chart.ts';

const ms = (micros: number) => (micros / 1000).toFixed(2);

/**
 * The performance part of report.html for one load target: a table of every
 * level, closed-model and open-model latency plotted apart (their x axes mean
 * different things), HDR percentile curves on log axes, per-second p95.
 */
export function formatLoadTarget(target: string, levels: LoadLevel[]): string {
  const rows = levels.map((level) => {
    const { load } = level;
    const failures = Object.entries(load.failures).filter(([, count]) => count > 0).map(([kind, count]) => `${count} ${kind}`).join(', ') || 'none';
    return `<tr data-case="${escape(level.record.key)}"><td>${escape(levelName(level))}</td><td>${level.model}</td><td data-metric="rps">${Math.round(load.rps)}</td><td data-metric="p50">${ms(load.p50Us)}</td><td data-metric="p95">${ms(load.p95Us)}</td><td data-metric="p99">${ms(load.p99Us)}</td><td data-metric="success">${(load.successRate * 100).toFixed(2)} %</td><td>${escape(failures)}</td></tr>`;
  });
  return `<section class="load-target"><h3>${escape(target)} (${escape(levels[0]!.load.protocol)})</h3>
<table><thead><tr><th>level</th><th>model</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>success</th><th>failures</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${modelChart(target, levels.filter((level) => level.model === 'closed'), 'connections (closed model)')}
${modelChart(target, levels.filter((level) => level.model === 'open'), 'arrival rate, requests/s (open model)')}
${lineChart({
  title: `${target}: HDR percentile curves`,
  x: { label: 'percentile', scale: 'log', ticks: percentileTicks },
  y: { label: 'latency (ms, log scale)', scale: 'log' },
  series: levels.flatMap((level) => [
    { name: levelName(level), points: percentileCurve(level.load) },
    ...(level.reference ? [{ name: `${levelName(level)} ref`, points: percentileCurve(level.reference) }] : []),
  ]),
})}
${lineChart({
  title: `${target}: p95 latency per second`,
  x: { label: 'second of the measured run', scale: 'linear' },
  y: { label: 'p95 latency (ms)', scale: 'linear' },
  series: levels.map((level) => ({ name: levelName(level), points: level.load.windows.map((window) => [window.second, window.p95Us / 1000] as [number, number]) })),
})}</section>`;
}

/** p50/p95/p99 against the level of one load model, with the reference's p95 when there is one. */
function modelChart(target: string, levels: LoadLevel[], xLabel: string): string {
  if (levels.length === 0) return '';
  const series = (['p50Us', 'p95Us', 'p99Us'] as const).map((field) => ({ name: field.slice(0, 3), points: levels.map((level) => [level.level, level.load[field] / 1000] as [number, number]) }));
  const referenced = levels.filter((level) => level.reference);
  if (referenced.length > 0) series.push({ name: 'p95 ref', points: referenced.map((level) => [level.level, level.reference!.p95Us / 1000] as [number, number]) });
  return lineChart({
    title: `${target}: latency by ${levels[0]!.model === 'closed' ? 'concurrency' : 'arrival rate'}`,
    x: { label: xLabel, scale: 'log', ticks: levels.map((level) => ({ value: level.level, text: String(level.level) })) },
    y: { label: 'latency (ms, log scale)', scale: 'log' },
    series,
  });
}

/** Candidate beside reference per metric with delta and the gate's p-value; empty without a reference. */
export function formatComparison(report: RunReport, levels: LoadLevel[]): string {
  const rows = comparisonRows(levels, report.gate);
  if (rows.length === 0) return '';
  const against = report.compareTarget ? `live reference ${report.compareTarget.gateway} (${report.compareTarget.environment})` : `baseline ${report.baseline?.runId ?? ''} (${report.baseline?.file ?? ''})`;
  const body = rows.map((row) => {
    const worse = row.metric === 'throughput' || row.metric === 'success rate' ? row.delta < 0 : row.delta > 0;
    return `<tr data-case="${escape(row.key)}" data-metric="${escape(row.metric)}"><td>${escape(row.key)}</td><td>${escape(row.metric)}</td><td>${row.reference.toFixed(2)} ${row.unit}</td><td>${row.candidate.toFixed(2)} ${row.unit}</td><td class="${worse && Math.abs(row.delta) > 0.005 ? 'fail' : ''}">${row.delta >= 0 ? '+' : ''}${(row.delta * 100).toFixed(1)} %</td><td>${row.pValue === null ? '' : row.pValue.toFixed(4)}</td></tr>`;
  });
  return `<h2 id="comparison">Candidate vs reference</h2><p>Against the ${escape(against)}. p: the gate's one-sided test per metric (where it judges that metric).</p>
<table><thead><tr><th>case</th><th>metric</th><th>reference</th><th>candidate</th><th>delta</th><th>p</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}
