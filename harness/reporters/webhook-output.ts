import type { VerdictNotice, WebhookFormat } from '../notify/webhook.ts';
import type { RunReport } from '../results/run-report.ts';
import type { Output } from './output.ts';

/** A run report's verdict (or its interruption), reasons and folder as a notice. */
export function noticeOfReport(command: string, report: RunReport, exitCode: number, dir: string): VerdictNotice {
  const verdict = report.status === 'interrupted' ? 'interrupted' : report.gate.verdict;
  const reasons = report.gate.reasons.slice(0, 20).map((reason) => `${reason.subject}: ${reason.message.split('\n')[0]}`);
  return { command, verdict, exitCode, lines: [...reasons, `reports: ${dir}`] };
}

/** The verdict POSTed to a webhook (--notify-webhook); its failure is logged and never changes the verdict. */
export function webhookOutput(url: string, format: WebhookFormat, command: string): Output {
  return {
    name: 'webhook',
    async write(report, context) {
      const { sendNotice } = await import('../notify/webhook.ts');
      await sendNotice(url, format, noticeOfReport(command, report, context.exitCode, context.dir), context.log);
    },
  };
}
