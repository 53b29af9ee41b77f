import { z } from 'zod';
import { deploymentSchema, ingressSchema, namespaceSchema, networkPolicySchema, secretSchema, serviceSchema } from './core-objects.ts';
import { envoyFilterSchema } from './envoy-filter-objects.ts';
import { destinationRuleSchema, gatewaySchema, virtualServiceSchema } from './istio-objects.ts';

/** Any object meshgate applies, told apart by `kind`. */
export const kubeObjectSchema = z.discriminatedUnion('kind', [
  namespaceSchema,
  networkPolicySchema,
  secretSchema,
  deploymentSchema,
  serviceSchema,
  ingressSchema,
  gatewaySchema,
  virtualServiceSchema,
  destinationRuleSchema,
  envoyFilterSchema,
]);
export type KubeObject = z.infer<typeof kubeObjectSchema>;

/** Label every meshgate object carries: the run that created it, so cleanup can select exactly its own objects. */
export const RUN_ID_LABEL = 'meshgate.io/run-id';
/** Label every meshgate object carries, so objects of any run can be found. */
export const MANAGED_BY_LABEL = 'meshgate.io/managed-by';

/** The labels of every object of run `runId`. */
export function runLabels(runId: string): Record<string, string> {
  return { [RUN_ID_LABEL]: runId, [MANAGED_BY_LABEL]: 'meshgate' };
}

/** Metadata of a namespaced object of run `runId`, with extra labels and annotations when given. */
export function objectMeta(
  name: string,
  namespace: string,
  runId: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> } {
  return {
    name,
    namespace,
    labels: { ...runLabels(runId), ...extra.labels },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), for messages. */
export function objectRef(object: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/**
 * Label of a tenant namespace that `meshgate manifests gate` creates (value: the gate's
 * namespace). A run fills such a namespace with its objects and empties it afterwards,
 * but never creates or deletes it: the gate's Roles are bound inside it.
 */
export const PROVIDED_BY_LABEL = 'meshgate.io/provided-by';
