import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputFileError, errorMessage } from '../errors.ts';

/** The queries file that ships with meshgate: Istio's and ingress-nginx's standard metric names and labels. */
export const defaultQueriesFile = fileURLToPath(new URL('./queries.yaml', import.meta.url));

const promql = z.string().min(1).refine((query) => query.includes('{{window}}'), 'must use {{window}} as its range');

/** Placeholders a query may use: `{{window}}` (required) and `{{gatewayWorkload}}`. */
export interface QueryValues {
  /** PromQL range, e.g. `600s`. */
  window: string;
  /** The Istio ingress gateway's workload name (source_workload). */
  gatewayWorkload: string;
}

const sideSchema = z.strictObject({
  /** Gateway name for messages, e.g. istio. */
  name: z.string().min(1),
  /** Labels whose values, joined by "/", key a series (the backend Service by default). */
  keyLabels: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'not a Prometheus label name')).min(1),
  /** Milliseconds per unit of the bucket query's `le` (1 for ms, 1000 for seconds). */
  latencyUnitMs: z.number().positive(),
  /** Requests per key over the window. */
  requests: promql,
  /** Requests answered 5xx per key over the window. */
  errors: promql,
  /** Cumulative latency bucket counts per key and `le` over the window. */
  latencyBuckets: promql,
  /** What to check when the requests or buckets query matches no series at all (printed with the error). */
  noSeriesHint: z.string().min(1).optional(),
});
export type QuerySide = z.infer<typeof sideSchema>;

export const queriesSchema = z.strictObject({ candidate: sideSchema, reference: sideSchema });
export type JudgeQueries = z.infer<typeof queriesSchema>;

/** Reads and validates a queries file; every problem is an InputFileError naming the field. */
export async function loadQueries(file: string = defaultQueriesFile): Promise<JudgeQueries> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputFileError(file, `cannot read queries: ${errorMessage(error)}`);
  }
  const result = queriesSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputFileError(file, `invalid queries at ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

/** The query text with its placeholders filled in. */
export function renderQuery(query: string, values: QueryValues): string {
  return query.replaceAll('{{window}}', values.window).replaceAll('{{gatewayWorkload}}', values.gatewayWorkload);
}
