// The gate-quality benchmark's rig: a gateway of the default scenario's own HTTP
// load target with a delay hop between nginx and the backend.
import { readFile } from 'node:fs/promises';
import type { GatewayAddress } from '../harness/clients/http-client.ts';
import type { StartedEnvironment } from '../harness/environments/environment.ts';
import { LocalEnvironment } from '../harness/environments/local/local-environment.ts';
import { runClosedLoop } from '../harness/load/closed-loop.ts';
import { runOpenLoop, sessionsForRate } from '../harness/load/open-loop.ts';
import { httpDriver } from '../harness/load/load-driver.ts';
import type { LoadResult } from '../harness/results/load-result.ts';
import { type LoadedScenario, loadScenario, parseScenario } from '../harness/scenario/load.ts';
import type { ResolvedApp } from '../harness/scenario/resolve.ts';
import { preferredScheme } from '../harness/suite/subjects.ts';
import { resolveTimeouts } from '../harness/timeouts.ts';
import { DelayHop } from './delay-hop.ts';
import { defaultBudget } from '../harness/scenario/performance-profile.ts';

/** The default scenario cut down to its first HTTP load target's tenant and app (same kind, host, settings). */
export async function benchScenario(): Promise<{ scenario: LoadedScenario; app: ResolvedApp }> {
  const full = await loadScenario();
  const app = full.resolved.apps.find((candidate) => full.resolved.performance.targets.includes(candidate.id) && candidate.backendProtocol === 'HTTP');
  if (!app) throw new Error('the default scenario has no HTTP load target');
  const tenants = full.input.tenants
    .filter((tenant) => `ns-${tenant.user}` === app.namespace)
    .map((tenant) => ({ ...tenant, apps: tenant.apps.filter((candidate) => candidate.name === app.name) }));
  const scenario = parseScenario(JSON.stringify({ ...full.input, name: 'gate-quality', tenants, performance: { ...full.input.performance, targets: [app.id] } }), 'gate-quality scenario');
  return { scenario, app: scenario.resolved.apps[0]! };
}

export interface BenchGateway {
  gateway: GatewayAddress;
  hop: DelayHop;
  stop(): Promise<void>;
}

/** nginx in front of the fixture, through a delay hop; `latencyMs` slows the fixture itself (the 20 ms backend). */
export async function startBenchGateway(scenario: LoadedScenario, runId: string, latencyMs: number): Promise<BenchGateway> {
  const { hop, port } = await DelayHop.start();
  const configHook = (config: string) => {
    const upstreams = [...config.matchAll(/(upstream \S+ \{ server 127\.0\.0\.1:)(\d+)/g)];
    if (upstreams.length !== 1) throw new Error(`expected one upstream in the bench gateway, found ${upstreams.length}`);
    hop.backendPort = Number(upstreams[0]![2]);
    return config.replace(upstreams[0]![0], `${upstreams[0]![1]}${port}`);
  };
  let environment: StartedEnvironment;
  const timeouts = resolveTimeouts(process.env);
  try {
    environment = await new LocalEnvironment({ scenario, runId, timeouts, configHook, faults: latencyMs > 0 ? { latencyMs } : undefined }).start();
  } catch (error) {
    await hop.close();
    throw error;
  }
  const { address, httpPort, httpsPort } = environment.target().gateway;
  const ca = environment.target().caFile;
  return { gateway: { address, httpPort, httpsPort, ca: await readCa(ca), requestMs: timeouts.requestMs }, hop, stop: async () => void (await Promise.all([environment.stop(), hop.close()])) };
}

async function readCa(file: string | null): Promise<string | undefined> {
  return file ? readFile(file, 'utf8') : undefined;
}

/** A load level: closed model at a concurrency, or open model at a rate (req/s). */
export type BenchLevel = { model: 'closed'; concurrency: number } | { model: 'open'; rate: number };

/** `c=10` or `rate=500`, as the level is written on the command line and in the table. */
export function parseLevel(text: string): BenchLevel | undefined {
  const match = /^(c|rate)=([1-9][0-9]{0,5})$/.exec(text);
  if (!match) return undefined;
  return match[1] === 'c' ? { model: 'closed', concurrency: Number(match[2]) } : { model: 'open', rate: Number(match[2]) };
}

export const levelName = (level: BenchLevel) => (level.model === 'closed' ? `c=${level.concurrency}` : `rate=${level.rate}`);

/** One load run at `level` through `gateway`, sized as the performance suite sizes it. */
export function measure(app: ResolvedApp, gateway: GatewayAddress, level: BenchLevel, timing: { warmupMs: number; durationMs: number; signal: AbortSignal }): Promise<LoadResult> {
  const driver = httpDriver({ gateway, scheme: preferredScheme(app), host: app.host, expectBackend: app.id });
  if (level.model === 'closed') return runClosedLoop({ driver, concurrency: level.concurrency, ...timing });
  return runOpenLoop({ driver, rate: level.rate, maxSessions: sessionsForRate(level.rate), ...timing });
}

/**
 * "The allowed" of the gate-quality candidates: the extra hold (µs) at which the first
 * metric reaches its budget, from the reference's p95 and mean latency. p95 may grow by
 * the larger of its share and the floor; in a closed loop each session waits the hold too,
 * so throughput falls by hold / (mean latency + hold). An open loop's throughput is its schedule's.
 */
export function allowedHoldUs(reference: { p95Us: number; meanUs: number; closed: boolean }): number {
  const p95 = Math.max(defaultBudget.p95Increase * reference.p95Us, defaultBudget.p95FloorMs * 1000);
  if (!reference.closed) return p95;
  const share = defaultBudget.throughputDecrease;
  return Math.min(p95, (reference.meanUs * share) / (1 - share));
}
