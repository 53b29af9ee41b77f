import { z } from 'zod';

/**
 * The scenario file: tenants, their apps and the performance profile, as a user
 * writes it. Per-kind defaults (what Sealos' launchpad puts on every Ingress) are
 * applied later by `resolveScenario`, so a file states only what differs.
 */

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a lowercase DNS label (a-z, 0-9, -)');
const hostname = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lowercase DNS name such as cloud.example.test');
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name');
/** Header values are written into gateway configs verbatim: no variables, no line breaks. */
const headerValue = z.string().regex(/^[^$\r\n]*$/, 'a header value without $ or line breaks');
/** nginx size notation as ingress-nginx's proxy-body-size takes it: 32m, 64k, 3g, 1024. */
export const sizeString = z.string().regex(/^[0-9]+[kmgKMG]?$/, 'a size such as 64k, 32m or 3g');
const seconds = z.number().int().positive();

export const appKinds = ['web', 'grpc', 'ws', 'terminal', 'adminer'] as const;
export type AppKind = (typeof appKinds)[number];

export const corsSchema = z
  .object({
    /** Exact origins (https://cloud.example.test) or one-level wildcards (https://*.cloud.example.test). */
    allowOrigins: z.array(z.string().regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:[0-9]+)?$/, 'an origin like https://a.b or https://*.a.b')).min(1),
    allowMethods: z.array(z.string().regex(/^[A-Z]+$/)).min(1).optional(),
    allowHeaders: z.array(headerName).optional(),
    allowCredentials: z.boolean().optional(),
    maxAgeSeconds: z.number().int().nonnegative().optional(),
  })
  .strict();

const headerRulesSchema = z
  .object({
    set: z.record(headerName, headerValue).optional(),
    remove: z.array(headerName).optional(),
  })
  .strict();

export const appSchema = z
  .object({
    name: dnsLabel,
    kind: z.enum(appKinds),
    /** Subdomain label under the scenario's domain, e.g. `pqxtwzmbavke`. */
    host: dnsLabel,
    /** A tenant's own domain, served with its own certificate instead of the wildcard. */
    customDomain: hostname.optional(),
    /** `paused` is the launchpad's pause (ingress class `pause`): no traffic is served. */
    state: z.enum(['active', 'paused']).optional(),
    sslRedirect: z.boolean().optional(),
    bodySize: sizeString.optional(),
    timeouts: z.object({ connectSeconds: seconds, sendSeconds: seconds, readSeconds: seconds }).partial().strict().optional(),
    cors: corsSchema.optional(),
    requestHeaders: headerRulesSchema.optional(),
    responseHeaders: headerRulesSchema.optional(),
    /** The terminal's guard: a WebSocket upgrade whose Sec-Fetch-Site is not same-origin/same-site gets 403. */
    webSocketGuard: z.boolean().optional(),
    hsts: z.object({ maxAgeSeconds: seconds, includeSubdomains: z.boolean().optional() }).strict().optional(),
    /**
     * A narrower claim than the whole host, as a tenant writes it: a path prefix (an Ingress path,
     * a VirtualService uri prefix) or a header match (an ingress-nginx canary-by-header Ingress, a
     * VirtualService headers match). Only for an app whose host another tenant owns: a squatter's route.
     */
    route: z
      .object({
        path: z.string().regex(/^\/([a-z0-9-]+\/)+$/, 'a path prefix such as /api/').optional(),
        header: z.object({ name: headerName, value: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a header value of letters, digits, . _ -') }).strict().optional(),
      })
      .strict()
      .refine((route) => (route.path === undefined) !== (route.header === undefined), 'exactly one of path or header')
      .optional(),
  })
  .strict();

export const tenantSchema = z
  .object({
    /** The Sealos user; the namespace is `ns-<user>`. */
    user: dnsLabel,
    /** `suspended` is an unpaid tenant (ingress class `disable`): nothing of it is served. */
    state: z.enum(['active', 'suspended']).optional(),
    apps: z.array(appSchema).min(1),
  })
  .strict();

export const performanceSchema = z
  .object({
    /** Closed-model concurrency levels, each run against every load target. */
    concurrency: z.array(z.number().int().min(1).max(1000)).min(1).optional(),
    /** Open-model arrival rates (requests per second), each run against every load target. */
    rates: z.array(z.number().int().min(1).max(100_000)).optional(),
    /** Measured seconds per concurrency level, after the warm-up. */
    durationSeconds: z.number().positive().max(3600).optional(),
    /** Seconds of load at the start of each level that are not measured. */
    warmupSeconds: z.number().nonnegative().max(600).optional(),
    /** App ids (`ns-<user>/<app>`) to load, each in its own protocol; by default the first web, gRPC and WebSocket apps. */
    targets: z.array(z.string()).optional(),
    /** Most live A/B rounds per level (reference and candidate once each per round); rounds are added until the gate decides. */
    rounds: z.number().int().min(1).max(100).optional(),
    /** Which profile `validate` uses unless --profile says: quick (short levels) or gate (enough for a verdict). */
    profile: z.enum(['quick', 'gate']).optional(),
    /** The gate profile's levels: long enough and rounds enough for a verdict (see README, performance gate). */
    gate: z
      .object({
        durationSeconds: z.number().positive().max(3600).optional(),
        warmupSeconds: z.number().nonnegative().max(600).optional(),
        rounds: z.number().int().min(3).max(100).optional(),
      })
      .strict()
      .optional(),
    /** How much worse the candidate may be; written into every report. */
    budget: z
      .object({
        /** p95 latency may grow by this share (0.15 = +15 %). */
        p95Increase: z.number().positive().max(10).optional(),
        /** Throughput may fall by this share (0.1 = -10 %). */
        throughputDecrease: z.number().positive().max(0.99).optional(),
        /** A p95 increase below this many milliseconds never fails. */
        p95FloorMs: z.number().nonnegative().max(10_000).optional(),
        /** A throughput drop below this many requests per second never fails. */
        throughputFloorRps: z.number().nonnegative().optional(),
        /** Two-sided confidence of the interval on each effect (Kayenta: 0.98). */
        confidence: z.number().min(0.5).max(0.9999).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    version: z.literal(1),
    name: z.string().min(1),
    /** Base domain every app host lives under, e.g. `cloud.sealos.test`. */
    domain: hostname,
    tls: z
      .object({
        enabled: z.boolean().optional(),
        /** Name of the wildcard certificate secret every app uses (Sealos: `wildcard-cert`). */
        wildcardSecret: dnsLabel.optional(),
      })
      .strict()
      .optional(),
    tenants: z.array(tenantSchema).min(1),
    performance: performanceSchema.optional(),
  })
  .strict()
  .superRefine(onlySquattersRoute);

/** A `route` narrows a claim on a host an earlier app of another tenant owns; an owner's app serves its whole host. */
function onlySquattersRoute(scenario: { domain: string; tenants: Array<{ user: string; apps: Array<{ host: string; customDomain?: string; route?: object }> }> }, context: z.RefinementCtx): void {
  const owners = new Map<string, string>();
  scenario.tenants.forEach((tenant, tenantIndex) =>
    tenant.apps.forEach((app, appIndex) => {
      const host = app.customDomain ?? `${app.host}.${scenario.domain}`;
      const owner = owners.get(host);
      if (owner === undefined) owners.set(host, tenant.user);
      if (app.route && (owner === undefined || owner === tenant.user)) {
        context.addIssue({ code: 'custom', path: ['tenants', tenantIndex, 'apps', appIndex, 'route'], message: `only a squatter's app may have a route: ${host} is not owned by an earlier app of another tenant` });
      }
    }),
  );
}

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type AppInput = z.output<typeof appSchema>;
export type CorsInput = z.output<typeof corsSchema>;
