import { z } from 'zod';
import { InputFileError } from '../../errors.ts';

/**
 * One load, as every worker of it receives it: a local worker process (--spec JSON) and
 * a pod of the cluster's Indexed Job (--spec @file from a ConfigMap) alike. Each worker
 * takes its share of the level by its index; all start measuring at `startAt`, so
 * their per-second windows line up and merge second by second.
 */
export const loadSpecSchema = z.strictObject({
  version: z.literal(1),
  protocol: z.enum(['http', 'grpc', 'websocket']),
  /** closed: `level` concurrent sessions; open: `level` exchanges per second. */
  model: z.enum(['closed', 'open']),
  level: z.number().positive(),
  /** Open model only: session cap of the whole load. */
  maxSessions: z.number().int().positive().optional(),
  workers: z.number().int().min(1).max(1000),
  target: z.strictObject({
    gateway: z.strictObject({ address: z.string().min(1), httpPort: z.number().int().min(0).max(65535), httpsPort: z.number().int().min(0).max(65535), ca: z.string().optional(), requestMs: z.number().int().min(1).max(3_600_000) }),
    scheme: z.enum(['http', 'https']),
    host: z.string().min(1),
    path: z.string().startsWith('/').optional(),
    expectBackend: z.string().optional(),
  }),
  warmupMs: z.number().int().nonnegative(),
  durationMs: z.number().int().positive(),
  /** Unix epoch ms at which every worker starts (warm-up first). */
  startAt: z.number().int().positive(),
});
export type LoadSpec = z.infer<typeof loadSpecSchema>;

/** Parses a spec (JSON text); `source` names it in errors (exit 2). */
export function parseLoadSpec(text: string, source: string): LoadSpec {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputFileError(source, 'not JSON');
  }
  const result = loadSpecSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputFileError(source, `invalid load spec at ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  if (result.data.model === 'closed' && result.data.level < result.data.workers) throw new InputFileError(source, `concurrency ${result.data.level} cannot be shared by ${result.data.workers} workers`);
  return result.data;
}

/** Worker `index`'s share: sessions split as evenly as whole numbers allow, rates and session caps divided. */
export function shareOf(spec: LoadSpec, index: number): { level: number; maxSessions?: number } {
  if (spec.model === 'closed') return { level: Math.floor(spec.level / spec.workers) + (index < spec.level % spec.workers ? 1 : 0) };
  return { level: spec.level / spec.workers, maxSessions: Math.max(1, Math.ceil((spec.maxSessions ?? 10) / spec.workers)) };
}
