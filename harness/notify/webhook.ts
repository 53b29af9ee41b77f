import { request } from 'undici';
import { errorMessage } from '../errors.ts';
import { timeouts } from '../timeouts.ts';

/** Body layouts a webhook receiver understands. */
export type WebhookFormat = 'slack' | 'dingtalk';

/** A verdict to tell people about. */
export interface VerdictNotice {
  /** `validate`, `watch`, `judge`. */
  command: string;
  /** pass, fail, inconclusive, or interrupted. */
  verdict: string;
  exitCode: number;
  /** One line each: reasons first, then where the report is. */
  lines: string[];
}

/**
 * The notice as the receiver's JSON. Slack: an incoming webhook takes `{"text": ...}` with
 * mrkdwn (api.slack.com/messaging/webhooks, "Sending messages"); Mattermost and most chat
 * tools accept the same. DingTalk: a custom robot takes `{"msgtype": "markdown",
 * "markdown": {"title", "text"}}` (open.dingtalk.com, custom robot message types); a robot
 * secured by keyword needs "meshgate" as its keyword, which every title carries.
 */
export function webhookBody(format: WebhookFormat, notice: VerdictNotice): object {
  const title = `meshgate ${notice.command}: ${notice.verdict.toUpperCase()} (exit ${notice.exitCode})`;
  const lines = notice.lines.slice(0, 30);
  if (format === 'dingtalk') return { msgtype: 'markdown', markdown: { title, text: [`### ${title}`, ...lines.map((line) => `- ${line}`)].join('\n') } };
  return { text: [`*${title}*`, ...lines.map((line) => `• ${line}`)].join('\n') };
}

/**
 * Posts the notice; never throws and never changes the verdict: a receiver that is
 * down, slow (bounded by timeouts.webhookMs) or refuses is logged and that is all.
 */
export async function postNotice(url: string, format: WebhookFormat, notice: VerdictNotice, log: (line: string) => void): Promise<boolean> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody(format, notice)),
      signal: AbortSignal.timeout(timeouts.webhookMs),
    });
    await response.body.dump();
    if (response.statusCode >= 200 && response.statusCode < 300) return true;
    log(`meshgate: notification to ${redact(url)} refused (HTTP ${response.statusCode}); the verdict stands`);
  } catch (error) {
    log(`meshgate: notification to ${redact(url)} failed (${errorMessage(error)}); the verdict stands`);
  }
  return false;
}

/** Webhook URLs carry their secret in the path or query: logs show the origin only. */
function redact(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/** Posts the notice and says so when the receiver took it; like postNotice, never throws. */
export async function sendNotice(url: string, format: WebhookFormat, notice: VerdictNotice, log: (line: string) => void): Promise<void> {
  if (await postNotice(url, format, notice, log)) log('meshgate: verdict posted to the notification webhook');
}
