import { readFileSync } from 'node:fs';
import { describe, inject, test } from 'vitest';
import type { GatewayAddress } from '../clients/http-client.ts';
import { CaseSlots } from './case-slots.ts';
import { expectEventually, ExpectationError } from '../suite/expect-eventually.ts';
import { fingerprint } from '../suite/expectation.ts';
import { type GatewayCase, type ProbeContext, subjectNames } from '../suite/gateway-case.ts';
import type { CaseMeta } from './case-meta.ts';
import type { Measurements } from '../results/measurements.ts';
import type { Timeouts } from '../timeouts.ts';
import { differenceSeen, expectationFor, gatewayFamily, type KnownDifference } from '../suite/known-difference.ts';

/**
 * Registers a suite's cases as vitest tests against the injected target: one
 * concurrent test per case and subject, named `<case-id> [<subject>]` so a single
 * case can be selected by name. Called from suite-file.ts in vitest's worker.
 * On an Istio target a case named by one of `differences` is held to that row's
 * expectation, and its result notes the row and whether the difference was seen.
 */
export function registerSuite(suite: string, cases: ReadonlyArray<GatewayCase<any>>, differences: readonly KnownDifference[] = []): void {
  const target = inject('target');
  const compareTarget = inject('compareTarget');
  const timeouts = inject('timeouts');
  const context: ProbeContext = { target, timeouts, gateway: gatewayOf(target, timeouts), ...(compareTarget ? { reference: gatewayOf(compareTarget, timeouts) } : {}) };
  const slots = new CaseSlots(inject('concurrency'));
  describe(suite, () => {
    for (const gatewayCase of cases) registerCase(suite, gatewayCase, context, differences, slots);
  });
}

function registerCase<Subject>(suite: string, gatewayCase: GatewayCase<Subject>, context: ProbeContext, differences: readonly KnownDifference[], slots: CaseSlots): void {
  const missing = gatewayCase.features.filter((feature) => !context.target.features.includes(feature));
  const subjects = gatewayCase.subjects(context.target, context.timeouts);
  const names = subjectNames(gatewayCase, context.target, context.timeouts);
  const base = { suite, caseId: gatewayCase.id, description: gatewayCase.description };
  if (subjects.length === 0) {
    test(`${gatewayCase.id} [-]`, (ctx) => {
      ctx.task.meta.meshgate = { ...base, subject: '-', outcome: 'SKIPPED', reason: 'the scenario has nothing this case applies to' };
      ctx.skip();
    });
    return;
  }
  const skipped = gatewayCase.skip?.(context.target, context.timeouts);
  for (const [index, subject] of subjects.entries()) {
    const name = names[index]!;
    const register = gatewayCase.serial ? test : test.concurrent;
    const weight = typeof gatewayCase.weight === 'function' ? gatewayCase.weight(subject) : (gatewayCase.weight ?? 1);
    register(`${gatewayCase.id} [${name}]`, (ctx) => slots.run(weight, async () => {
      const meta: CaseMeta = { ...base, subject: name };
      ctx.task.meta.meshgate = meta;
      if (missing.length > 0 || skipped !== undefined) {
        Object.assign(meta, missing.length > 0 ? { outcome: 'NOT_SUPPORTED', reason: `the target lacks ${missing.join(', ')}` } : { outcome: 'SKIPPED', reason: skipped });
        ctx.skip();
        return;
      }
      const probeContext: ProbeContext = { ...context, signal: ctx.signal };
      const ingressExpected = gatewayCase.expect(subject, probeContext);
      const { expected, note } = expectationFor(gatewayFamily(context.target), gatewayCase.id, ingressExpected, differences);
      const measurements: Measurements = {};
      Object.assign(meta, { expected, measurements, ...(note ? { knownDifference: note } : {}) });
      const started = performance.now();
      try {
        const converged = await expectEventually(() => gatewayCase.probe(subject, probeContext, measurements), expected, {
          timeoutMs: context.timeouts.convergenceMs,
          pollMs: context.timeouts.convergencePollMs,
          ...gatewayCase.convergence,
          signal: ctx.signal,
        });
        Object.assign(meta, { fingerprint: fingerprint(expected, converged.observation), attempts: converged.attempts });
        if (note) note.seen = differenceSeen(ingressExpected, converged.observation);
      } catch (error) {
        if (error instanceof ExpectationError) meta.fingerprint = fingerprint(expected, error.observation);
        if (note && error instanceof ExpectationError) note.seen = differenceSeen(ingressExpected, error.observation);
        throw error;
      } finally {
        meta.durationMs = Math.round(performance.now() - started);
      }
    }));
  }
}

function gatewayOf(target: ProbeContext['target'], timeouts: Timeouts): GatewayAddress {
  const { address, httpPort, httpsPort } = target.gateway;
  return { address, httpPort, httpsPort, ca: target.caFile ? readFileSync(target.caFile, 'utf8') : undefined, requestMs: timeouts.requestMs };
}
