import type { GateResult } from '../results/gate-result.ts';
import { type CaseRecord, countResults } from '../results/case-record.ts';
import { loadResultOf } from '../results/measurements.ts';
import type { RunReport } from '../results/run-report.ts';

const icons = { PASSED: '✅', FAILED: '❌', SKIPPED: '⏭️', NOT_SUPPORTED: '➖' } as const;

/** summary.md: the verdict first, then counts per suite, then every case that needs a look. Pure. */
export function formatSummaryMarkdown(report: RunReport): string {
  const lines = [`# meshgate: ${headline(report.status, report.gate)}`, '', ...describeRun(report), '', ...formatSuiteTable(report.cases)];
  lines.push(...formatPerformanceTable(report.cases));
  if (report.gate.reasons.length > 0) {
    lines.push('', '## Why', '', ...report.gate.reasons.map((finding) => `- \`${finding.subject}\`: ${finding.message}`));
  }
  if (report.gate.notes.length > 0) {
    lines.push('', '## Notes', '', ...report.gate.notes.map((finding) => `- \`${finding.subject}\`: ${finding.message}`));
  }
  if (report.untranslated.length > 0) {
    lines.push('', `## Not translated to ${report.gatewaySoftware ?? 'this gateway'}`, '', '| app | setting | what the gateway does instead |', '|---|---|---|');
    lines.push(...report.untranslated.map((item) => `| ${item.appId} | \`${item.setting}\` | ${item.effect.replace(/\|/g, '\\|')} |`));
  }
  const differences = report.knownDifferences ?? [];
  if (differences.length > 0) {
    lines.push('', '## Known gateway differences', '', '| difference | class | cases that showed it |', '|---|---|---|');
    lines.push(...differences.map((row) => `| \`${row.id}\` | ${row.classification} | ${row.seen} of ${row.cases}${row.seen === 0 ? ' (not seen)' : ''} |`));
  }
  const unsupported = report.cases.filter((record) => record.result === 'NOT_SUPPORTED' || record.result === 'SKIPPED');
  if (unsupported.length > 0) {
    lines.push('', '## Not run here', '', ...unsupported.map((record) => `- ${icons[record.result]} \`${record.key}\`: ${record.reason}`));
  }
  return `${lines.join('\n')}\n`;
}

function headline(status: RunReport['status'], gate: GateResult): string {
  if (status === 'interrupted') return '⚠️ INTERRUPTED (no verdict)';
  return { pass: '✅ PASS', fail: '❌ FAIL', inconclusive: '❔ INCONCLUSIVE' }[gate.verdict];
}

function describeRun(report: RunReport): string[] {
  return [
    `- run: \`${report.runId}\` (${report.startedAt} to ${report.finishedAt})`,
    `- environment: ${report.environment}, gateway ${report.gateway}${report.gatewaySoftware ? ` (${report.gatewaySoftware})` : ''}`,
    `- machine: ${report.machine.cores} x ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, ${report.machine.os}, node ${report.machine.node}; meshgate ${report.meshgateVersion}`,
    `- scenario: ${report.scenario}`,
    ...(report.compareTarget ? [`- live A/B against: \`${report.compareTarget.file}\` (${report.compareTarget.environment}, ${report.compareTarget.gateway})`] : []),
    `- baseline: ${report.baseline ? `\`${report.baseline.file}\` (run ${report.baseline.runId}, ${report.baseline.environment})` : 'none (every case must pass)'}`,
  ];
}

function formatSuiteTable(cases: CaseRecord[]): string[] {
  const suites = [...new Set(cases.map((record) => record.suite))];
  const rows = suites.map((suite) => {
    const counts = countResults(cases.filter((record) => record.suite === suite));
    return `| ${suite} | ${counts.PASSED} | ${counts.FAILED} | ${counts.SKIPPED} | ${counts.NOT_SUPPORTED} |`;
  });
  return ['| suite | passed | failed | skipped | not supported |', '|---|---:|---:|---:|---:|', ...rows];
}

/** The load cases' figures: what a reviewer compares with the budget. */
function formatPerformanceTable(cases: CaseRecord[]): string[] {
  const rows = cases.flatMap((record) => {
    const load = loadResultOf(record);
    if (!load) return [];
    const ms = (micros: number) => (micros / 1000).toFixed(2);
    const failed = Object.entries(load.failures).filter(([, count]) => count > 0).map(([kind, count]) => `${count} ${kind}`);
    return [`| ${record.subject} | ${load.protocol} | ${Math.round(load.rps)} | ${ms(load.p50Us)} | ${ms(load.p95Us)} | ${ms(load.p99Us)} | ${(load.successRate * 100).toFixed(2)} % | ${failed.join(', ') || 'none'} |`];
  });
  if (rows.length === 0) return [];
  const pinning = cases.find((record) => loadResultOf(record))?.measurements?.pinning;
  const pinned = pinning ? `CPU pinning in force: gateway and backends on cores ${pinning.gateway}, load generator on ${pinning.load}.` : 'CPU pinning not in force: figures carry more run-to-run noise.';
  return ['', '## Performance', '', pinned, '', '| target | protocol | req/s | p50 ms | p95 ms | p99 ms | success | failures |', '|---|---|---:|---:|---:|---:|---:|---|', ...rows];
}
