import { type Command, Option } from 'commander';
import { parseHttpUrl } from '../net/http-url.ts';
import { type VerdictNotice, type WebhookFormat, webhookFormats } from '../notify/notice.ts';
import { registerSecret, registerUrlSecrets } from '../redact.ts';
import type { CommandContext } from './command-context.ts';
import { newRunId } from '../run/run-id.ts';
import { sendNotice } from '../notify/send-notice.ts';
import { type TimeoutsFlag, timeoutsOf } from './options.ts';

/** Flags of a command that notifies. */
export interface NotifyFlags {
  notifyWebhook?: string;
  notifyFormat: WebhookFormat;
  notifySecret?: string;
  reportUrlBase?: URL;
  runId?: string;
}

/** The webhook exactly as given, its path and query registered as secret first (even when it is refused). */
function parseWebhookUrl(value: string): string {
  registerUrlSecrets(value, true);
  parseHttpUrl(value, 'webhook', 'https://hooks.slack.com/services/...');
  return value;
}

function parseSecret(value: string): string {
  registerSecret(value);
  return value;
}

/**
 * Adds --notify-webhook, --notify-format, --notify-secret and --report-url-base to
 * `command`, and arms the notice on exit 2: when the command fails before a verdict
 * (missing kubeconfig, Prometheus unreachable), main calls `context.notifyFailure`.
 */
export function addNotifyOptions(command: Command, context: CommandContext): Command {
  return command
    .addOption(new Option('--notify-webhook <url>', 'POST the verdict (also on exit 2) to this webhook; its failure is a warning, never another exit code').argParser(parseWebhookUrl).env('MESHGATE_NOTIFY_WEBHOOK'))
    .addOption(new Option('--notify-format <format>', 'webhook body: slack, dingtalk, feishu, lark, wecom, or generic (Alertmanager webhook JSON)').choices(webhookFormats).default('slack').env('MESHGATE_NOTIFY_FORMAT'))
    .addOption(new Option('--notify-secret <secret>', 'signing secret of a DingTalk or Feishu/Lark robot with signature verification (prefer the environment variable)').argParser(parseSecret).env('MESHGATE_NOTIFY_SECRET'))
    .addOption(new Option('--report-url-base <url>', 'where reports/<run-id>/ are published (e.g. a CI artifact URL): messages link <base>/<run-id>/<report file>').argParser((value) => parseHttpUrl(value, 'report base', 'https://ci.example.com/artifacts/reports')).env('MESHGATE_REPORT_URL_BASE'))
    .hook('preAction', (_command, action) => {
      // One run id from the start, so a notice on exit 2 names the same run as the reports.
      if (action.options.some((option) => option.attributeName() === 'runId') && action.opts().runId === undefined) action.setOptionValue('runId', newRunId());
      const flags = action.opts() as NotifyFlags;
      context.notifyFailure = (error) =>
        notify(context, flags, { command: action.name(), runId: flags.runId ?? 'none', verdict: 'error', exitCode: 2, lines: [`${error.code}: ${error.message.split('\n')[0]}`] });
    });
}

/** Posts the notice when a webhook was given (once per command: exit 2 after it sends none); returns the warnings to record. */
export async function notify(context: CommandContext, flags: Partial<NotifyFlags> & TimeoutsFlag, notice: VerdictNotice): Promise<string[]> {
  context.notifyFailure = undefined;
  if (flags.notifyWebhook === undefined) return [];
  return sendNotice({ url: flags.notifyWebhook, format: flags.notifyFormat ?? 'slack', secret: flags.notifySecret, budgetMs: timeoutsOf(flags).webhookMs }, notice, context.signal, context.log);
}
