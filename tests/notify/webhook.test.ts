import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VerdictNotice, WebhookFormat } from '../../harness/notify/notice.ts';
import { platformError, postNotice } from '../../harness/notify/post-notice.ts';
import { dingtalkSignedUrl, feishuSignature } from '../../harness/notify/signature.ts';
import { webhookBody } from '../../harness/notify/webhook-body.ts';
import { freePort } from '../../harness/net/ports.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';
import { type ReceiverAnswer, startReceiver } from './webhook-receiver.ts';

const notice: VerdictNotice = {
  command: 'validate',
  runId: '20261206-010000-ab12',
  verdict: 'fail',
  exitCode: 1,
  lines: ['290 passed, 1 failed, 0 skipped, 3 not supported', 'cors-preflight[ns-a/web]: expected 204, observed 200'],
  report: { url: 'https://ci.example.test/artifacts/20261206-010000-ab12/report.html' },
};

/** Every message must carry the run id, the verdict, the failing case and the report link. */
function expectEssentials(text: string): void {
  expect(text).toContain('meshgate validate: FAIL (exit 1)');
  expect(text).toContain('run 20261206-010000-ab12');
  expect(text).toContain('cors-preflight[ns-a/web]: expected 204, observed 200');
  expect(text).toContain('https://ci.example.test/artifacts/20261206-010000-ab12/report.html');
}

async function post(format: WebhookFormat, answers: Array<number | ReceiverAnswer>, secret?: string) {
  const receiver = await startReceiver(...answers);
  const lines: string[] = [];
  try {
    const warning = await postNotice({ url: receiver.url, format, secret, budgetMs: defaultTimeouts.webhookMs }, notice, (line) => lines.push(line));
    return { warning, bodies: receiver.bodies, paths: receiver.paths, lines };
  } finally {
    await receiver.close();
  }
}

describe('webhook formats, each against a local receiver answering as the platform does', () => {
  it('Slack: {"text"} with mrkdwn; "ok" is delivered', async () => {
    const { warning, bodies } = await post('slack', [200]);
    expect(warning).toBeUndefined();
    expect(bodies).toEqual([{ text: expect.stringMatching(/^\*meshgate validate: FAIL \(exit 1\)\*\n• run /) }]);
    expectEssentials((bodies[0] as { text: string }).text);
  });

  it('DingTalk: markdown; {"errcode":0} is delivered', async () => {
    const { warning, bodies } = await post('dingtalk', [{ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }]);
    expect(warning).toBeUndefined();
    const body = bodies[0] as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('meshgate validate: FAIL (exit 1)');
    expectEssentials(body.markdown.text);
  });

  it("DingTalk: an errcode in a 200 answer is a refusal, not a delivery, and is not retried", async () => {
    const { warning, bodies, lines } = await post('dingtalk', [{ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' }]);
    expect(warning).toMatch(/not delivered: refused: error 310000 \(keywords not in content\); the verdict stands$/);
    expect(bodies).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('/services/T000/B000/secret');
  });

  it('DingTalk signed robot: timestamp and sign in the query, as its documented HMAC-SHA256', async () => {
    const { warning, paths } = await post('dingtalk', [{ status: 200, body: '{"errcode":0}' }], 'SEC-signing-secret');
    expect(warning).toBeUndefined();
    const query = new URL(paths[0]!, 'http://x').searchParams;
    const timestamp = query.get('timestamp')!;
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(60_000);
    const expected = createHmac('sha256', 'SEC-signing-secret').update(`${timestamp}\nSEC-signing-secret`).digest('base64');
    expect(query.get('sign')).toBe(expected);
  });

  it('DingTalk signature matches an independent implementation (docs.rs dingding 0.1.1 signature.rs test vector)', () => {
    expect(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=t', 'secret', 1_700_000_000_000)).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D',
    );
  });

  it.each(['feishu', 'lark'] as const)('%s: text message; {"code":0} is delivered, {"code":19021} refused; signed bots get timestamp and sign in the body', async (format) => {
    const delivered = await post(format, [{ status: 200, body: '{"code":0,"data":{},"msg":"success"}' }], 'feishu-secret');
    expect(delivered.warning).toBeUndefined();
    const body = delivered.bodies[0] as { msg_type: string; content: { text: string }; timestamp: string; sign: string };
    expect(body.msg_type).toBe('text');
    expectEssentials(body.content.text);
    expect(Math.abs(Number(body.timestamp) * 1000 - Date.now())).toBeLessThan(60_000);
    expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\nfeishu-secret`).update('').digest('base64'));
    expect(body.sign).toBe(feishuSignature('feishu-secret', Number(body.timestamp) * 1000).sign);
    const refused = await post(format, [{ status: 200, body: '{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}' }]);
    expect(refused.warning).toMatch(/refused: error 19021 \(sign match fail/);
  });

  it('WeCom: markdown content; {"errcode":0} delivered, another errcode refused', async () => {
    const delivered = await post('wecom', [{ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }]);
    expect(delivered.warning).toBeUndefined();
    const body = delivered.bodies[0] as { msgtype: string; markdown: { content: string } };
    expect(body.msgtype).toBe('markdown');
    expectEssentials(body.markdown.content);
    expect((await post('wecom', [{ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' }])).warning).toMatch(/error 93000/);
  });

  it('generic: an Alertmanager version 4 webhook payload, firing on a failed gate, resolved on a pass', async () => {
    const { warning, bodies } = await post('generic', [200]);
    expect(warning).toBeUndefined();
    const body = bodies[0] as { version: string; status: string; alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string }> };
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'meshgate', groupLabels: { alertname: 'MeshgateGate' } });
    expect(body.alerts[0]!.labels).toMatchObject({ alertname: 'MeshgateGate', verdict: 'fail', run_id: notice.runId, command: 'validate' });
    expectEssentials(`${body.alerts[0]!.annotations.summary}\n${body.alerts[0]!.annotations.description}\n${body.alerts[0]!.generatorURL}`);
    expect(webhookBody('generic', { ...notice, verdict: 'pass', exitCode: 0 })).toMatchObject({ status: 'resolved' });
  });
});

describe('delivery', () => {
  it('retries a 5xx or 429 with backoff and delivers', async () => {
    const { warning, bodies, lines } = await post('slack', [503, 429, 200]);
    expect(warning).toBeUndefined();
    expect(bodies).toHaveLength(3);
    expect(lines.filter((line) => /attempt \d to \S+ failed \(HTTP (503|429)\); trying again in \d+ ms/.test(line))).toHaveLength(2);
  });

  it('gives up within the bounded total time on a receiver that keeps failing, and on none at all', async () => {
    const started = Date.now();
    const failing = await post('slack', [500]);
    expect(failing.warning).toMatch(/not delivered: HTTP 500; the verdict stands$/);
    expect(failing.bodies.length).toBeGreaterThan(1);
    expect(failing.bodies.length).toBeLessThanOrEqual(5);
    const lines: string[] = [];
    const absent = await postNotice({ url: `http://127.0.0.1:${await freePort()}/hook/secret`, format: 'slack', budgetMs: defaultTimeouts.webhookMs }, notice, (line) => lines.push(line));
    expect(absent).toMatch(/^notification to http:\/\/127\.0\.0\.1:\d+\/\*\*\* not delivered: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2 * defaultTimeouts.webhookMs + 2_000);
    expect(lines.join('\n')).not.toMatch(/secret/);
  });

  it('a 4xx is final', async () => {
    const { warning, bodies } = await post('slack', [{ status: 404, body: 'no_service' }]);
    expect(warning).toMatch(/refused with HTTP 404/);
    expect(bodies).toHaveLength(1);
  });

  it('reads platform error codes and nothing else as a refusal', () => {
    expect(platformError('ok')).toBeUndefined();
    expect(platformError('{"errcode":0,"errmsg":"ok"}')).toBeUndefined();
    expect(platformError('{"StatusCode":0,"msg":"success"}')).toBeUndefined();
    expect(platformError('{"errcode":310000,"errmsg":"sign not match"}')).toBe('error 310000 (sign not match)');
    expect(platformError('{"code":9499,"msg":"Bad Request"}')).toBe('error 9499 (Bad Request)');
  });
});
