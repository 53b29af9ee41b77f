import { convergenceSuccesses } from '../timeouts.ts';
import { type PollStep, poll } from '../wait.ts';
import { type Mismatch, compare, formatMismatches } from './expectation.ts';
import type { Expectation, Observation } from '../results/observation.ts';

export interface Converged {
  observation: Observation;
  attempts: number;
}

/** A check that did not converge; carries the last mismatch and observation. */
export class ExpectationError extends Error {
  constructor(
    message: string,
    readonly mismatches: Mismatch[],
    readonly observation: Observation,
  ) {
    super(message);
    this.name = 'ExpectationError';
  }
}

export interface ConvergenceOptions {
  /** Consecutive matching observations required. */
  successes?: number;
  /** Total time allowed, ms. */
  timeoutMs?: number;
  pollMs?: number;
  /** Stops the attempts (the run was cancelled): the check fails with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Probes until the expectation holds `successes` times in a row, within a bounded
 * time (gateways converge: a route may take a moment to program). Never a bare sleep:
 * each attempt is a real observation. Fails with the last mismatch. A streak begun
 * before the deadline may complete after it, so the bound is the time plus
 * `successes - 1` attempts. The caller gives the bound and the pause (the run's convergenceMs and convergencePollMs unless the case sets its own).
 */
export async function expectEventually(
  probe: () => Promise<Observation>,
  expected: Expectation,
  options: ConvergenceOptions & { timeoutMs: number; pollMs: number },
): Promise<Converged> {
  const { successes = convergenceSuccesses, timeoutMs, pollMs, signal } = options;
  let streak = 0;
  let last: { observation: Observation; mismatches: Mismatch[] } | undefined;
  const step = async (attempt: number): Promise<PollStep<Converged>> => {
    const observation = await probe();
    const mismatches = compare(expected, observation);
    last = { observation, mismatches };
    streak = mismatches.length === 0 ? streak + 1 : 0;
    if (streak >= successes) return { done: true, value: { observation, attempts: attempt } };
    // Past the deadline a streak that is still growing may finish (at most successes - 1
    // more attempts): a slow probe, such as a streamed response, must not fail for its own length.
    return { done: false, extend: streak > 0, now: streak > 0 };
  };
  const converged = await poll(step, { timeoutMs, pollMs, signal });
  if (converged) return converged.value;
  const detail = !last ? 'no observation' : last.mismatches.length ? formatMismatches(last.mismatches) : 'it matched, but not enough times in a row';
  throw new ExpectationError(`did not converge within ${timeoutMs} ms (${successes} consecutive matches needed): ${detail}`, last?.mismatches ?? [], last?.observation ?? {});
}
