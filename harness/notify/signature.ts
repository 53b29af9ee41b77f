import { createHmac } from 'node:crypto';

/**
 * DingTalk's signed custom robot ("加签", open.dingtalk.com, custom robot security settings):
 * `timestamp` is the current time in ms; `sign` is base64(HMAC-SHA256(key = secret,
 * message = timestamp + "\n" + secret)), URL-encoded; both go into the webhook's query.
 */
export function dingtalkSignedUrl(webhook: string, secret: string, nowMs: number): string {
  const sign = createHmac('sha256', secret).update(`${nowMs}\n${secret}`).digest('base64');
  const url = new URL(webhook);
  url.searchParams.set('timestamp', String(nowMs));
  url.searchParams.set('sign', sign);
  return url.href;
}

/**
 * Feishu / Lark's signed custom bot ("签名校验", open.feishu.cn/document/client-docs/bot-v3/
 * add-custom-bot): `timestamp` in seconds (within an hour of the server's clock); `sign` is
 * base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)); both go into the body.
 */
export function feishuSignature(secret: string, nowMs: number): { timestamp: string; sign: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { timestamp, sign: createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64') };
}
