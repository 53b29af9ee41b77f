import { type VerdictNotice, reportLocation } from '../notify/notice.ts';
import type { RunReport } from '../results/run-report.ts';
import type { Output } from './output.ts';

/** A run report's verdict (or its interruption), counts, failing cases and reasons, and its link, as a notice. */
export function noticeOfReport(command: string, report: RunReport, exitCode: number, reportUrlBase: URL | undefined, dir: string): VerdictNotice {
  const verdict = report.status === 'interrupted' ? 'interrupted' : report.gate.verdict;
  const { PASSED, FAILED, SKIPPED, NOT_SUPPORTED } = report.counts;
  const counts = `${PASSED} passed, ${FAILED} failed, ${SKIPPED} skipped, ${NOT_SUPPORTED} not supported`;
  const reasons = report.gate.reasons.map((reason) => `${reason.subject}: ${reason.message.split('\n')[0]}`);
  return { command, runId: report.runId, verdict, exitCode, lines: [counts, ...reasons], report: reportLocation(reportUrlBase, dir, report.runId, 'report.html') };
}

/**
 * The verdict sent to a webhook (--notify-webhook) by `send`, which returns the warnings
 * of an undelivered notice: they go to the context, never into the exit code.
 */
export function webhookOutput(command: string, reportUrlBase: URL | undefined, send: (notice: VerdictNotice) => Promise<string[]>): Output {
  return {
    name: 'webhook',
    async write(report, context) {
      for (const warning of await send(noticeOfReport(command, report, context.exitCode, reportUrlBase, context.dir))) context.warn?.(warning);
    },
  };
}
