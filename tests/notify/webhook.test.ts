import { describe, expect, it } from 'vitest';
import { postNotice, webhookBody } from '../../harness/notify/webhook.ts';
import { freePort } from '../../harness/net/ports.ts';
import { startReceiver } from './webhook-receiver.ts';

const notice = { command: 'judge', verdict: 'fail', exitCode: 1, lines: ['ns-a/web: 5xx ratio 10.00 % over the 5.00 % ceiling'] };

describe('webhook bodies', () => {
  it('Slack: one mrkdwn text with the verdict first', () => {
    expect(webhookBody('slack', notice)).toEqual({ text: '*meshgate judge: FAIL (exit 1)*\n• ns-a/web: 5xx ratio 10.00 % over the 5.00 % ceiling' });
  });

  it('DingTalk: a markdown message whose title carries the keyword "meshgate"', () => {
    expect(webhookBody('dingtalk', notice)).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'meshgate judge: FAIL (exit 1)', text: '### meshgate judge: FAIL (exit 1)\n- ns-a/web: 5xx ratio 10.00 % over the 5.00 % ceiling' },
    });
  });
});

describe('posting', () => {
  it('posts the body as JSON to the receiver', async () => {
    const receiver = await startReceiver();
    try {
      expect(await postNotice(receiver.url, 'dingtalk', notice, () => undefined)).toBe(true);
      expect(receiver.bodies).toEqual([webhookBody('dingtalk', notice)]);
    } finally {
      await receiver.close();
    }
  });

  it('logs a refusing or absent receiver without throwing, and never its secret path', async () => {
    const receiver = await startReceiver(500);
    const lines: string[] = [];
    try {
      expect(await postNotice(receiver.url, 'slack', notice, (line) => lines.push(line))).toBe(false);
      expect(await postNotice(`http://127.0.0.1:${await freePort()}/hook/secret`, 'slack', notice, (line) => lines.push(line))).toBe(false);
    } finally {
      await receiver.close();
    }
    expect(lines[0]).toMatch(/refused \(HTTP 500\); the verdict stands/);
    expect(lines[1]).toMatch(/failed \(.*\); the verdict stands/);
    expect(lines.join('\n')).not.toMatch(/secret/);
  });
});
