import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import type { Feature } from '../../harness/target.ts';
import { measureLoad } from '../../harness/load/ab-rounds.ts';
import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import { grpcUnaryDriver, httpDriver, websocketDriver } from '../../harness/load/load-driver.ts';
import type { LoadDriver, LoadTarget } from '../../harness/load/load-session.ts';
import type { LoadResult } from '../../harness/results/load-result.ts';
import type { AbRound } from '../../harness/results/measurements.ts';
import { decision } from '../../harness/statistics/ab-decision.ts';
import { runOpenLoop, sessionsForRate } from '../../harness/load/open-loop.ts';
import { isJudgedLevel } from '../../harness/scenario/performance-profile.ts';
import { spreadLoad } from '../../harness/load/workers/spread-load.ts';
import { loadWorkersInForce } from '../../harness/load/workers/worker-count.ts';
import { cpuSplit, pinThisProcess } from '../../harness/process/cpu-pinning.ts';
import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { type ProbeContext, defineCase } from '../../harness/suite/gateway-case.ts';
import { preferredScheme } from '../../harness/suite/subjects.ts';
import type { LoadedTarget } from '../../harness/target.ts';

/** The cutover's backstop: at least this share of exchanges must succeed under load. */
const minimumSuccessRate = 0.999;

interface LoadSubject {
  app: ResolvedApp;
  /** Concurrency of a closed-model run, or arrival rate (per second) of an open-model run. */
  level: number;
}

/** Which load targets a protocol applies to, and its client. */
interface LoadProtocol {
  name: 'http' | 'grpc' | 'websocket';
  features: Feature[];
  applies: (app: ResolvedApp) => boolean;
  driver: (target: LoadTarget) => LoadDriver;
}

const protocols = {
  http: { name: 'http', features: ['load'], applies: (app) => app.backendProtocol === 'HTTP', driver: httpDriver },
  // gRPC through ingress-nginx needs TLS at the edge (it has no h2c listener).
  grpc: { name: 'grpc', features: ['load', 'grpc'], applies: (app) => app.backendProtocol === 'GRPC' && app.tls !== null, driver: grpcUnaryDriver },
  websocket: { name: 'websocket', features: ['load', 'websocket'], applies: (app) => app.backendProtocol === 'WS', driver: websocketDriver },
} satisfies Record<string, LoadProtocol>;

function loadTargets(target: LoadedTarget, protocol: LoadProtocol): ResolvedApp[] {
  return target.resolved.apps.filter((app) => target.resolved.performance.targets.includes(app.id) && protocol.applies(app));
}

/**
 * Pins this process (the load generator) away from the gateway's cores when the
 * target says it is pinned, until `release`; every load case records whether pinning was in force.
 */
function pinLoadGenerator(target: LoadedTarget): { pinning: { gateway: string; load: string } | null; release: () => void } {
  const split = cpuSplit();
  const release = target.gateway.pinnedCpus && split ? pinThisProcess(split.load) : null;
  if (!release || !split || !target.gateway.pinnedCpus) return { pinning: null, release: () => undefined };
  return { pinning: { gateway: target.gateway.pinnedCpus, load: split.load }, release };
}

type LoadRun = (driver: LoadDriver, level: number, timing: { warmupMs: number; durationMs: number; signal?: AbortSignal }) => Promise<LoadResult>;

const closedLoop: LoadRun = (driver, concurrency, timing) => runClosedLoop({ driver, concurrency, ...timing });
const openLoop: LoadRun = (driver, rate, timing) => runOpenLoop({ driver, rate, maxSessions: sessionsForRate(rate), ...timing });

/**
 * A load case: every target of `protocol` at every level of the scenario's
 * profile (`levels`), measured beside the reference gateway in A/B rounds when
 * there is one and the profile judges the level (`isJudgedLevel`).
 */
function loadCase(id: string, description: string, protocol: LoadProtocol, levels: 'concurrency' | 'rates', run: LoadRun) {
  const levelName = levels === 'concurrency' ? 'c' : 'r';
  return defineCase<LoadSubject>({
    id,
    description: `${description}; success rate at least ${minimumSuccessRate * 100} %, every answer from the app's own backend.`,
    features: protocol.features,
    serial: true,
    convergence: { successes: 1, timeoutMs: 0 },
    subjects: (target) => loadTargets(target, protocol).flatMap((app) => target.resolved.performance[levels].map((level) => ({ app, level }))),
    subjectName: ({ app, level }) => `${app.id} ${levelName}=${level}`,
    expect: () => ({ details: { meetsSuccessRate: true } }),
    probe: async ({ app, level }, context: ProbeContext, measurements) => {
      const { durationSeconds, warmupSeconds } = context.target.resolved.performance;
      const timing = { warmupMs: warmupSeconds * 1000, durationMs: durationSeconds * 1000, signal: context.signal };
      const loadTarget = (gateway: GatewayAddress): LoadTarget => ({ gateway, scheme: preferredScheme(app), host: app.host, expectBackend: app.id });
      // --load-workers N: N processes share the level (a closed load at most one session each) and their results merge exactly.
      const workers = levels === 'concurrency' ? Math.min(loadWorkersInForce(), level) : loadWorkersInForce();
      const model: 'closed' | 'open' = levels === 'concurrency' ? 'closed' : 'open';
      const spec = (gateway: GatewayAddress) => ({ version: 1 as const, protocol: protocol.name, model, level, maxSessions: sessionsForRate(level), workers, target: loadTarget(gateway), warmupMs: timing.warmupMs, durationMs: timing.durationMs });
      const load = (gateway: GatewayAddress) =>
        workers > 1 ? spreadLoad(context.target, spec(gateway), gateway !== context.gateway, context) : run(protocol.driver(loadTarget(gateway)), level, timing);
      const pinned = pinLoadGenerator(context.target);
      measurements.pinning = pinned.pinning;
      const profile = context.target.resolved.performance;
      const { rounds, maxMinutes, budget } = profile;
      const bounds = { maxRounds: rounds, maxMs: maxMinutes * 60_000, decide: (done: AbRound[]) => decision(done, budget, { maxRounds: rounds }) };
      const reference = isJudgedLevel(profile, { model, level }) ? context.reference : undefined;
      if (context.reference && !reference) measurements.unjudged = `the ${profile.profile} profile judges one level a target; this one ran once for its success rate`;
      let result;
      try {
        result = await measureLoad(load, context.gateway, reference, measurements, { bounds, signal: context.signal });
      } finally {
        pinned.release();
      }
      return { details: { meetsSuccessRate: result.requests > 0 && result.successRate >= minimumSuccessRate } };
    },
  });
}

/** Load through the gateway: each performance target in its own protocol, at each level of the scenario's profile. */
export const performanceCases = [
  loadCase('http-closed-loop', 'Closed-model HTTPS GETs per target and concurrency; latency at microsecond resolution', protocols.http, 'concurrency', closedLoop),
  loadCase('http-open-loop', 'Open-model HTTPS GETs at each constant arrival rate; latency from the intended send time (no coordinated omission)', protocols.http, 'rates', openLoop),
  loadCase('grpc-unary-closed-loop', 'Closed-model gRPC unary calls over one HTTP/2 channel per target and concurrency', protocols.grpc, 'concurrency', closedLoop),
  loadCase('websocket-roundtrip-closed-loop', 'Closed-model WebSocket message round trips, one socket per concurrent session', protocols.websocket, 'concurrency', closedLoop),
];
