import { createHash } from 'node:crypto';
import { redact } from '../redact.ts';
import { type VerdictNotice, type WebhookFormat, noticeLines, noticeTitle } from './notice.ts';

/**
 * The notice as the receiver's JSON, every line through the one redaction:
 * - slack: an incoming webhook's `{"text"}` with mrkdwn (api.slack.com/messaging/webhooks,
 *   "Sending messages"); Mattermost takes the same.
 * - dingtalk: a custom robot's `{"msgtype": "markdown", "markdown": {"title", "text"}}`
 *   (open.dingtalk.com, custom robot message types).
 * - feishu, lark: a custom bot's `{"msg_type": "text", "content": {"text"}}`
 *   (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot; Lark is the same API on
 *   open.larksuite.com).
 * - wecom: a group robot's `{"msgtype": "markdown", "markdown": {"content"}}`
 *   (developer.work.weixin.qq.com/document/path/91770, 群机器人配置说明).
 * - generic: Alertmanager's webhook payload, version 4 (prometheus.io/docs/alerting/latest/
 *   configuration/#webhook_config), one alert, "resolved" when the gate passed.
 */
export function webhookBody(format: WebhookFormat, notice: VerdictNotice, now = new Date()): object {
  const title = noticeTitle(notice);
  const lines = noticeLines(notice).map(redact);
  switch (format) {
    case 'slack':
      return { text: [`*${title}*`, ...lines.map((line) => `• ${line}`)].join('\n') };
    case 'dingtalk':
      return { msgtype: 'markdown', markdown: { title, text: [`### ${title}`, ...lines.map((line) => `- ${line}`)].join('\n') } };
    case 'feishu':
    case 'lark':
      return { msg_type: 'text', content: { text: [title, ...lines].join('\n') } };
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: [`### ${title}`, ...lines.map((line) => `> ${line}`)].join('\n') } };
    case 'generic':
      return alertmanagerBody(notice, title, lines, now);
  }
}

function alertmanagerBody(notice: VerdictNotice, title: string, lines: string[], now: Date): object {
  const status = notice.exitCode === 0 ? 'resolved' : 'firing';
  const labels = { alertname: 'MeshgateGate', command: notice.command, verdict: notice.verdict, run_id: notice.runId, severity: notice.exitCode === 0 ? 'info' : 'critical' };
  const annotations = { summary: title, description: lines.join('\n') };
  const url = notice.report?.url ? redact(notice.report.url) : '';
  const alert = {
    status,
    labels,
    annotations,
    startsAt: now.toISOString(),
    endsAt: status === 'resolved' ? now.toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: url,
    fingerprint: createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16),
  };
  return {
    version: '4',
    groupKey: `{}:{alertname="MeshgateGate", command="${notice.command}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'meshgate',
    groupLabels: { alertname: 'MeshgateGate', command: notice.command },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: url,
    alerts: [alert],
  };
}
