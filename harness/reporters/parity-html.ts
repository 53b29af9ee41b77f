import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostParity } from '../parity/compare-answers.ts';
import type { ParityDocument } from '../parity/parity-document.ts';
import { writeRedacted } from '../redact.ts';
import { reportStyle } from './html-report.ts';
import { escapeHtml as escape } from './svg-chart.ts';

const pageStyle = `${reportStyle}
.error{color:#b3261e}td.answer{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;max-width:30em}section.host{margin-top:1.2em}`;

/**
 * parity.html: the verdict, the hosts that could not be compared, every host that differs
 * with the reference's and the candidate's answer side by side per field, the hosts with
 * known differences only, what the A/A runs learned as noise, and the options. One
 * self-contained file, as report.html: inline CSS, no script, no network. Pure.
 */
export function formatParityHtml(document: ParityDocument): string {
  const { same, knownDifference, differs, unreachable } = document.counts;
  const hosts = (verdict: HostParity['verdict']) => document.hosts.filter((host) => host.verdict === verdict);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>meshgate parity ${escape(document.runId)}: ${escape(document.verdict.toUpperCase())}</title>
<style>${pageStyle}</style>
</head><body>
<h1 class="verdict ${escape(document.verdict)}" id="verdict">meshgate parity: ${escape(document.verdict.toUpperCase())}</h1>
<p>${document.hosts.length} hosts: ${same} the same, ${knownDifference} with known differences only, ${differs} differ, ${unreachable} not compared · run <code>${escape(document.runId)}</code> · reference ${escape(document.reference)} · candidate ${escape(document.candidate)} · ${escape(document.startedAt)} to ${escape(document.finishedAt)}</p>
${document.verdict === 'interrupted' ? '<p class="interrupted">The run was stopped before every host was compared: there is no verdict.</p>' : ''}
${formatUnreachable(hosts('unreachable'))}
${formatHosts('Hosts that differ', 'differs', 'fail', hosts('differs'))}
${formatHosts('Known differences only', 'known-differences', '', hosts('known-difference'))}
${formatNoise(document.hosts)}
${formatFacts(document)}
</body></html>
`;
}

function formatUnreachable(hosts: HostParity[]): string {
  if (hosts.length === 0) return '';
  const rows = hosts.map((host) => `<tr data-host="${escape(host.host)}"><td>${escape(host.host)}</td><td>${escape(host.reason ?? '')}</td></tr>`);
  return `<h2 id="unreachable" class="fail">Not compared (${hosts.length})</h2><table><thead><tr><th>host</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One table per host: field, class (and the known-differences row), the reference's answer, the candidate's. */
function formatHosts(title: string, id: string, className: string, hosts: HostParity[]): string {
  if (hosts.length === 0) return '';
  const answer = (value: string | null) => (value === null ? '<td class="answer empty">(none)</td>' : `<td class="answer">${escape(value)}</td>`);
  const sections = hosts.map((host) => {
    const rows = host.differences.map(
      (difference) =>
        `<tr data-field="${escape(difference.field)}"><td><code>${escape(difference.field)}</code></td><td class="${difference.class === 'differs' ? 'fail' : ''}">${escape(difference.class)}${difference.row ? ` (${escape(difference.row)})` : ''}</td>${answer(difference.reference)}${answer(difference.candidate)}</tr>`,
    );
    return `<section class="host" data-host="${escape(host.host)}"><h3>${escape(host.host)}</h3><table><thead><tr><th>field</th><th>class</th><th>reference</th><th>candidate</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
  });
  return `<h2 id="${id}"${className ? ` class="${className}"` : ''}>${escape(title)} (${hosts.length})</h2>${sections.join('\n')}`;
}

/** The fields the reference answered differently twice, with how many hosts each: what was not compared, and why. */
function formatNoise(hosts: HostParity[]): string {
  const byField = new Map<string, number>();
  for (const field of hosts.flatMap((host) => host.noisy)) byField.set(field, (byField.get(field) ?? 0) + 1);
  if (byField.size === 0) return '<h2 id="noise">Noise learned (A/A)</h2><p class="empty">The reference answered every field the same twice.</p>';
  const rows = [...byField].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([field, count]) => `<tr><td><code>${escape(field)}</code></td><td class="num">${count}</td></tr>`);
  return `<h2 id="noise">Noise learned (A/A): not compared</h2><table><thead><tr><th>field</th><th>hosts</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function formatFacts(document: ParityDocument): string {
  const facts: Array<[string, string]> = [
    ['hosts from', document.source],
    ['resumed from the state file', String(document.resumed)],
    ...Object.entries(document.options).map(([key, value]): [string, string] => [`option ${key}`, String(value)]),
  ];
  return `<h2 id="run">Options</h2><table id="facts"><tbody>${facts.map(([key, value]) => `<tr><th>${escape(key)}</th><td>${escape(value)}</td></tr>`).join('')}</tbody></table>`;
}

/** Writes parity.json (the document exactly) and parity.html into `dir`, both through the one redaction; returns their paths. */
export async function writeParityReport(dir: string, document: ParityDocument): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [join(dir, 'parity.json'), join(dir, 'parity.html')];
  await writeRedacted(files[0]!, `${JSON.stringify(document, null, 2)}\n`);
  await writeRedacted(files[1]!, formatParityHtml(document));
  return files;
}
