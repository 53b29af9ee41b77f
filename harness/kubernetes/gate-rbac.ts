import type { KubeObject } from './objects.ts';

/** The namespace of a namespaced object, '' for a Namespace. */
const namespaceOf = (object: KubeObject): string => ('namespace' in object.metadata ? object.metadata.namespace : '');

/** RBAC verbs meshgate's cluster code sends (GET one: get, GET a collection: list, POST: create, PUT: update, PATCH: patch, DELETE: delete). */
export type Verb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';

/** One permission of the gate, with the call that needs it. */
export interface RbacGrant {
  /** Where it holds; undefined for cluster-scoped resources (namespaces). */
  namespace?: string;
  apiGroup: string;
  resources: string[];
  verbs: Verb[];
  /** Only these objects (get, update, patch, delete; Kubernetes cannot name-restrict create or list). */
  resourceNames?: string[];
  /** The code that sends these requests. */
  why: string;
}

/** What the gate's run does in the cluster, from which its grants follow. */
export interface GateRbacInput {
  /** The objects the run applies (placeholder run id); their Namespaces are provided by the manifests. */
  runObjects: readonly KubeObject[];
  /** Namespace of the gate's own objects, where its Lease lives. */
  gateNamespace: string;
  leaseName: string;
}

/** API group and resource of each kind meshgate applies. */
const resourceOf: Record<KubeObject['kind'], { apiGroup: string; resource: string }> = {
  Namespace: { apiGroup: '', resource: 'namespaces' },
  NetworkPolicy: { apiGroup: 'networking.k8s.io', resource: 'networkpolicies' },
  Secret: { apiGroup: '', resource: 'secrets' },
  Deployment: { apiGroup: 'apps', resource: 'deployments' },
  Service: { apiGroup: '', resource: 'services' },
  Ingress: { apiGroup: 'networking.k8s.io', resource: 'ingresses' },
  Gateway: { apiGroup: 'networking.istio.io', resource: 'gateways' },
  VirtualService: { apiGroup: 'networking.istio.io', resource: 'virtualservices' },
  DestinationRule: { apiGroup: 'networking.istio.io', resource: 'destinationrules' },
  EnvoyFilter: { apiGroup: 'networking.istio.io', resource: 'envoyfilters' },
};

const applyWhy = 'KubeApi.apply (GET, then server-side apply PATCH, which creates a new object) and KubeApi.deleteObjects (GET, DELETE) at cleanup and for a killed run\'s leftovers';

/**
 * The gate's permissions, least first: reads of its tenant namespaces by name (the
 * manifests create them, so the run never creates or deletes a namespace); inside
 * them, what it applies plus the waits' lists and the east-west probe pods; in the
 * gateways' namespace only the objects it writes, by name; its Lease by name.
 */
export function gateRbacGrants(input: GateRbacInput): RbacGrant[] {
  const tenantNamespaces = input.runObjects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name);
  const grants: RbacGrant[] = [
    { apiGroup: '', resources: ['namespaces'], verbs: ['get'], resourceNames: tenantNamespaces, why: 'providedNamespaces: GET each tenant namespace, to fill the ones these manifests provide instead of creating them' },
  ];
  for (const namespace of tenantNamespaces) grants.push(...tenantGrants(namespace, input.runObjects));
  const elsewhere = input.runObjects.filter((object) => object.kind !== 'Namespace' && !tenantNamespaces.includes(namespaceOf(object)));
  for (const namespace of new Set(elsewhere.map(namespaceOf))) grants.push(...namedGrants(namespace, elsewhere));
  grants.push(
    { namespace: input.gateNamespace, apiGroup: 'coordination.k8s.io', resources: ['leases'], verbs: ['create'], why: 'acquireRunLease: POST the scenario\'s Lease when there is none' },
    { namespace: input.gateNamespace, apiGroup: 'coordination.k8s.io', resources: ['leases'], verbs: ['get', 'update'], resourceNames: [input.leaseName], why: 'acquireRunLease: GET it, PUT to take it over, renew it and release it' },
  );
  return grants;
}

function tenantGrants(namespace: string, objects: readonly KubeObject[]): RbacGrant[] {
  const inside = objects.filter((object) => namespaceOf(object) === namespace);
  return [
    ...byGroup(inside).map(([apiGroup, resources]) => ({ namespace, apiGroup, resources, verbs: ['get', 'create', 'patch', 'delete'] as Verb[], why: applyWhy })),
    { namespace, apiGroup: 'apps', resources: ['deployments'], verbs: ['list'], why: 'deploymentsRolledOut: list the namespace\'s Deployments' },
    { namespace, apiGroup: 'discovery.k8s.io', resources: ['endpointslices'], verbs: ['list'], why: 'endpointsReady: list each Service\'s EndpointSlices' },
    { namespace, apiGroup: '', resources: ['pods'], verbs: ['get', 'create', 'delete'], why: 'runProbePod (east-west case): create the curl pod, poll it, delete it' },
    { namespace, apiGroup: '', resources: ['pods/log'], verbs: ['get'], why: 'runProbePod: read the curl pod\'s output' },
  ];
}

/** A namespace meshgate shares with others (the gateway's): only its own objects by name; create cannot be name-restricted. */
function namedGrants(namespace: string, objects: readonly KubeObject[]): RbacGrant[] {
  const inside = objects.filter((object) => namespaceOf(object) === namespace);
  return byGroup(inside).flatMap(([apiGroup, resources]) => [
    { namespace, apiGroup, resources, verbs: ['create'] as Verb[], why: `${applyWhy}: a new object` },
    // One rule per resource: a rule's names hold for each of its resources.
    ...resources.map((resource) => {
      const resourceNames = [...new Set(inside.filter((object) => resourceOf[object.kind].resource === resource).map((object) => object.metadata.name))].sort();
      return { namespace, apiGroup, resources: [resource], verbs: ['get', 'patch', 'delete'] as Verb[], resourceNames, why: `${applyWhy}: these objects only` };
    }),
  ]);
}

/** The objects' resources grouped by API group, in a stable order. */
function byGroup(objects: readonly KubeObject[]): Array<[string, string[]]> {
  const groups = new Map<string, Set<string>>();
  for (const object of objects) {
    const { apiGroup, resource } = resourceOf[object.kind];
    groups.set(apiGroup, (groups.get(apiGroup) ?? new Set()).add(resource));
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, resources]) => [group, [...resources].sort()]);
}

/** `--print-rbac`: every grant, where it holds and the call that needs it. */
export function formatGrants(grants: readonly RbacGrant[]): string {
  return grants
    .map((grant) => {
      const where = grant.namespace ? `namespace ${grant.namespace}` : 'cluster';
      const group = grant.apiGroup === '' ? 'core' : grant.apiGroup;
      const names = grant.resourceNames ? ` [only ${grant.resourceNames.join(', ')}]` : '';
      return `${where}: ${group} ${grant.resources.join(', ')}: ${grant.verbs.join(', ')}${names}\n    needed by ${grant.why}`;
    })
    .join('\n');
}
