import type { GatewayAddress } from '../clients/http-client.ts';
import type { Feature } from '../target.ts';
import type { ResolvedApp } from '../scenario/resolve.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import type { ConvergenceOptions } from './expect-eventually.ts';
import type { Expectation, Observation } from '../results/observation.ts';
import type { Measurements } from '../results/measurements.ts';

/** What a probe gets: the target, how to reach its gateway, and the run's timeouts. */
export interface ProbeContext {
  target: LoadedTarget;
  gateway: GatewayAddress;
  timeouts: Timeouts;
  /** Aborted when the run is cancelled (SIGINT) or the case times out: long probes stop early. */
  signal?: AbortSignal;
  /** With --compare-target: the reference gateway loaded beside this one in A/B rounds (live A/B). */
  reference?: GatewayAddress;
}

/**
 * A case is a value: what it checks (expectations as data) and one function that
 * observes the gateway. It runs once per subject (usually an app), each subject
 * a result of its own, so a baseline can be diffed case by case.
 */
export interface GatewayCase<Subject = ResolvedApp> {
  /** Stable id, kebab-case, unique within its suite: baselines key on it. */
  id: string;
  description: string;
  /** Scenario fields this case verifies (`declarableFields()` paths): docs/coverage.md's table is derived from them. */
  covers?: string[];
  /**
   * Set when the case checks only part of the apps its fields apply to (one app per
   * distinct value, or only values short enough to wait out): says which part, and the
   * coverage table lists the case as verifying a sample, never every app.
   */
  sample?: string;
  /** Features the target must offer; otherwise the case is NOT_SUPPORTED. */
  features: Feature[];
  /** What the case runs against; an empty list skips it. `timeouts` are the run's (a hold past a gateway default depends on them). */
  subjects(target: LoadedTarget, timeouts: Timeouts): Subject[];
  /** Name of a subject in results; defaults to its `id`. */
  subjectName?(subject: Subject): string;
  expect(subject: Subject, context: ProbeContext): Expectation;
  probe(subject: Subject, context: ProbeContext, measurements: Measurements): Promise<Observation>;
  /** How the check converges; `{ successes: 1, timeoutMs: 0 }` for cases that observe once (load). */
  convergence?: ConvergenceOptions;
  /**
   * Slots one subject takes of the suite's concurrency (default 1, a plain request):
   * more for a case that holds many connections or moves megabytes at once; 0 for one
   * that only holds idle connections (it runs beside the others in a slot of its own).
   * A function when subjects of one case differ in cost.
   */
  weight?: number | ((subject: Subject) => number);
  /** Why the case does not run against this target at all (e.g. a long hold in the quick profile): its results are SKIPPED with that reason. */
  skip?(target: LoadedTarget, timeouts: Timeouts): string | undefined;
  /** Run alone, one subject after another (load must not compete with other traffic). */
  serial?: boolean;
}

/** Identity function that keeps a case's subject type inferred. */
export function defineCase<Subject = ResolvedApp>(definition: GatewayCase<Subject>): GatewayCase<Subject> {
  return definition;
}

/** The names of a case's subjects against `target`, as results and `--case` see them; `['-']` when there are none. */
export function subjectNames(gatewayCase: GatewayCase<any>, target: LoadedTarget, timeouts: Timeouts): string[] {
  const subjects: unknown[] = gatewayCase.subjects(target, timeouts);
  if (subjects.length === 0) return ['-'];
  return subjects.map((subject) => gatewayCase.subjectName?.(subject) ?? (subject as { id?: string }).id ?? String(subject));
}
