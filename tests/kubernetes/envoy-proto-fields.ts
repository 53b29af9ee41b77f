import { readFileSync } from 'node:fs';

/** A field of tests/kubernetes/envoy-protos/fields.json: its declaration line and type. */
interface ProtoField {
  line: number;
  type: string;
}

const protos = JSON.parse(readFileSync(new URL('./envoy-protos/fields.json', import.meta.url), 'utf8')) as {
  messages: Record<string, { proto: string; fields: Record<string, ProtoField> }>;
};

/** The message of an Any, from its `@type` URL. */
function anyMessage(value: unknown): string | null {
  const type = (value as { '@type'?: unknown })['@type'];
  return typeof type === 'string' ? type.replace(/^type\.googleapis\.com\//, '') : null;
}

/**
 * Every way `value` is not Envoy's JSON for `message` as the checked-in proto field list
 * knows it: unknown fields, wrong scalar types, enum values, Any objects without a known
 * `@type`. Empty when every field is one Envoy declares. `path` names the spot in messages.
 */
export function envoyFieldProblems(value: unknown, message: string, path = ''): string[] {
  const known = protos.messages[message];
  if (!known) return [`${path || '(root)'}: message ${message} is not in the checked-in list`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: ${message} must be an object`];
  return Object.entries(value).flatMap(([name, field]) => {
    if (name === '@type') return [];
    const declared = known.fields[name];
    const at = path ? `${path}.${name}` : name;
    if (!declared) return [`${at}: ${message} has no field ${name}`];
    return typeProblems(field, declared.type, at);
  });
}

function typeProblems(value: unknown, type: string, at: string): string[] {
  const wrong = [`${at}: not a ${type}`];
  if (type === 'string') return typeof value === 'string' ? [] : wrong;
  if (type === 'bool') return typeof value === 'boolean' ? [] : wrong;
  if (type === 'uint32') return Number.isInteger(value) && (value as number) > 0 && (value as number) <= 4_294_967_295 ? [] : wrong;
  if (type === 'duration') return typeof value === 'string' && /^[0-9]+(\.[0-9]+)?s$/.test(value) ? [] : wrong;
  if (type.startsWith('enum:')) return type.slice(5).split(',').includes(value as string) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${type.slice(5)}`];
  if (type === 'any') return anyProblems(value, at);
  if (type === 'map<any>') {
    if (typeof value !== 'object' || value === null) return wrong;
    return Object.entries(value).flatMap(([key, entry]) => anyProblems(entry, `${at}[${key}]`));
  }
  return envoyFieldProblems(value, type, at);
}

function anyProblems(value: unknown, at: string): string[] {
  const message = typeof value === 'object' && value !== null ? anyMessage(value) : null;
  if (!message) return [`${at}: an Any needs an @type`];
  return envoyFieldProblems(value, message, at);
}
