import type { z } from 'zod';
import { ManifestError } from './manifest-error.ts';
import { type KubeObject, RUN_ID_LABEL, kubeObjectSchema } from './objects.ts';
import { checkReferences } from './validate-references.ts';

/**
 * Checks objects before they are applied: a known apiVersion and kind, no unknown or
 * missing field, names in the format their kind requires, the namespace set on
 * namespaced objects, the run's label on every object (and every pod), and references
 * between objects (gateways, Services, Secrets) resolved within the list. Returns the
 * objects typed; throws a ManifestError at the first problem.
 */
export function validateObjects(objects: readonly unknown[], runId: string): KubeObject[] {
  const parsed = objects.map((object, index) => {
    const result = kubeObjectSchema.safeParse(object);
    if (!result.success) throw issueError(object, index, result.error.issues[0]!);
    return result.data;
  });
  for (const object of parsed) checkLabels(object, runId);
  checkReferences(parsed);
  return parsed;
}

/** A zod issue of object number `index` as a ManifestError naming the object and the field. */
export function issueError(object: unknown, index: number, issue: z.core.$ZodIssue, expectedKinds: readonly string[] = kinds): ManifestError {
  const path = [...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path.push(issue.keys[0]!);
    message = 'unknown field (misspelled, or not one meshgate sets)';
  } else if (issue.code === 'invalid_key') {
    // A record key (a label key, a header name) is the bad field; its own issue says why.
    message = `${issue.issues[0]?.message ?? message} (a key)`;
  } else if (path.length === 1 && path[0] === 'kind') {
    message = `unknown kind ${JSON.stringify(field(object, 'kind'))} (expected ${expectedKinds.join(', ')})`;
  }
  return new ManifestError(describeRaw(object, index), fieldPath(path), message);
}

const kinds = kubeObjectSchema.options.map((option) => option.shape.kind.value);

/** `spec.http[0].corsPolicy`; keys that are not identifiers in brackets: `metadata.labels["meshgate.io/run-id"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(object)';
  return path
    .map((part) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = String(part);
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    })
    .join('')
    .replace(/^\./, '');
}

/** A reference to an object that failed to parse: whatever of kind, namespace and name it has. */
function describeRaw(object: unknown, index: number): string {
  const metadata = field(object, 'metadata');
  const name = field(metadata, 'name');
  const namespace = field(metadata, 'namespace');
  const kind = typeof field(object, 'kind') === 'string' ? (field(object, 'kind') as string) : 'object';
  const id = typeof name === 'string' ? name : `#${index}`;
  return `${kind} ${typeof namespace === 'string' ? `${namespace}/` : ''}${id}`;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Cleanup selects by the run's label, so an object without it would be left behind. */
function checkLabels(object: KubeObject, runId: string): void {
  const missing = (labels: Record<string, string>) => labels[RUN_ID_LABEL] !== runId;
  const expected = `must be the run id ${JSON.stringify(runId)}`;
  if (missing(object.metadata.labels)) {
    throw ManifestError.at(object, fieldPath(['metadata', 'labels', RUN_ID_LABEL]), expected);
  }
  if (object.kind !== 'Deployment') return;
  const { selector, template } = object.spec;
  if (missing(template.metadata.labels)) {
    throw ManifestError.at(object, fieldPath(['spec', 'template', 'metadata', 'labels', RUN_ID_LABEL]), expected);
  }
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (template.metadata.labels[key] !== value) {
      throw ManifestError.at(object, fieldPath(['spec', 'selector', 'matchLabels', key]), 'selects no label of the pod template');
    }
  }
}
