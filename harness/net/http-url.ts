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
