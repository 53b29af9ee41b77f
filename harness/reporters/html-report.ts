import type { GateFinding } from '../results/gate-result.ts';
import { type CaseRecord, countResults } from '../results/case-record.ts';
import { formatComparison, formatLoadTarget } from './html-load-section.ts';
import { loadLevels } from './load-views.ts';
import type { RunReport } from '../results/run-report.ts';
import { escapeHtml as escape } from './svg-chart.ts';

/** The CSS of meshgate's pages (report.html, parity.html): one look. */
export const reportStyle = `body{font:14px system-ui,sans-serif;margin:2em auto;max-width:76em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td[data-metric],td.num{text-align:right}pre{margin:0;white-space:pre-wrap;max-width:32em;font-size:12px}
.pass{color:#176f2c}.fail{color:#b3261e}.inconclusive,.interrupted{color:#8a5a00}.verdict{font-size:2em;margin-bottom:.2em}
svg.chart{background:#fff;border:1px solid #ddd;margin:.5em 1em .5em 0;font-size:11px}.tick{fill:#444}.axis-label{fill:#222;font-size:12px}
section.load-target{border-top:1px solid #ddd;margin-top:1em}.empty{color:#777}`;

/**
 * report.html: the page an SRE opens first. Verdict and why, per-suite counts,
 * failures with expected vs observed, the candidate beside its reference, load
 * figures and plots, what was not run and why, known gateway differences, and
 * the options, machine and versions at the end. One self-contained file: inline
 * CSS and SVG, no script, no network. Pure.
 */
export function formatHtmlReport(report: RunReport): string {
  const levels = loadLevels(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>meshgate ${escape(report.runId)}: ${escape(verdictOf(report))}</title>
<style>${reportStyle}</style>
</head><body>
${formatHeadline(report)}
${formatSuites(report.cases)}
${formatFailures(report)}
${formatComparison(report, [...levels.values()].flat())}
${levels.size > 0 ? `<h2 id="performance">Performance</h2>${[...levels].map(([target, items]) => formatLoadTarget(target, items)).join('\n')}` : ''}
${formatKnownDifferences(report)}
${formatNotRun(report.cases)}
${formatFindings('Notes', 'notes', report.gate.notes)}
${formatRunFacts(report)}
</body></html>
`;
}

function verdictOf(report: RunReport): string {
  return report.status === 'interrupted' ? 'INTERRUPTED' : report.gate.verdict.toUpperCase();
}

function formatHeadline(report: RunReport): string {
  const verdict = report.status === 'interrupted' ? 'interrupted' : report.gate.verdict;
  const why =
    report.status === 'interrupted'
      ? '<p>The run was stopped before every case ran: there is no verdict.</p>'
      : report.gate.reasons.length === 0
        ? '<p>Every case passed (or is not supported by this environment).</p>'
        : formatFindings('Why', 'why', report.gate.reasons);
  const { PASSED, FAILED, SKIPPED, NOT_SUPPORTED } = report.counts;
  return `<h1 class="verdict ${verdict}" id="verdict">meshgate: ${escape(verdictOf(report))}</h1>
<p>${PASSED} passed, ${FAILED} failed, ${SKIPPED} skipped, ${NOT_SUPPORTED} not supported · run <code>${escape(report.runId)}</code> · ${escape(report.environment)} gateway ${escape(report.gateway)}${report.gatewaySoftware ? ` (${escape(report.gatewaySoftware)})` : ''} · scenario ${escape(report.scenario)} · ${escape(report.startedAt)} to ${escape(report.finishedAt)}</p>
${report.harnessErrors.length > 0 ? `<h2 class="fail">Harness errors</h2><ul>${report.harnessErrors.map((error) => `<li>${escape(error)}</li>`).join('')}</ul>` : ''}
${why}`;
}

/** Gate findings with whatever fields the gate result carries beyond subject and message. */
function formatFindings(title: string, id: string, findings: GateFinding[]): string {
  if (findings.length === 0) return '';
  const extra = [...new Set(findings.flatMap((finding) => Object.keys(finding).filter((key) => key !== 'subject' && key !== 'message')))];
  const rows = findings.map((finding) => `<tr><td><code>${escape(finding.subject)}</code></td><td>${escape(finding.message)}</td>${extra.map((key) => `<td>${escape(display((finding as unknown as Record<string, unknown>)[key]))}</td>`).join('')}</tr>`);
  return `<h2 id="${id}">${escape(title)}</h2><table><thead><tr><th>subject</th><th>finding</th>${extra.map((key) => `<th>${escape(key)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function formatSuites(cases: CaseRecord[]): string {
  const suites = [...new Set(cases.map((record) => record.suite))];
  const rows = suites.map((suite) => {
    const own = cases.filter((record) => record.suite === suite);
    const counts = countResults(own);
    const seconds = own.reduce((sum, record) => sum + record.durationMs, 0) / 1000;
    const state = counts.FAILED > 0 ? 'fail' : counts.PASSED > 0 ? 'pass' : '';
    return `<tr data-suite="${escape(suite)}"><td class="${state}">${escape(suite)}</td><td class="num" data-count="PASSED">${counts.PASSED}</td><td class="num" data-count="FAILED">${counts.FAILED}</td><td class="num" data-count="SKIPPED">${counts.SKIPPED}</td><td class="num" data-count="NOT_SUPPORTED">${counts.NOT_SUPPORTED}</td><td class="num">${seconds.toFixed(1)}</td></tr>`;
  });
  return `<h2 id="suites">Suites</h2><table><thead><tr><th>suite</th><th>passed</th><th>failed</th><th>skipped</th><th>not supported</th><th>case time (s)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function formatFailures(report: RunReport): string {
  const failed = report.cases.filter((record) => record.result === 'FAILED');
  if (failed.length === 0) return '';
  const rows = failed.map((record) => `<tr data-case="${escape(record.key)}"><td><code>${escape(record.key)}</code><br>${escape(record.description)}</td><td><pre>${escape(json(record.expected))}</pre></td><td><pre>${escape(json(record.fingerprint))}</pre></td><td>${escape(record.reason)}</td></tr>`);
  return `<h2 id="failures" class="fail">Failed cases (${failed.length})</h2><table><thead><tr><th>case</th><th>expected</th><th>observed</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function formatNotRun(cases: CaseRecord[]): string {
  const notRun = cases.filter((record) => record.result === 'NOT_SUPPORTED' || record.result === 'SKIPPED');
  if (notRun.length === 0) return '';
  const rows = notRun.map((record) => `<tr data-case="${escape(record.key)}"><td><code>${escape(record.key)}</code></td><td>${record.result === 'NOT_SUPPORTED' ? 'not supported' : 'skipped'}</td><td>${escape(record.reason)}</td></tr>`);
  return `<h2 id="not-run">Not supported or not run (${notRun.length})</h2><table><thead><tr><th>case</th><th>result</th><th>reason</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * What the gateway is known to do differently: the settings its configuration
 * cannot express (from the target), and the known differences the cases followed
 * (Istio targets), each with how many of its cases showed it.
 */
function formatKnownDifferences(report: RunReport): string {
  const table = (title: string, columns: string[], rows: string[][]): string =>
    rows.length === 0
      ? ''
      : `<h2 id="${title.toLowerCase().replace(/[^a-z]+/g, '-')}">${escape(title)}</h2><table><thead><tr>${columns.map((column) => `<th>${escape(column)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const differences = (report.knownDifferences ?? []).map((row) => [row.id, row.classification, `${row.seen} of ${row.cases}${row.seen === 0 ? ' (not seen)' : ''}`]);
  const untranslated = report.untranslated.map((item) => [item.appId, item.setting, item.effect]);
  return table('Known gateway differences', ['difference', 'class', 'cases that showed it'], differences) + table('Not translated', ['app', 'setting', 'what the gateway does instead'], untranslated);
}

function formatRunFacts(report: RunReport): string {
  const { machine } = report;
  const facts: Array<[string, string]> = [
    ['meshgate', report.meshgateVersion],
    ['gateway software', report.gatewaySoftware ?? 'unknown'],
    ['machine', `${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}`],
    ['node', machine.node],
    ['scenario', `${report.scenario} (sha256 ${report.scenarioHash.slice(0, 12)})`],
    ['baseline', report.baseline ? `${report.baseline.file} (run ${report.baseline.runId}, ${report.baseline.environment})` : 'none'],
    ['live reference', report.compareTarget ? `${report.compareTarget.file} (${report.compareTarget.gateway})` : 'none'],
    ...Object.entries(report.options).map(([key, value]): [string, string] => [`option ${key}`, display(value)]),
  ];
  return `<h2 id="run">Options, machine and versions</h2><table id="facts"><tbody>${facts.map(([key, value]) => `<tr><th>${escape(key)}</th><td>${escape(value)}</td></tr>`).join('')}</tbody></table>`;
}

function json(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value, null, 1);
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}
