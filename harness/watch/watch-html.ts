import { escapeHtml as escape, lineChart } from '../reporters/svg-chart.ts';
import type { MarkReport, MarkSide } from './watch-mark.ts';
import type { WatchSecond } from './watch-recorder.ts';
import type { WatchOutcome, WatchRun } from './watch-outcome.ts';

const time = (ms: number) => new Date(ms).toISOString();
const row = (cells: Array<string | number>) => `<tr>${cells.map((cell) => (typeof cell === 'number' ? `<td class="num">${cell}</td>` : `<td>${escape(cell)}</td>`)).join('')}</tr>`;
const table = (title: string, head: string[], rows: string[]) => (rows.length === 0 ? '' : `<h2>${escape(title)}</h2><table><thead><tr>${head.map((cell) => `<th>${escape(cell)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
const sideCells = (side: MarkSide) => [side.answers, side.failures, Math.round(side.p50Ms), Math.round(side.p95Ms)];

function markSection(mark: MarkReport): string {
  const { held, survived, reconnectMs } = mark.websockets;
  const reconnects = reconnectMs.map((ms) => (ms === null ? 'never' : `${Math.round(ms)} ms`)).join(', ') || 'none needed';
  const rows = mark.protocols.map((protocol) => row([protocol.protocol, ...sideCells(protocol.before), ...sideCells(protocol.after), protocol.failuresAround, protocol.budgetSpent === null ? '-' : `${(protocol.budgetSpent * 100).toFixed(1)} %`]));
  return `${table(`Switch marked at ${time(mark.at)} (${mark.by}), ${mark.windowMs / 1000} s either side`, ['protocol', 'before: answers', 'failed', 'p50 ms', 'p95 ms', 'after: answers', 'failed', 'p50 ms', 'p95 ms', 'failed around the mark', 'error budget spent'], rows)}
<p>WebSocket connections held across the switch: ${held} open at the mark, ${survived} survived; reconnects: ${escape(reconnects)}.</p>`;
}

/** watch.html: the verdict and its reasons, events, hosts over the p95 budget, each mark, every distinct failure, per-second charts. Self-contained. Pure. */
export function formatWatchHtml(run: WatchRun, outcome: WatchOutcome): string {
  const { summary, seconds, passed } = outcome;
  const hosts = [...new Set(seconds.map((second) => second.host))];
  const start = seconds[0]?.second ?? 0;
  const series = (value: (second: WatchSecond) => number) => hosts.map((host) => ({ name: host, points: seconds.filter((second) => second.host === host).map((second) => [(second.second - start) / 1000, value(second)] as [number, number]) }));
  const events = outcome.events.map((event) => row([event.kind, time(event.start), (event.durationMs / 1000).toFixed(1), `${event.hosts.length} of ${event.hostsAnswering}`, event.hosts.join(' '), Object.entries(event.seen).map(([kind, count]) => `${count} ${kind}`).join(', ')]));
  const breaches = outcome.p95Breaches.map((breach) => row([breach.host, breach.app, breach.protocol, Math.round(breach.p95Ms), `${breach.over} of ${breach.answers}`, `${time(breach.from)} to ${time(breach.to)}`]));
  const failures = summary.distinctFailures.map((failure) => row([failure.host, failure.app, failure.protocol, failure.what, failure.count, failure.firstAt, failure.lastAt]));
  const apps = Object.entries(summary.byApp).map(([app, tally]) => `<tr data-app="${escape(app)}"><td>${escape(tally.host)}</td><td>${escape(app)}</td><td>${escape(tally.protocol)}</td><td class="num">${tally.requests}</td><td class="num">${tally.failures}</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meshgate watch ${escape(run.runId)}: ${passed ? 'PASS' : 'FAIL'}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em auto;max-width:76em;padding:0 1em}table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}.num{text-align:right}.pass{color:#176f2c}.fail{color:#b3261e}svg.chart{border:1px solid #ddd;font-size:11px;margin:.5em 0}</style>
</head><body>
<h1 class="${passed ? 'pass' : 'fail'}">meshgate watch: ${passed ? 'PASS' : 'FAIL'}</h1>
<p>${summary.requests} exchanges, ${summary.failures} failed, success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(run.minSuccess * 100).toFixed(1)} %; an answer over ${run.maxLatencyMs} ms fails) · rolling p95 budget ${run.p95BudgetMs} ms per host · gateway ${escape(run.gateway)} · ${escape(outcome.startedAt)} to ${escape(outcome.finishedAt)}</p>
${outcome.reasons.length > 0 ? `<ul class="fail">${outcome.reasons.map((reason) => `<li>${escape(reason)}</li>`).join('')}</ul>` : ''}
${outcome.events.length > 0 ? table(`Events (${outcome.events.length})`, ['kind', 'start', 'seconds', 'hosts', 'which', 'seen'], events) : '<p>No event: no moment when many hosts failed or were slow together.</p>'}
${table('Hosts over the p95 budget', ['host', 'app', 'protocol', 'worst p95 ms', 'answers over the budget', 'window'], breaches)}
${outcome.marks.map(markSection).join('\n')}
${table(`Failures (${summary.distinctFailures.length} distinct)`, ['host', 'app', 'protocol', 'what', 'count', 'first', 'last'], failures)}
${lineChart({ title: 'success rate per second, by host', x: { label: 'seconds since the start', scale: 'linear' }, y: { label: 'success rate (%)', scale: 'linear' }, series: series((second) => (100 * (second.requests - second.failures)) / second.requests) })}
${lineChart({ title: 'p95 latency per second, by host', x: { label: 'seconds since the start', scale: 'linear' }, y: { label: 'p95 latency (ms)', scale: 'linear' }, series: series((second) => second.p95Ms) })}
<h2>Hosts</h2><table><thead><tr><th>host</th><th>app</th><th>protocol</th><th>exchanges</th><th>failed</th></tr></thead><tbody>${apps.join('')}</tbody></table>
<p>WebSocket connections held through the watch: ${outcome.websockets.opened} opened, ${outcome.websockets.dropped} dropped.</p>
</body></html>
`;
}
