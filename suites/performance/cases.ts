import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { preferredScheme } from '../../harness/suite/subjects.ts';

/** The cutover's backstop: at least this share of requests must succeed under load. */
const minimumSuccessRate = 0.999;

interface LoadSubject {
  app: ResolvedApp;
  concurrency: number;
}

/** Load through the gateway: each performance target at each concurrency level of the scenario's profile. */
export const performanceCases = [
  defineCase<LoadSubject>({
    id: 'http-closed-loop',
    description: `Closed-model HTTPS load per target and concurrency level; latency recorded at microsecond resolution; success rate at least ${minimumSuccessRate * 100} %.`,
    features: ['load'],
    serial: true,
    convergence: { successes: 1, timeoutMs: 0 },
    subjects: (target) => {
      const { targets, concurrency } = target.resolved.performance;
      const apps = target.resolved.apps.filter((app) => targets.includes(app.id));
      return apps.flatMap((app) => concurrency.map((level) => ({ app, concurrency: level })));
    },
    subjectName: ({ app, concurrency }) => `${app.id} c=${concurrency}`,
    expect: () => ({ details: { meetsSuccessRate: true } }),
    probe: async ({ app, concurrency }, { gateway, target, signal }, measurements) => {
      const { durationSeconds, warmupSeconds } = target.resolved.performance;
      const result = await runClosedLoop({ gateway, scheme: preferredScheme(app), host: app.host, concurrency, warmupMs: warmupSeconds * 1000, durationMs: durationSeconds * 1000, signal });
      Object.assign(measurements, { load: result });
      return { details: { meetsSuccessRate: result.requests > 0 && result.successRate >= minimumSuccessRate } };
    },
  }),
];
