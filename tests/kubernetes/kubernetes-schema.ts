import * as models from '@kubernetes/client-node';

/**
 * Checks objects against the Kubernetes API's own schema, as @kubernetes/client-node
 * generates its models from the API server's OpenAPI document (the `OpenAPI spec
 * version` in each model's header): every field must be one the API defines for that
 * type, with a value of its type. Unknown fields are errors (the API server would drop
 * them or, with strict field validation, refuse them). Required fields are not in the
 * generated models; the strict zod schemas check those.
 */
type Attribute = { baseName: string; type: string };
type Model = { getAttributeTypeMap(): Attribute[] };

const modelOfKind: Record<string, string> = {
  Namespace: 'V1Namespace',
  ServiceAccount: 'V1ServiceAccount',
  ClusterRole: 'V1ClusterRole',
  ClusterRoleBinding: 'V1ClusterRoleBinding',
  Role: 'V1Role',
  RoleBinding: 'V1RoleBinding',
  ConfigMap: 'V1ConfigMap',
  Secret: 'V1Secret',
  Job: 'V1Job',
  CronJob: 'V1CronJob',
  Deployment: 'V1Deployment',
  Service: 'V1Service',
  NetworkPolicy: 'V1NetworkPolicy',
  Ingress: 'V1Ingress',
  Pod: 'V1Pod',
};

/** Problems of `object` (a kind the table knows), each `path: what is wrong`. */
export function kubernetesSchemaErrors(object: { kind?: unknown }): string[] {
  const model = modelOfKind[String(object.kind)];
  if (!model) return [`no Kubernetes model for kind ${String(object.kind)}`];
  return check(object, model, '');
}

function check(value: unknown, type: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (type === 'string' || type === 'Date') return typeof value === 'string' ? [] : [`${path}: expected a string`];
  if (type === 'number') return typeof value === 'number' ? [] : [`${path}: expected a number`];
  if (type === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
  if (type === 'IntOrString') return typeof value === 'number' || typeof value === 'string' ? [] : [`${path}: expected an int or a string`];
  if (type === 'any' || type === 'object') return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((item, index) => check(item, array[1]!, `${path}[${index}]`)) : [`${path}: expected a list`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return isObject(value) ? Object.entries(value).flatMap(([key, item]) => check(item, map[1]!, `${path}.${key}`)) : [`${path}: expected a map`];
  const model = (models as unknown as Record<string, Model | undefined>)[type];
  if (!model?.getAttributeTypeMap) return [`${path}: unknown type ${type}`];
  if (!isObject(value)) return [`${path}: expected an object (${type})`];
  const attributes = model.getAttributeTypeMap();
  return Object.entries(value).flatMap(([key, item]) => {
    const attribute = attributes.find((candidate) => candidate.baseName === key);
    const at = path === '' ? key : `${path}.${key}`;
    return attribute ? check(item, attribute.type, at) : [`${at}: not a field of ${type}`];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
