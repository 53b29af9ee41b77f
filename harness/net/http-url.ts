import { UsageError } from '../errors.ts';

/** An http(s) URL given on the command line; `what` and `example` name it in the error (exit 2). */
export function parseHttpUrl(value: string, what: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`not a ${what} URL: ${value} (e.g. ${example})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`not a ${what} URL: ${value} (http or https)`);
  return url;
}

/**
 * Credentials written into a URL (`https://user:pass@host`) as the Basic Authorization
 * header they mean (RFC 3986 3.2.1 userinfo; RFC 7617), and the URL without them: HTTP
 * clients do not send userinfo, and it must never reach a log.
 */
export function splitCredentials(url: URL): { url: URL; authorization?: string } {
  if (url.username === '' && url.password === '') return { url };
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { url: bare, authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}
