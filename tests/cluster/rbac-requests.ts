import type { GateObject, PolicyRule } from '../../harness/kubernetes/gate-objects.ts';
import type { RecordedRequest } from './fake-kube-api.ts';

/** What the API server's RBAC authorizer sees of one request (kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb). */
export interface RequestAttributes {
  namespace: string | undefined;
  apiGroup: string;
  /** `pods` or `pods/log`. */
  resource: string;
  name: string | undefined;
  verb: string;
}

/**
 * The RBAC attributes of a recorded request: GET of one object is get, of a collection
 * list; POST create; PUT update; DELETE delete; a server-side apply PATCH is patch, and
 * create too, as it creates the object when it is new. Non-resource paths (/version) give none.
 */
export function attributesOf(request: RecordedRequest): RequestAttributes[] {
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(.*)$/.exec(request.path);
  if (!match) return [];
  const apiGroup = match[1] ?? '';
  let segments = match[2]!.split('/').map(decodeURIComponent);
  let namespace: string | undefined;
  if (segments[0] === 'namespaces' && segments.length >= 3) {
    namespace = segments[1];
    segments = segments.slice(2);
  }
  const [resource = '', name, subresource] = segments;
  const full = subresource ? `${resource}/${subresource}` : resource;
  const base = { namespace, apiGroup, resource: full, name };
  switch (request.method) {
    case 'GET':
      return [{ ...base, verb: name === undefined ? 'list' : 'get' }];
    case 'POST':
      return [{ ...base, verb: 'create' }];
    case 'PUT':
      return [{ ...base, verb: 'update' }];
    case 'PATCH':
      return [{ ...base, verb: 'patch' }, { ...base, verb: 'create' }];
    case 'DELETE':
      return [{ ...base, verb: 'delete' }];
    default:
      throw new Error(`unexpected method ${request.method} ${request.path}`);
  }
}

/** One rule, where it holds: a Role's namespace, or every namespace for a ClusterRole bound cluster-wide. */
export interface PlacedRule {
  namespace: string | undefined;
  rule: PolicyRule;
}

/** The rules the gate's ServiceAccount holds through its bindings. */
export function boundRules(objects: readonly GateObject[]): PlacedRule[] {
  const placed: PlacedRule[] = [];
  for (const binding of objects) {
    if (binding.kind !== 'RoleBinding' && binding.kind !== 'ClusterRoleBinding') continue;
    const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const role = objects.find((object) => object.kind === binding.roleRef.kind && object.metadata.name === binding.roleRef.name && (namespace === undefined || ('namespace' in object.metadata && object.metadata.namespace === namespace)));
    if (!role || (role.kind !== 'Role' && role.kind !== 'ClusterRole')) throw new Error(`binding ${binding.metadata.name} names no role in the list`);
    for (const rule of role.rules) placed.push({ namespace, rule });
  }
  return placed;
}

/** Whether `placed` grants the request `attributes` (resourceNames never match a request without a name, e.g. create). */
export function grants(placed: PlacedRule, attributes: RequestAttributes): boolean {
  const { rule } = placed;
  if (placed.namespace !== undefined && placed.namespace !== attributes.namespace) return false;
  if (!rule.apiGroups.includes(attributes.apiGroup) || !rule.resources.includes(attributes.resource) || !rule.verbs.includes(attributes.verb as PolicyRule['verbs'][number])) return false;
  if (rule.resourceNames === undefined) return true;
  return attributes.name !== undefined && rule.resourceNames.includes(attributes.name);
}
