import type { Observation } from '../results/observation.ts';

/**
 * What changed between two fingerprints, one line per field:
 * `header vary: "Origin" -> "Origin, Accept"`. Pure.
 */
export function diffFingerprints(before: Observation | undefined, after: Observation | undefined): string[] {
  const a = flatten(before ?? {});
  const b = flatten(after ?? {});
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return fields.filter((field) => a[field] !== b[field]).map((field) => `${field}: ${show(a[field])} -> ${show(b[field])}`);
}

function flatten(observation: Observation): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  if ('status' in observation) flat.status = observation.status;
  if ('backend' in observation) flat.backend = observation.backend;
  if ('error' in observation) flat.error = observation.error;
  for (const [name, value] of Object.entries(observation.headers ?? {})) flat[`header ${name}`] = value;
  for (const [key, value] of Object.entries(observation.details ?? {})) flat[key] = value;
  return flat;
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
