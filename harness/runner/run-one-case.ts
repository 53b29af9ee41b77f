import { readFileSync } from 'node:fs';
import type { GatewayAddress } from '../clients/http-client.ts';
import { type CaseRecord, caseKey } from '../results/case-record.ts';
import type { Measurements } from '../results/measurements.ts';
import { expectEventually, ExpectationError } from '../suite/expect-eventually.ts';
import { fingerprint } from '../suite/expectation.ts';
import type { GatewayCase, ProbeContext } from '../suite/gateway-case.ts';
import { differenceSeen, expectationFor, gatewayFamily, type KnownDifference } from '../suite/known-difference.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';

/** One case against one subject: what the runtime schedules and reports. */
export interface PlannedRun {
  suite: string;
  gatewayCase: GatewayCase<any>;
  /** Absent for the placeholder of a case with nothing to check. */
  subject?: unknown;
  /** The subject's name in results (`-` for the placeholder). */
  name: string;
}

/** Everything a case needs besides its subject; shared by the cases of a run. */
export interface CaseEnvironment {
  context: ProbeContext;
  differences: readonly KnownDifference[];
}

/** The probe context of `target` (and of the live A/B reference, if any), with the run's timeouts. */
export function probeContextOf(target: LoadedTarget, compareTarget: LoadedTarget | undefined, timeouts: Timeouts): ProbeContext {
  return { target, timeouts, gateway: gatewayOf(target, timeouts), ...(compareTarget ? { reference: gatewayOf(compareTarget, timeouts) } : {}) };
}

/**
 * What a case is before it runs: NOT_SUPPORTED when the target lacks a feature it needs,
 * SKIPPED when it has nothing to check or declines the target; undefined when it must run.
 */
export function outcomeWithoutRunning(run: PlannedRun, target: LoadedTarget, timeouts: Timeouts): CaseRecord | undefined {
  const { gatewayCase } = run;
  if (run.subject === undefined) return recordOf(run, { result: 'SKIPPED', reason: 'the scenario has nothing this case applies to' });
  const missing = gatewayCase.features.filter((feature) => !target.features.includes(feature));
  if (missing.length > 0) return recordOf(run, { result: 'NOT_SUPPORTED', reason: `the target lacks ${missing.join(', ')}` });
  const skipped = gatewayCase.skip?.(target, timeouts);
  return skipped === undefined ? undefined : recordOf(run, { result: 'SKIPPED', reason: skipped });
}

/**
 * Runs the case until its expectation converges, fails, times out or `signal` aborts it.
 * On an Istio target a case named by a known difference is held to that row's
 * expectation, and its record notes the row and whether this run showed it.
 */
export async function runOneCase(run: PlannedRun, environment: CaseEnvironment, signal: AbortSignal): Promise<CaseRecord> {
  const { gatewayCase, subject } = run;
  const caseSignal = AbortSignal.any([signal, AbortSignal.timeout(environment.context.timeouts.caseMs)]);
  const context: ProbeContext = { ...environment.context, signal: caseSignal };
  const measurements: Measurements = {};
  const started = performance.now();
  const finish = (fields: Partial<CaseRecord> & Pick<CaseRecord, 'result' | 'reason'>): CaseRecord =>
    recordOf(run, { ...fields, durationMs: Math.round(performance.now() - started), ...(Object.keys(measurements).length > 0 ? { measurements } : {}) });
  let ingressExpected;
  let expectation;
  try {
    ingressExpected = gatewayCase.expect(subject, context);
    expectation = expectationFor(gatewayFamily(context.target), gatewayCase.id, ingressExpected, environment.differences);
  } catch (error) {
    return finish({ result: 'FAILED', reason: messageOf(error) });
  }
  const { expected, note } = expectation;
  const known = note ? { knownDifference: note } : {};
  try {
    const converged = await untilAborted(
      expectEventually(() => gatewayCase.probe(subject, context, measurements), expected, {
        timeoutMs: context.timeouts.convergenceMs,
        pollMs: context.timeouts.convergencePollMs,
        ...gatewayCase.convergence,
        signal: caseSignal,
      }),
      caseSignal,
    );
    if (note) note.seen = differenceSeen(ingressExpected, converged.observation);
    return finish({ result: 'PASSED', reason: '', expected, fingerprint: fingerprint(expected, converged.observation), ...known });
  } catch (error) {
    const observed = error instanceof ExpectationError ? error.observation : undefined;
    if (note && observed) note.seen = differenceSeen(ingressExpected, observed);
    const reason = caseSignal.aborted && !signal.aborted ? `the case did not finish within ${environment.context.timeouts.caseMs / 1000} s` : messageOf(error);
    return finish({ result: 'FAILED', reason, expected, ...(observed ? { fingerprint: fingerprint(expected, observed) } : {}), ...known });
  }
}

/** `work`, or the signal's reason as soon as it aborts: a probe that ignores its signal cannot hold the run. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The record of `run` with the given outcome. */
export function recordOf(run: PlannedRun, fields: Partial<CaseRecord> & Pick<CaseRecord, 'result' | 'reason'>): CaseRecord {
  const { suite, gatewayCase, name } = run;
  return { key: caseKey(suite, gatewayCase.id, name), suite, caseId: gatewayCase.id, subject: name, description: gatewayCase.description, durationMs: 0, ...fields };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function gatewayOf(target: LoadedTarget, timeouts: Timeouts): GatewayAddress {
  const { address, httpPort, httpsPort } = target.gateway;
  return { address, httpPort, httpsPort, ca: target.caFile ? readFileSync(target.caFile, 'utf8') : undefined, requestMs: timeouts.requestMs };
}
