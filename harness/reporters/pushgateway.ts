import { request } from 'undici';
import { MetricsPushError, errorMessage } from '../errors.ts';
import { splitCredentials } from '../net/http-url.ts';

/**
 * The group URL of a push: `/metrics/job/<job>/<label>/<value>...`. A value
 * holding `/` (or empty) goes base64url-encoded with the `@base64` suffix
 * (prometheus/pushgateway README, "URL").
 */
export function groupUrl(base: URL, job: string, grouping: Record<string, string>): URL {
  const segment = (name: string, value: string) =>
    value === '' || value.includes('/') ? `${name}@base64/${Buffer.from(value).toString('base64url') || '='}` : `${name}/${encodeURIComponent(value)}`;
  const path = [segment('job', job), ...Object.entries(grouping).map(([name, value]) => segment(name, value))].join('/');
  return new URL(`${base.pathname.replace(/\/$/, '')}/metrics/${path}`, base);
}

/**
 * Pushes Prometheus text (format 0.0.4) with PUT, which replaces every metric of the
 * group (README, "PUT method"): the group keeps only the latest push. Credentials in
 * `base` go as Basic auth. The push, connect to answer, is bounded by `timeoutMs`.
 */
export async function pushMetrics(base: URL, job: string, grouping: Record<string, string>, text: string, timeoutMs: number): Promise<void> {
  const { url: bare, authorization } = splitCredentials(base);
  const url = groupUrl(bare, job, grouping);
  let answer: { statusCode: number; body: { text(): Promise<string> } };
  try {
    answer = await request(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...(authorization ? { authorization } : {}) },
      body: text,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new MetricsPushError(`could not push metrics to ${url.href}: ${errorMessage(error)}`, { cause: error });
  }
  const body = await answer.body.text();
  if (answer.statusCode >= 300) throw new MetricsPushError(`the Pushgateway at ${url.href} answered ${answer.statusCode}: ${body.trim().slice(0, 300)}`);
}
