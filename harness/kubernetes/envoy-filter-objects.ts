import { z } from 'zod';
import { namespacedMetadata } from './core-objects.ts';
import { dns1123Subdomain, labels, portNumber } from './names.ts';

/**
 * Istio's EnvoyFilter (networking.istio.io/v1alpha3, the only version Istio serves it in),
 * with only the fields meshgate sets, named as istio/api networking/v1alpha3/envoy_filter.proto
 * names them. The patch `value` is Envoy configuration, which Istio passes on as JSON; its
 * field names are checked against Envoy's protos in tests/kubernetes/envoy-filter-fields.test.ts.
 */

/** Which gateway-route configuration a patch applies to: `<host>:<port>` virtual host and route name. */
const routeConfigurationMatchSchema = z.strictObject({
  /**
   * `<namespace>/<name>` of the Gateway an HTTPS route configuration was built for. Istio reads
   * it from the route configuration's name, which only HTTPS servers' carry (`http.<port>` is
   * shared by every Gateway on the port: pilot/pkg/model/gateway.go ParseGatewayRDSRouteName),
   * so on an HTTP port it would match nothing.
   */
  gateway: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a Gateway as <namespace>/<name> (no dots: Istio splits the route name on them)').optional(),
  portNumber,
  vhost: z.strictObject({ name: z.string().min(1), route: z.strictObject({ name: z.string().min(1) }) }),
});

const listenerMatchSchema = z.strictObject({
  filterChain: z.strictObject({
    filter: z.strictObject({ name: z.string().min(1), subFilter: z.strictObject({ name: z.string().min(1) }).optional() }),
  }),
});

const configPatchSchema = z
  .strictObject({
    applyTo: z.enum(['HTTP_FILTER', 'NETWORK_FILTER', 'HTTP_ROUTE']),
    match: z.strictObject({
      context: z.literal('GATEWAY'),
      listener: listenerMatchSchema.optional(),
      routeConfiguration: routeConfigurationMatchSchema.optional(),
    }),
    patch: z.strictObject({ operation: z.enum(['INSERT_BEFORE', 'MERGE']), value: z.record(z.string(), z.unknown()) }),
  })
  .refine((patch) => (patch.applyTo === 'HTTP_ROUTE') === (patch.match.routeConfiguration !== undefined), {
    message: 'an HTTP_ROUTE patch matches a routeConfiguration, a filter patch a listener',
    path: ['match'],
  });
export type EnvoyConfigPatch = z.infer<typeof configPatchSchema>;

export const envoyFilterSchema = z.strictObject({
  apiVersion: z.literal('networking.istio.io/v1alpha3'),
  kind: z.literal('EnvoyFilter'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({
    /** The gateway pods: an EnvoyFilter in a non-root namespace reaches only workloads of its namespace. */
    workloadSelector: z.strictObject({ labels }),
    configPatches: z.array(configPatchSchema).min(1),
  }),
});
export type EnvoyFilter = z.infer<typeof envoyFilterSchema>;
