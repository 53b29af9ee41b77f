import type { Output } from '../reporters/output.ts';
import type { RunReport } from '../results/run-report.ts';
import { runExitCode } from './report.ts';

/** Where the verdict goes: stderr lines, and with `--json` one document on stdout (jsonOutput). */
export interface VerdictSink {
  log: (line: string) => void;
  printJson?: (document: object) => void;
}

/** The console output: the verdict on stderr, right after the report files. */
export function verdictOutput(sink: VerdictSink): Output {
  return { name: 'verdict', write: async (report, context) => printVerdict(report, context.dir, sink) };
}

/** Says the verdict, its counts and first reasons, and where the reports are. */
function printVerdict(report: RunReport, dir: string, sink: VerdictSink): void {
  const { PASSED, FAILED, SKIPPED, NOT_SUPPORTED } = report.counts;
  const verdict = report.status === 'interrupted' ? 'INTERRUPTED' : report.gate.verdict.toUpperCase();
  sink.log(`meshgate: ${verdict}: ${PASSED} passed, ${FAILED} failed, ${SKIPPED} skipped, ${NOT_SUPPORTED} not supported`);
  const performance = report.gate.notes.find((note) => note.subject === 'performance');
  if (performance) sink.log(`meshgate: performance: ${performance.message}`);
  for (const reason of report.gate.reasons.slice(0, 20)) sink.log(`  ✗ ${reason.subject}: ${reason.message.split('\n')[0]}`);
  if (report.gate.notes.length > 0) sink.log(`meshgate: ${report.gate.notes.length} note(s) in summary.md (fingerprint changes, cases not run)`);
  sink.log(`meshgate: reports in ${dir}/ (summary.md, report.html, results.json, perf.csv, junit.xml)`);
}

/** With `--json`, the run summary on stdout (with live A/B, each level's rounds and why it stopped), written last so it holds the monitoring warnings among the notes. */
export function jsonOutput(sink: VerdictSink): Output {
  return {
    name: 'JSON summary',
    write: async (report, context) =>
      sink.printJson?.({ runId: report.runId, status: report.status, verdict: report.gate.verdict, exitCode: runExitCode(report), counts: report.counts, reasons: report.gate.reasons, notes: report.gate.notes, ...(report.gate.sequences ? { sequences: report.gate.sequences } : {}), reportDir: context.dir }),
  };
}
