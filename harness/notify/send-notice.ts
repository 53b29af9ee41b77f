import type { VerdictNotice, WebhookFormat } from './notice.ts';

/** The webhook a command notifies (--notify-webhook, --notify-format, --notify-secret). */
export interface NoticeWebhook {
  url: string;
  format: WebhookFormat;
  secret?: string;
  /** Time for every attempt together, ms: the run's webhookMs. */
  budgetMs: number;
}

/** Time the notice of an interrupted run may take, ms: the run ends within 5 s of the signal (README, "What validate does"). */
const interruptedBudgetMs = 1_500;

/**
 * Posts `notice` to the webhook; returns the warnings to record (none when it was
 * delivered). After `signal` fired, one short try, no long backoff: an interrupted
 * run must still end within its grace. The poster loads only when there is a webhook.
 */
export async function sendNotice(webhook: NoticeWebhook, notice: VerdictNotice, signal: AbortSignal, log: (line: string) => void): Promise<string[]> {
  const { postNotice } = await import('./post-notice.ts');
  const budgetMs = signal.aborted ? interruptedBudgetMs : webhook.budgetMs;
  const warning = await postNotice({ ...webhook, budgetMs }, notice, log);
  if (warning === undefined) log('meshgate: notice posted to the notification webhook');
  return warning === undefined ? [] : [warning];
}
