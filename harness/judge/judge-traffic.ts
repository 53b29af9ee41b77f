import type { GateFinding, Verdict } from '../results/gate-result.ts';
import { type Bucket, bucketQuantile, minimumExpectedEvents, proportionGreaterP, shareAboveP, slowerThan } from './traffic-statistics.ts';

/** One gateway's traffic for one key (or in total) over the window. */
export interface SideTraffic {
  requests: number;
  /** Requests answered 5xx. */
  errors: number;
  /** Cumulative latency buckets in ms, sorted by bound, the last one +Inf. */
  buckets: Bucket[];
}

/** Traffic per key (by default `namespace/service`). */
export type Traffic = Map<string, SideTraffic>;

/** What the judgement requires; every figure is a flag of `meshgate judge`. */
export interface JudgeSettings {
  /** Requests per side below which a key (or the total) is not judged: too little traffic. */
  minRequests: number;
  /** 5xx ratio (0..1) the candidate must stay under, whatever the reference does. */
  maxErrorRatio: number;
  /** Increase of the 5xx ratio over the reference's (0..1) that counts, when significant. */
  errorRatioFloor: number;
  /** p95 ceiling in ms, whatever the reference does. */
  maxP95Ms: number;
  /** Latency the candidate may add to the reference's p95 and p99, as a share (0.15: 15 %). */
  latencyBudget: number;
  /** ... but at least this many ms: bucket bounds and sub-ms latencies make smaller shifts meaningless. */
  latencyFloorMs: number;
  /** Significance level of every one-sided test (0.01: 99 % confidence). */
  alpha: number;
  /** Share of the reference's volume below which the candidate's traffic for a key counts as dropped. */
  minVolumeShare: number;
}

export const defaultJudgeSettings: JudgeSettings = {
  minRequests: 100,
  maxErrorRatio: 0.05,
  errorRatioFloor: 0.01,
  maxP95Ms: 500,
  latencyBudget: 0.15,
  latencyFloorMs: 5,
  alpha: 0.01,
  minVolumeShare: 0.1,
};

/** Figures of one side, for reports. */
export interface SideSummary {
  requests: number;
  errorRatio: number;
  p95Ms: number;
  p99Ms: number;
}

export interface KeyJudgement {
  key: string;
  candidate: SideSummary;
  reference: SideSummary;
  failures: string[];
  inconclusive: string[];
  notes: string[];
}

export interface TrafficJudgement {
  verdict: Verdict;
  reasons: GateFinding[];
  notes: GateFinding[];
  /** The total first, then every key in order. */
  keys: KeyJudgement[];
}

/** Key of the whole traffic of each side. */
export const TOTAL_KEY = '(total)';

/** A key label's value when the series has it empty or not at all (e.g. ingress-nginx's default backend: service=""). */
export const emptyLabelValue = '(none)';

const empty: SideTraffic = { requests: 0, errors: 0, buckets: [] };

/**
 * The verdict on the candidate gateway's real traffic against the reference's, pure:
 * per key and in total, volume (vanished or dropped traffic), 5xx ratio (a ceiling, and
 * a significant rise over the reference beyond a floor) and p95/p99 (a ceiling, and a
 * significant share of requests slower than the reference's quantile plus the budget).
 * Too little traffic to judge is inconclusive, never a pass.
 */
export function judgeTraffic(candidate: Traffic, reference: Traffic, settings: JudgeSettings = defaultJudgeSettings): TrafficJudgement {
  const keys = [...new Set([...reference.keys(), ...candidate.keys()])].sort();
  const judged = [
    judgeKey(TOTAL_KEY, totalOf(candidate), totalOf(reference), settings),
    ...keys.map((key) => judgeKey(key, candidate.get(key) ?? empty, reference.get(key) ?? empty, settings)),
  ];
  const findings = (pick: (key: KeyJudgement) => string[]) => judged.flatMap((key) => pick(key).map((message) => ({ subject: key.key, message })));
  const failures = findings((key) => key.failures);
  const inconclusive = findings((key) => key.inconclusive);
  const notes = findings((key) => key.notes);
  const total = judged[0]!;
  if (failures.length > 0) return { verdict: 'fail', reasons: failures, notes: [...inconclusive, ...notes], keys: judged };
  if (inconclusive.length > 0) return { verdict: 'inconclusive', reasons: inconclusive, notes, keys: judged };
  if (total.candidate.requests < settings.minRequests) {
    const message = `too little traffic to judge: ${total.candidate.requests} and ${total.reference.requests} requests (at least ${settings.minRequests} per side)`;
    return { verdict: 'inconclusive', reasons: [{ subject: TOTAL_KEY, message }], notes: notes.filter((note) => note.subject !== TOTAL_KEY), keys: judged };
  }
  return { verdict: 'pass', reasons: [], notes, keys: judged };
}

function judgeKey(key: string, candidate: SideTraffic, reference: SideTraffic, settings: JudgeSettings): KeyJudgement {
  const judgement: KeyJudgement = { key, candidate: summarize(candidate), reference: summarize(reference), failures: [], inconclusive: [], notes: [] };
  const enoughCandidate = candidate.requests >= settings.minRequests;
  const enoughReference = reference.requests >= settings.minRequests;
  if (!enoughCandidate && !enoughReference) {
    judgement.notes.push(`too little traffic to judge: ${round(candidate.requests)} and ${round(reference.requests)} requests (at least ${settings.minRequests} per side)`);
    return judgement;
  }
  if (enoughReference && key.split('/').includes(emptyLabelValue)) {
    // Traffic no Service answered (unknown hosts at ingress-nginx's default backend) is labelled differently by each gateway.
    judgement.notes.push(`${round(reference.requests)} requests on the reference without a Service label: judged on errors and latency, not on volume`);
  } else if (enoughReference) judgeVolume(candidate, reference, settings, judgement);
  if (!enoughCandidate) return judgement;
  judgeErrors(candidate, enoughReference ? reference : undefined, settings, judgement);
  judgeLatency(candidate, enoughReference ? reference : undefined, settings, judgement);
  if (!enoughReference) judgement.notes.push(`only ${round(reference.requests)} requests on the reference: judged against the ceilings alone`);
  return judgement;
}

function judgeVolume(candidate: SideTraffic, reference: SideTraffic, settings: JudgeSettings, judgement: KeyJudgement): void {
  const share = candidate.requests / reference.requests;
  if (candidate.requests === 0) judgement.failures.push(`traffic vanished: ${round(reference.requests)} requests on the reference, none on the candidate`);
  else if (share < settings.minVolumeShare) judgement.failures.push(`traffic dropped to ${percent(share)} of the reference's ${round(reference.requests)} requests`);
  else if (candidate.requests < settings.minRequests) judgement.inconclusive.push(`only ${round(candidate.requests)} requests on the candidate (at least ${settings.minRequests})`);
}

function judgeErrors(candidate: SideTraffic, reference: SideTraffic | undefined, settings: JudgeSettings, judgement: KeyJudgement): void {
  const ratio = candidate.errors / candidate.requests;
  if (ratio > settings.maxErrorRatio) {
    const p = shareAboveP(candidate.errors, candidate.requests, settings.maxErrorRatio);
    const message = `5xx ratio ${percent(ratio)} over the ${percent(settings.maxErrorRatio)} ceiling (${round(candidate.errors)} of ${round(candidate.requests)}, p ${pValue(p)})`;
    if (p < settings.alpha && candidate.requests * settings.maxErrorRatio >= minimumExpectedEvents) judgement.failures.push(message);
    else judgement.inconclusive.push(`${message}: not significant`);
  }
  if (!reference) return;
  const referenceRatio = reference.errors / reference.requests;
  const p = proportionGreaterP(candidate.errors, candidate.requests, reference.errors, reference.requests);
  if (ratio - referenceRatio > settings.errorRatioFloor && p < settings.alpha) {
    judgement.failures.push(`5xx ratio ${percent(ratio)} vs ${percent(referenceRatio)} on the reference (two-proportion z-test p ${pValue(p)})`);
  }
}

function judgeLatency(candidate: SideTraffic, reference: SideTraffic | undefined, settings: JudgeSettings, judgement: KeyJudgement): void {
  const ceiling = exceeds(candidate.buckets, settings.maxP95Ms, 0.05, settings.alpha);
  if (ceiling.significant) judgement.failures.push(`p95 over the ${settings.maxP95Ms} ms ceiling: ${ceiling.describe}`);
  if (!reference) return;
  for (const [name, q] of [['p95', 0.95], ['p99', 0.99]] as const) {
    const referenceMs = bucketQuantile(q, reference.buckets);
    if (!Number.isFinite(referenceMs)) continue;
    const allowedMs = Math.max(referenceMs * (1 + settings.latencyBudget), referenceMs + settings.latencyFloorMs);
    const test = exceeds(candidate.buckets, allowedMs, 1 - q, settings.alpha);
    if (test.untestable) judgement.notes.push(`${name} not judged: ${test.untestable}`);
    else if (test.significant) judgement.failures.push(`${name} ${ms(bucketQuantile(q, candidate.buckets))} vs ${ms(referenceMs)} on the reference (budget ${ms(allowedMs)}): ${test.describe}`);
  }
}

/**
 * Whether significantly more than `share` of the requests were slower than `limitMs`,
 * i.e. the (1 - share) quantile is above it: a one-sided binomial test on the
 * requests above the first bucket bound at or over the limit.
 */
function exceeds(buckets: Bucket[], limitMs: number, share: number, alpha: number): { significant: boolean; describe: string; untestable?: string } {
  const total = buckets.at(-1)?.count ?? 0;
  const slower = slowerThan(limitMs, buckets);
  if (!slower) return { significant: false, describe: '', untestable: `no bucket bound at or above ${ms(limitMs)}` };
  if (total * share < minimumExpectedEvents) return { significant: false, describe: '', untestable: `${round(total)} requests are too few for this quantile` };
  const p = shareAboveP(slower.slower, total, share);
  return { significant: p < alpha, describe: `${percent(slower.slower / total)} of requests slower than ${ms(slower.bound)} (allowed ${percent(share)}, binomial p ${pValue(p)})` };
}

function summarize(side: SideTraffic): SideSummary {
  return {
    requests: round(side.requests),
    errorRatio: side.requests > 0 ? side.errors / side.requests : 0,
    p95Ms: bucketQuantile(0.95, side.buckets),
    p99Ms: bucketQuantile(0.99, side.buckets),
  };
}

/** Every key's traffic added up; buckets by bound (all keys of a side share the bounds of its histogram). */
function totalOf(traffic: Traffic): SideTraffic {
  const byBound = new Map<number, number>();
  let requests = 0;
  let errors = 0;
  for (const side of traffic.values()) {
    requests += side.requests;
    errors += side.errors;
    for (const bucket of side.buckets) byBound.set(bucket.le, (byBound.get(bucket.le) ?? 0) + bucket.count);
  }
  const buckets = [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { requests, errors, buckets };
}

// increase() extrapolates to the window's edges: counts are rounded for messages only.
const round = (value: number) => Math.round(value);
const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
/** Below 1e-6 the normal approximation's tail is not worth more digits. */
const pValue = (p: number) => (p < 1e-6 ? '< 1e-6' : p.toPrecision(2));
const ms = (value: number) => `${value.toFixed(1)} ms`;
