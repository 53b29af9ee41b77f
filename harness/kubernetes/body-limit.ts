import type { ResolvedApp } from '../scenario/resolve.ts';

/** The largest max_request_bytes Envoy's buffer filter takes (a UInt32Value, buffer.proto). */
export const MAX_BUFFER_BYTES = 4_294_967_295;

/**
 * The limit Envoy's buffer filter holds `app`'s request bodies to, in bytes, or null when
 * it is not used: nginx's `client_max_body_size 0` is no limit, a gRPC app's streams must not be
 * buffered whole (a bidi stream would wait forever), and Envoy's buffer filter cannot hold
 * more than a UInt32 of bytes.
 */
export function bufferLimitBytes(app: ResolvedApp): number | null {
  if (app.bodySizeBytes <= 0 || app.backendProtocol === 'GRPC' || app.bodySizeBytes > MAX_BUFFER_BYTES) return null;
  return app.bodySizeBytes;
}

/**
 * An RE2 pattern matching exactly the decimal numbers greater than `limit` (leading zeros
 * allowed, as nginx's ngx_atoof reads them), for a route that refuses a declared
 * Content-Length over the limit before any body is read, as nginx does in its find-config
 * phase (ngx_http_core_find_config_phase: "client intended to send too large body").
 */
export function greaterThanPattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`not a byte count: ${limit}`);
  const digits = String(limit);
  // Any number with more digits than the limit is greater.
  const longer = `[1-9][0-9]{${digits.length},}`;
  // Same length: equal up to position i, a greater digit at i, anything after.
  const sameLength = [...digits].flatMap((digit, i) => {
    const low = Number(digit) + 1;
    if (low > 9) return [];
    const rest = digits.length - i - 1;
    return [`${digits.slice(0, i)}[${low}-9]${rest > 1 ? `[0-9]{${rest}}` : rest === 1 ? '[0-9]' : ''}`];
  });
  return `0*(?:${[longer, ...sameLength].join('|')})`;
}
