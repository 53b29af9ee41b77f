import { type Command, Option } from 'commander';
import { parseHttpUrl } from '../net/http-url.ts';
import type { VerdictNotice, WebhookFormat } from '../notify/webhook.ts';
import type { CommandContext } from './command-context.ts';

/** Flags of a command that notifies. */
export interface NotifyFlags {
  notifyWebhook?: string;
  notifyFormat: WebhookFormat;
}

/** The webhook exactly as given, once it is known to be an http(s) URL. */
function parseWebhookUrl(value: string): string {
  parseHttpUrl(value, 'webhook', 'https://hooks.slack.com/services/...');
  return value;
}

/** Adds --notify-webhook and --notify-format to `command`. */
export function addNotifyOptions(command: Command): Command {
  return command
    .addOption(new Option('--notify-webhook <url>', 'POST the verdict to this webhook (Slack-compatible JSON, or DingTalk); its failure never changes the verdict').argParser(parseWebhookUrl).env('MESHGATE_NOTIFY_WEBHOOK'))
    .addOption(new Option('--notify-format <format>', 'webhook body: slack ({"text"}) or dingtalk ({"msgtype": "markdown"})').choices(['slack', 'dingtalk']).default('slack').env('MESHGATE_NOTIFY_FORMAT'));
}

/** Posts the notice when a webhook was given; logs, never throws. */
export async function notify(context: CommandContext, flags: Partial<NotifyFlags>, notice: VerdictNotice): Promise<void> {
  if (flags.notifyWebhook === undefined) return;
  const { sendNotice } = await import('../notify/webhook.ts');
  await sendNotice(flags.notifyWebhook, flags.notifyFormat ?? 'slack', notice, context.log);
}
