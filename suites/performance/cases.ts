import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import { measureLoad } from '../../harness/load/alternate.ts';
import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import { runOpenLoop } from '../../harness/load/open-loop.ts';
import { cpuSplit, pinThisProcess } from '../../harness/process/cpu-pinning.ts';
import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { preferredScheme } from '../../harness/suite/subjects.ts';
import type { LoadedTarget } from '../../harness/target.ts';

/** The cutover's backstop: at least this share of requests must succeed under load. */
const minimumSuccessRate = 0.999;

interface LoadSubject {
  app: ResolvedApp;
  concurrency: number;
}

interface RateSubject {
  app: ResolvedApp;
  rate: number;
}

function loadTargets(target: LoadedTarget): ResolvedApp[] {
  return target.resolved.apps.filter((app) => target.resolved.performance.targets.includes(app.id));
}

/**
 * Pins this worker (the load generator) away from the gateway's cores when the
 * target says it is pinned; every load case records whether pinning was in force.
 */
function pinLoadGenerator(target: LoadedTarget): { gateway: string; load: string } | null {
  const split = cpuSplit();
  if (!target.gateway.pinnedCpus || !split || !pinThisProcess(split.load)) return null;
  return { gateway: target.gateway.pinnedCpus, load: split.load };
}

/** Connections an open-model run may use: enough for the rate at a 100 ms latency. */
const connectionsFor = (rate: number) => Math.max(10, Math.ceil(rate / 10));

/** Load through the gateway: each performance target at each concurrency level of the scenario's profile. */
export const performanceCases = [
  defineCase<LoadSubject>({
    id: 'http-closed-loop',
    description: `Closed-model HTTPS load per target and concurrency level; latency recorded at microsecond resolution; success rate at least ${minimumSuccessRate * 100} %.`,
    features: ['load'],
    serial: true,
    convergence: { successes: 1, timeoutMs: 0 },
    subjects: (target) => loadTargets(target).flatMap((app) => target.resolved.performance.concurrency.map((level) => ({ app, concurrency: level }))),
    subjectName: ({ app, concurrency }) => `${app.id} c=${concurrency}`,
    expect: () => ({ details: { meetsSuccessRate: true } }),
    probe: async ({ app, concurrency }, { gateway, reference, target, signal }, measurements) => {
      const { durationSeconds, warmupSeconds } = target.resolved.performance;
      const run = (at: GatewayAddress) =>
        runClosedLoop({ gateway: at, scheme: preferredScheme(app), host: app.host, concurrency, warmupMs: warmupSeconds * 1000, durationMs: durationSeconds * 1000, signal });
      measurements.pinning = pinLoadGenerator(target);
      const result = await measureLoad(run, gateway, reference, measurements, signal);
      return { details: { meetsSuccessRate: result.requests > 0 && result.successRate >= minimumSuccessRate } };
    },
  }),
  defineCase<RateSubject>({
    id: 'http-open-loop',
    description: `Open-model HTTPS load at each constant arrival rate of the profile; latency measured from the intended send time (no coordinated omission); success rate at least ${minimumSuccessRate * 100} %.`,
    features: ['load'],
    serial: true,
    convergence: { successes: 1, timeoutMs: 0 },
    subjects: (target) => loadTargets(target).flatMap((app) => target.resolved.performance.rates.map((rate) => ({ app, rate }))),
    subjectName: ({ app, rate }) => `${app.id} r=${rate}`,
    expect: () => ({ details: { meetsSuccessRate: true } }),
    probe: async ({ app, rate }, { gateway, reference, target, signal }, measurements) => {
      const { durationSeconds, warmupSeconds } = target.resolved.performance;
      const run = (at: GatewayAddress) =>
        runOpenLoop({ gateway: at, scheme: preferredScheme(app), host: app.host, rate, maxConnections: connectionsFor(rate), warmupMs: warmupSeconds * 1000, durationMs: durationSeconds * 1000, signal });
      measurements.pinning = pinLoadGenerator(target);
      const result = await measureLoad(run, gateway, reference, measurements, signal);
      return { details: { meetsSuccessRate: result.requests > 0 && result.successRate >= minimumSuccessRate } };
    },
  }),
];
