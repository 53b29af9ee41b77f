import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { InputFileError } from './errors.ts';
import { type ResolvedScenario, resolveScenario } from './scenario/resolve.ts';
import { checkScenarioRules } from './scenario/load.ts';
import { scenarioSchema } from './scenario/schema.ts';
import { readInputFile } from './input-file.ts';

/**
 * What an environment can test. A case that needs a feature the target lacks is
 * reported NOT_SUPPORTED, never FAILED.
 */
export const features = [
  'http1',
  'http2',
  /** HTTP/2 over cleartext on a separate port. */
  'h2c',
  'websocket',
  'grpc',
  'tls',
  'cors',
  /** Traffic between tenants inside a cluster (needs pods and Services). */
  'east-west',
  /** Load generation against the gateway. */
  'load',
] as const;
export type Feature = (typeof features)[number];

/**
 * The target file: everything the suites need to test a gateway, and nothing
 * secret (no private keys). `meshgate up` writes it; anyone may write one by hand
 * for a gateway meshgate did not start.
 */
export const targetSchema = z
  .object({
    version: z.literal(1),
    /** Which environment made it: local, kind, existing, external (hand-written). */
    environment: z.string().min(1),
    runId: z.string().min(1),
    createdAt: z.string().optional(),
    gateway: z
      .object({
        /** Address clients connect to; the tenant host goes into Host and SNI. */
        address: z.string().min(1),
        httpPort: z.number().int().min(1).max(65535),
        httpsPort: z.number().int().min(1).max(65535),
        h2cPort: z.number().int().min(1).max(65535).nullable().optional(),
        /** What serves the gateway, e.g. `nginx/1.22.1` or `istio/1.24`, recorded in reports. */
        software: z.string().optional(),
        /** Cores the gateway (and its backends) are pinned to, when they are; the load generator keeps off them. */
        pinnedCpus: z.string().optional(),
        /**
         * The configuration file the gateway runs with (nginx.conf), where the environment can show it: a case
         * may read a setting there that no quick probe can tell apart (a one-hour read timeout from the 60 s default).
         */
        configFile: z.string().min(1).optional(),
      })
      .strict(),
    /** PEM bundle that verifies the gateway's certificates; null for a publicly trusted chain. */
    caFile: z.string().nullable(),
    features: z.array(z.enum(features)),
    /** The scenario as written (resolved on read by the same rules as everywhere). */
    scenario: scenarioSchema,
    /** Cluster environments: how in-cluster cases (east-west) reach the API; the kubeconfig file lives as long as the environment. */
    cluster: z.object({ kubeconfig: z.string().nullable(), context: z.string().nullable() }).strict().optional(),
    /** Scenario settings this gateway's configuration cannot express (e.g. Istio has no body-size limit), shown in reports. */
    untranslated: z.array(z.object({ appId: z.string(), setting: z.string(), effect: z.string() }).strict()).optional(),
    /** The process that holds the environment open, for `meshgate down`. */
    ownerPid: z.number().int().positive().optional(),
  })
  .strict();

export type Target = z.infer<typeof targetSchema>;

/** A target with its scenario resolved: what suites and gates work with. */
export interface LoadedTarget extends Target {
  resolved: ResolvedScenario;
}

/** Reads and validates a target file; any problem is an InputFileError (exit 2). */
export async function readTarget(file: string): Promise<LoadedTarget> {
  const data: unknown = await readInputFile(file, 'target file', JSON.parse);
  const result = targetSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `  at ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new InputFileError(file, `invalid target file:\n${issues.join('\n')}`);
  }
  checkScenarioRules(file, result.data.scenario);
  return { ...result.data, resolved: resolveScenario(result.data.scenario) };
}

/** Writes a target file atomically (temp file + rename), so a reader never sees half of one. */
export async function writeTarget(file: string, target: Target): Promise<void> {
  targetSchema.parse(target);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(target, null, 2)}\n`);
}
