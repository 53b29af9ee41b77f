import { type Dispatcher, request } from 'undici';
import { MeshgateError, errorMessage } from '../errors.ts';

/** Prometheus did not answer a query, or answered with an error: meshgate could not judge (exit 2). */
export class PrometheusError extends MeshgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_PROMETHEUS', message, options);
  }
}

/** How to reach Prometheus: its base URL (no credentials in it), the Authorization header, and a TLS agent trusting --prometheus-ca-file. */
export interface PrometheusAccess {
  url: URL;
  /** Bound on one query, connect to the last byte of the answer, ms: the run's prometheusQueryMs. */
  queryMs: number;
  authorization?: string;
  dispatcher?: Dispatcher;
}

/** One series of an instant vector: its labels and its value at the evaluation time. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/**
 * An instant query over the HTTP API (prometheus.io/docs/prometheus/latest/querying/api/,
 * "Instant queries": GET /api/v1/query with `query` and `time` in Unix seconds; the answer is
 * `{status, data: {resultType: "vector", result: [{metric, value: [time, "value"]}]}}`).
 * Messages name the server by its origin only.
 */
export async function instantQuery(access: PrometheusAccess, query: string, at: Date, signal?: AbortSignal): Promise<Sample[]> {
  const base = access.url;
  const url = new URL('api/v1/query', base.href.endsWith('/') ? base : `${base.href}/`);
  url.searchParams.set('query', query);
  url.searchParams.set('time', (at.getTime() / 1000).toFixed(3));
  let status: number;
  let body: unknown;
  try {
    const signals = [AbortSignal.timeout(access.queryMs), ...(signal ? [signal] : [])];
    const headers = access.authorization ? { authorization: access.authorization } : {};
    const response = await request(url, { method: 'GET', headers, dispatcher: access.dispatcher, signal: AbortSignal.any(signals) });
    status = response.statusCode;
    body = await response.body.json().catch(() => undefined);
  } catch (error) {
    throw new PrometheusError(`${url.origin}: no answer to ${JSON.stringify(query)}: ${errorMessage(error)}`, { cause: error });
  }
  return vectorOf(body, status, query);
}

function vectorOf(body: unknown, status: number, query: string): Sample[] {
  const answer = body as { status?: string; error?: string; data?: { resultType?: string; result?: Array<{ metric: Record<string, string>; value: [number, string] }> } } | undefined;
  if (status !== 200 || answer?.status !== 'success') {
    const hint = status === 401 || status === 403 ? ' (credentials: --prometheus-bearer-token-file, --prometheus-username with --prometheus-password-file)' : '';
    throw new PrometheusError(`query ${JSON.stringify(query)} failed (HTTP ${status}): ${answer?.error ?? 'not a Prometheus API answer'}${hint}`);
  }
  if (answer.data?.resultType !== 'vector' || !Array.isArray(answer.data.result)) {
    throw new PrometheusError(`query ${JSON.stringify(query)} returned ${answer.data?.resultType ?? 'nothing'}, not an instant vector`);
  }
  return answer.data.result.map((series) => ({ labels: series.metric, value: Number(series.value[1]) }));
}
