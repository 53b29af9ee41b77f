import { readFile } from 'node:fs/promises';
import { errorMessage } from '../errors.ts';
import type { Observation } from '../results/observation.ts';

/** nginx time units (ngx_parse_time): a bare number is seconds. */
const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * The `proxy_read_timeout` of the server for `host` in an nginx.conf, in seconds; null when
 * the host has no server or its server sets none (nginx's own default, 60 s, would then apply).
 * Pure: reads the text between `server_name <host> ;` and the next `server_name`.
 */
export function nginxReadTimeoutSeconds(config: string, host: string): number | null {
  const start = config.indexOf(`server_name ${host} ;`);
  if (start < 0) return null;
  const next = config.indexOf('server_name ', start + 1);
  const block = config.slice(start, next < 0 ? undefined : next);
  const match = /\bproxy_read_timeout\s+(\d+)(ms|s|m|h|d)?\s*;/.exec(block);
  return match ? Number(match[1]) * unitSeconds[match[2] ?? 's']! : null;
}

/**
 * Reads the read timeout the gateway runs with for `host` from its configuration file, read
 * anew at each probe so a config changed and reloaded after the start is what is seen.
 */
export async function probeRenderedReadTimeout(configFile: string, host: string): Promise<Observation> {
  try {
    const seconds = nginxReadTimeoutSeconds(await readFile(configFile, 'utf8'), host);
    return { error: null, details: { evidence: 'rendered-config', readTimeoutSeconds: seconds } };
  } catch (error) {
    return { error: 'ECONFIG', details: { evidence: 'rendered-config', message: errorMessage(error) } };
  }
}
