import { z } from 'zod';
import { caseResults } from './case-record.ts';
import type { Measurements } from './measurements.ts';

/** Bumped when the format changes incompatibly; older files then fail with a clear message. */
export const baselineVersion = 1;

const observationSchema = z
  .object({
    status: z.number().optional(),
    headers: z.record(z.string(), z.string().optional()).optional(),
    backend: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

const sampleSchema = z.object({ runId: z.string(), p95Us: z.number().positive(), rps: z.number().nonnegative() }).strict();

export const baselineSchema = z
  .object({
    kind: z.literal('meshgate-baseline'),
    version: z.number().int(),
    createdAt: z.string(),
    /** The run it was recorded from, and where: e.g. under ingress-nginx, before the cutover. */
    runId: z.string(),
    environment: z.string(),
    scenario: z.string(),
    scenarioHash: z.string(),
    gatewaySoftware: z.string().nullable().optional(),
    machine: z.object({ cpu: z.string(), cores: z.number(), memoryGiB: z.number(), os: z.string(), node: z.string() }).optional(),
    meshgateVersion: z.string().optional(),
    cases: z.array(
      z
        .object({
          key: z.string(),
          result: z.enum(caseResults),
          fingerprint: observationSchema.optional(),
          measurements: z.custom<Measurements>((value) => typeof value === 'object' && value !== null && !Array.isArray(value)).optional(),
          /** A load case's figures in each recorded run: the gate's unit of evidence is the run. */
          samples: z.array(sampleSchema).optional(),
        })
        .strict(),
    ),
    /** The runs this baseline holds (k >= 3 for a performance verdict), oldest first. */
    runs: z.array(z.object({ runId: z.string(), startedAt: z.string() }).strict()).optional(),
    /** Hash of the case catalogue (suites/) the runs were recorded with. */
    catalogueHash: z.string().optional(),
  })
  .strict();

export type Baseline = z.infer<typeof baselineSchema>;
