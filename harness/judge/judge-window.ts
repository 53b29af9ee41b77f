import { formatJudgement } from './format-judgement.ts';
import { type GatewayInstall, gatewayWorkloadOf } from './gateway-workload.ts';
import { type JudgeSettings, type TrafficJudgement, defaultJudgeSettings } from './judge-traffic.ts';
import { type PrometheusAuthFiles, prometheusAccess } from './prometheus-access.ts';
import { loadQueries } from './queries.ts';
import { runJudgement } from './run-judgement.ts';
import type { Timeouts } from '../timeouts.ts';

/** What a real-traffic judgement needs (judge, and watch with --prometheus). */
export interface JudgeInput extends PrometheusAuthFiles {
  /** Prometheus' base URL; credentials in it are used as Basic auth. */
  prometheus?: URL;
  gatewayInstall: GatewayInstall;
  gatewayWorkload?: string;
  /** A queries file (default: harness/judge/queries.yaml). */
  queries?: string;
  minRequests: number;
  maxErrorRatio: number;
  maxP95Ms: number;
  latencyBudget: number;
  /** How far before the candidate's window the reference's ends, ms. */
  referenceOffset: number;
  /** The run's timeouts: each Prometheus query is bounded by prometheusQueryMs. */
  timeouts: Timeouts;
}

/**
 * Judges the `windowMs` window ending `at` and logs it; returns the judgement. `signal`
 * stops the queries (watch passes none: a signal only ends its traffic).
 */
export async function judgeWindow(input: JudgeInput & { prometheus: URL }, windowMs: number, at: Date, signal: AbortSignal | undefined, log: (line: string) => void): Promise<TrafficJudgement> {
  const queries = await loadQueries(input.queries);
  const settings: JudgeSettings = { ...defaultJudgeSettings, minRequests: input.minRequests, maxErrorRatio: input.maxErrorRatio, maxP95Ms: input.maxP95Ms, latencyBudget: input.latencyBudget };
  const prometheus = await prometheusAccess(input.prometheus, input, input.timeouts.prometheusQueryMs);
  const gatewayWorkload = gatewayWorkloadOf(input);
  log(`meshgate: judging ${queries.candidate.name} (workload ${gatewayWorkload}) against ${queries.reference.name} over ${Math.ceil(windowMs / 1000)} s ending ${at.toISOString()} (${prometheus.url.origin})`);
  const judgement = await runJudgement({ prometheus, queries, windowMs, at, referenceOffsetMs: input.referenceOffset, gatewayWorkload, settings, signal });
  for (const line of formatJudgement(judgement, { candidate: queries.candidate.name, reference: queries.reference.name })) log(`meshgate: ${line}`);
  return judgement;
}
