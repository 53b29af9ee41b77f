import { z } from 'zod';
import { namespacedMetadata } from './core-objects.ts';
import { dns1123Subdomain, gatewayHost, labels, portNumber } from './names.ts';

/**
 * The Istio networking.istio.io/v1 resources meshgate applies (v1 is the current
 * version since Istio 1.22; v1beta1 and v1alpha3 serve the same schema), with
 * only the fields it sets, named as istio/api's networking/v1 protos name them.
 */

const apiVersion = z.literal('networking.istio.io/v1');

/** A protobuf Duration as Istio's CRDs take it: seconds with an `s` suffix, e.g. `300s`. */
const duration = z.string().regex(/^[0-9]+(\.[0-9]+)?s$/, 'not a duration in seconds such as 300s');

/** Header names in matches must be lowercase (HTTPMatchRequest.headers). */
const matchHeaderName = z.string().regex(/^[a-z0-9-]+$/, 'a lowercase header name');
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name');

/** StringMatch: a oneof, so exactly one of its fields. RE2 regexes match the whole value. */
const stringMatchSchema = z
  .strictObject({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() })
  .refine((match) => Object.keys(match).length === 1, 'a StringMatch takes exactly one of exact, prefix, regex');
export type StringMatch = z.infer<typeof stringMatchSchema>;

const httpMatchRequestSchema = z.strictObject({
  /** For a gateway route: the Gateway server port the request arrived on. */
  port: portNumber.optional(),
  uri: stringMatchSchema.optional(),
  headers: z.record(matchHeaderName, stringMatchSchema).optional(),
  /** Inverted header matches; Istio treats a missing header as empty here (istio/istio#49537). */
  withoutHeaders: z.record(matchHeaderName, stringMatchSchema).optional(),
});
export type HTTPMatchRequest = z.infer<typeof httpMatchRequestSchema>;

const headerOperationsSchema = z.strictObject({
  set: z.record(headerName, z.string()).optional(),
  add: z.record(headerName, z.string()).optional(),
  remove: z.array(headerName).optional(),
});
export type HeaderOperations = z.infer<typeof headerOperationsSchema>;

const corsPolicySchema = z.strictObject({
  allowOrigins: z.array(stringMatchSchema).min(1),
  allowMethods: z.array(z.string().regex(/^[A-Z]+$/, 'an HTTP method')),
  allowHeaders: z.array(headerName),
  maxAge: duration,
  allowCredentials: z.boolean(),
});
export type CorsPolicy = z.infer<typeof corsPolicySchema>;

const httpRouteSchema = z
  .strictObject({
    name: z.string().min(1),
    match: z.array(httpMatchRequestSchema).min(1).optional(),
    route: z
      .array(z.strictObject({ destination: z.strictObject({ host: z.string().min(1), port: z.strictObject({ number: portNumber }) }) }))
      .min(1)
      .optional(),
    redirect: z.strictObject({ scheme: z.enum(['http', 'https']), redirectCode: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]) }).optional(),
    directResponse: z.strictObject({ status: z.number().int().min(200).max(599) }).optional(),
    /** Whole-request timeout; Istio's default is none. */
    timeout: duration.optional(),
    corsPolicy: corsPolicySchema.optional(),
    headers: z.strictObject({ request: headerOperationsSchema.optional(), response: headerOperationsSchema.optional() }).optional(),
  })
  .refine((route) => [route.route, route.redirect, route.directResponse].filter((action) => action !== undefined).length === 1, {
    message: 'an HTTPRoute takes exactly one of route, redirect, directResponse',
  });
export type HTTPRoute = z.infer<typeof httpRouteSchema>;

export const virtualServiceSchema = z.strictObject({
  apiVersion,
  kind: z.literal('VirtualService'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({
    hosts: z.array(z.string().min(1)).min(1, 'a VirtualService bound to a gateway needs at least one host'),
    /** `<namespace>/<name>` of each Gateway that serves these routes. */
    gateways: z.array(z.string().min(1)).min(1),
    http: z.array(httpRouteSchema).min(1),
  }),
});
export type VirtualService = z.infer<typeof virtualServiceSchema>;

const serverSchema = z
  .strictObject({
    port: z.strictObject({ number: portNumber, name: z.string().min(1), protocol: z.enum(['HTTP', 'HTTPS']) }),
    hosts: z.array(gatewayHost).min(1),
    /** SIMPLE: TLS terminated with the certificate in the Secret `credentialName`, in the gateway workload's namespace. */
    tls: z.strictObject({ mode: z.literal('SIMPLE'), credentialName: dns1123Subdomain }).optional(),
  })
  .refine((server) => (server.port.protocol === 'HTTPS') === (server.tls !== undefined), {
    message: 'an HTTPS server needs tls, an HTTP server takes none',
    path: ['tls'],
  });
export type GatewayServer = z.infer<typeof serverSchema>;

export const gatewaySchema = z.strictObject({
  apiVersion,
  kind: z.literal('Gateway'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({ selector: labels, servers: z.array(serverSchema).min(1) }),
});
export type Gateway = z.infer<typeof gatewaySchema>;

export const destinationRuleSchema = z.strictObject({
  apiVersion,
  kind: z.literal('DestinationRule'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({
    host: z.string().min(1),
    trafficPolicy: z.strictObject({ connectionPool: z.strictObject({ tcp: z.strictObject({ connectTimeout: duration }) }) }),
  }),
});
export type DestinationRule = z.infer<typeof destinationRuleSchema>;
