/**
 * What a probe saw and what a case expects, as plain data, and the pure
 * comparison between them. The fingerprint of a result is the observation cut
 * down to what the expectation names, so two runs can be diffed case by case.
 */
import type { Expectation, HeaderExpectation, Observation } from '../results/observation.ts';

export interface Mismatch {
  field: string;
  expected: string;
  observed: string;
}

/** Every way `observed` differs from `expected`; empty when it matches. Pure. */
export function compare(expected: Expectation, observed: Observation): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const add = (field: string, want: string, got: unknown) => mismatches.push({ field, expected: want, observed: show(got) });
  if (expected.error !== undefined) {
    const error = observed.error ?? null;
    if (expected.error === null ? error !== null : error === null || !new RegExp(expected.error).test(error)) {
      add('error', expected.error === null ? 'no error' : `error matching /${expected.error}/`, error);
    }
  }
  if (expected.status !== undefined) {
    const allowed = Array.isArray(expected.status) ? expected.status : [expected.status];
    if (observed.status === undefined || !allowed.includes(observed.status)) add('status', allowed.join(' or '), observed.status);
  }
  if (expected.backend !== undefined && (observed.backend ?? null) !== expected.backend) {
    add('backend', expected.backend ?? 'no backend', observed.backend ?? null);
  }
  for (const [name, rule] of Object.entries(expected.headers ?? {})) {
    const value = observed.headers?.[name.toLowerCase()];
    if (!headerMatches(rule, value)) add(`header ${name}`, describeHeaderRule(rule), value);
  }
  for (const [key, want] of Object.entries(expected.details ?? {})) {
    const got = observed.details?.[key];
    if (got !== want) add(key, show(want), got);
  }
  return mismatches;
}

function headerMatches(rule: HeaderExpectation, value: string | undefined): boolean {
  if ('absent' in rule) return value === undefined;
  if (value === undefined) return false;
  if ('equals' in rule) return value === rule.equals;
  if ('matches' in rule) return new RegExp(rule.matches).test(value);
  if ('contains' in rule) return value.split(',').some((token) => token.trim().toLowerCase() === rule.contains.toLowerCase());
  return true;
}

function describeHeaderRule(rule: HeaderExpectation): string {
  if ('absent' in rule) return 'absent';
  if ('equals' in rule) return JSON.stringify(rule.equals);
  if ('matches' in rule) return `matching /${rule.matches}/`;
  if ('contains' in rule) return `containing ${JSON.stringify(rule.contains)}`;
  return 'present';
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The observation cut down to what the expectation names: stable across runs, diffable. */
export function fingerprint(expected: Expectation, observed: Observation): Observation {
  const print: Observation = {};
  if (expected.status !== undefined) print.status = observed.status;
  if (expected.backend !== undefined) print.backend = observed.backend ?? null;
  if (expected.error !== undefined) print.error = observed.error ?? null;
  if (expected.headers) {
    print.headers = Object.fromEntries(Object.keys(expected.headers).map((name) => [name.toLowerCase(), observed.headers?.[name.toLowerCase()]]));
  }
  if (expected.details) print.details = Object.fromEntries(Object.keys(expected.details).map((key) => [key, observed.details?.[key] ?? null]));
  return print;
}

/** One line per mismatch: "status: expected 200, observed 404". */
export function formatMismatches(mismatches: Mismatch[]): string {
  return mismatches.map((m) => `${m.field}: expected ${m.expected}, observed ${m.observed}`).join('; ');
}
