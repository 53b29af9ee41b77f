import type { Output } from '../reporters/output.ts';
import type { RunReport } from '../results/run-report.ts';
import { runExitCode } from './report.ts';

/** Where the verdict goes: stderr lines, and with `--json` one document on stdout. */
export interface VerdictSink {
  log: (line: string) => void;
  printJson?: (document: object) => void;
}

/** The console output: the verdict on stderr (and with `--json` on stdout), after the report files and metrics. */
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
  const exitCode = runExitCode(report);
  sink.printJson?.({ runId: report.runId, status: report.status, verdict: report.gate.verdict, exitCode, counts: report.counts, reasons: report.gate.reasons, notes: report.gate.notes, reportDir: dir });
}
