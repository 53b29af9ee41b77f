import { type JudgeSettings, type TrafficJudgement, judgeTraffic } from './judge-traffic.ts';
import { collectTraffic } from './collect-traffic.ts';
import type { PrometheusAccess } from './prometheus-client.ts';
import type { JudgeQueries } from './queries.ts';

export interface JudgementOptions {
  prometheus: PrometheusAccess;
  queries: JudgeQueries;
  /** Length of the judged window, ms (whole seconds are sent). */
  windowMs: number;
  /** End of the candidate's window. */
  at: Date;
  /** How far before the candidate's window the reference's ends, ms; 0: the same window (both gateways serving). */
  referenceOffsetMs: number;
  /** The Istio ingress gateway's workload name, for the queries' {{gatewayWorkload}}. */
  gatewayWorkload: string;
  settings: JudgeSettings;
  signal?: AbortSignal;
}

/** Reads both gateways' traffic from Prometheus and judges the candidate's against the reference's. */
export async function runJudgement(options: JudgementOptions): Promise<TrafficJudgement> {
  const values = { window: `${Math.max(1, Math.ceil(options.windowMs / 1000))}s`, gatewayWorkload: options.gatewayWorkload };
  const common = { prometheus: options.prometheus, values, signal: options.signal };
  const [candidate, reference] = await Promise.all([
    collectTraffic({ ...common, side: options.queries.candidate, at: options.at }),
    collectTraffic({ ...common, side: options.queries.reference, at: new Date(options.at.getTime() - options.referenceOffsetMs) }),
  ]);
  return judgeTraffic(candidate, reference, options.settings);
}
