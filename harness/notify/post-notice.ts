import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { errorMessage } from '../errors.ts';
import { splitCredentials } from '../net/http-url.ts';
import { redactUrl } from '../redact.ts';
import type { VerdictNotice, WebhookFormat } from './notice.ts';
import { dingtalkSignedUrl, feishuSignature } from './signature.ts';
import { webhookBody } from './webhook-body.ts';

/** Where and how to post. */
export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  /** Signing secret of a DingTalk or Feishu/Lark robot that requires a signature. */
  secret?: string;
  /** Time for every attempt together, ms: the run's webhookMs (less when the run was interrupted). */
  budgetMs: number;
}

/** First pause between two attempts, ms; doubled each time. */
const firstBackoffMs = 500;
/** Attempts at most; the total stays within the budget whatever the count. */
const maxAttempts = 5;

/** One attempt's outcome: done, or a problem and whether trying again may help. */
type Attempt = { ok: true } | { ok: false; problem: string; retry: boolean };

/**
 * Posts the notice; never throws. A receiver that is down, answers 5xx or 429 is tried
 * again with exponential backoff, all attempts within the budget. A refusal (4xx,
 * or a chat platform's error code in a 200 body) is final. Returns the warning to record,
 * or undefined when the notice was delivered. The URL's secret part never reaches a log.
 */
export async function postNotice(target: WebhookTarget, notice: VerdictNotice, log: (line: string) => void): Promise<string | undefined> {
  const deadline = Date.now() + target.budgetMs;
  let last: Attempt = { ok: false, problem: 'no attempt', retry: false };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    last = await postOnce(target, notice, deadline);
    if (last.ok) return undefined;
    const pause = firstBackoffMs * 2 ** (attempt - 1);
    if (!last.retry || attempt === maxAttempts || Date.now() + pause >= deadline) break;
    log(`meshgate: notification attempt ${attempt} to ${redactUrl(target.url, true)} failed (${last.problem}); trying again in ${pause} ms`);
    await sleep(pause);
  }
  const warning = `notification to ${redactUrl(target.url, true)} not delivered: ${last.problem}; the verdict stands`;
  log(`meshgate: warning: ${warning}`);
  return warning;
}

async function postOnce(target: WebhookTarget, notice: VerdictNotice, deadline: number): Promise<Attempt> {
  const now = Date.now();
  const signed = target.secret !== undefined && (target.format === 'feishu' || target.format === 'lark') ? feishuSignature(target.secret, now) : {};
  const signedUrl = target.secret !== undefined && target.format === 'dingtalk' ? dingtalkSignedUrl(target.url, target.secret, now) : target.url;
  // A generic receiver behind Basic auth: user:password in the URL, sent as the header it means.
  const { url, authorization } = splitCredentials(new URL(signedUrl));
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ ...signed, ...webhookBody(target.format, notice) }),
      signal: AbortSignal.timeout(Math.max(1, deadline - now)),
    });
    const text = await response.body.text();
    if (response.statusCode === 429 || response.statusCode >= 500) return { ok: false, problem: `HTTP ${response.statusCode}`, retry: true };
    if (response.statusCode < 200 || response.statusCode >= 300) return { ok: false, problem: `refused with HTTP ${response.statusCode}`, retry: false };
    const refusal = platformError(text);
    return refusal ? { ok: false, problem: `refused: ${refusal}`, retry: false } : { ok: true };
  } catch (error) {
    return { ok: false, problem: errorMessage(error), retry: true };
  }
}

/**
 * A chat platform's refusal inside a 200 answer: DingTalk and WeCom answer
 * `{"errcode": 0, "errmsg": "ok"}` on success and another errcode otherwise (e.g. DingTalk
 * 310000 for a bad keyword or signature); Feishu/Lark answer `{"code": 0}` (older bots
 * `{"StatusCode": 0}`), e.g. 19021 for a bad signature. Other bodies (Slack's "ok") are success.
 */
export function platformError(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const answer = body as { errcode?: unknown; errmsg?: unknown; code?: unknown; msg?: unknown; StatusCode?: unknown };
  for (const [code, message] of [[answer.errcode, answer.errmsg], [answer.code, answer.msg], [answer.StatusCode, answer.msg]] as const) {
    if (typeof code === 'number' && code !== 0) return `error ${code}${typeof message === 'string' ? ` (${message.slice(0, 200)})` : ''}`;
  }
  return undefined;
}
