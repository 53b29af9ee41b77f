import jstat from 'jstat';

/**
 * Statistics for gating on noisy machines, pure and reusable (performance gate,
 * cluster judgements). The unit of evidence is a run or an A/B round, never a
 * second of one run: per-second windows of one run are not independent samples
 * of what the next run does, and between-run drift is much larger than
 * within-run noise (docs in README "How the performance gate decides").
 *
 * Method: effects are compared on a log scale (ratios, so drift that scales
 * both sides cancels) with a one-sided Student-t confidence bound, and the
 * decision is taken on the confidence interval of the effect, not on a p-value,
 * as Kayenta's Mann-Whitney classifier does (spinnaker/kayenta
 * kayenta-judge/.../classifiers/metric/MannWhitneyClassifier.scala, `classify`:
 * "High" only when the interval's lower bound exceeds the allowed effect). The
 * t interval replaces Mann-Whitney because a gate has 3-10 rounds, where a
 * rank test cannot reach 98 % confidence at all (its smallest one-sided p with
 * 5 paired rounds is 1/32).
 */

/** How large a worsening may be before it fails: a share with an absolute floor. */
export interface EffectBudget {
  /** Largest allowed worsening as a share: 0.15 = 15 % worse (latency up, throughput down). */
  relative: number;
  /** A worsening below this absolute amount never fails, in the metric's own unit (µs, req/s). */
  floor: number;
}

export interface StatisticsOptions {
  /** One-sided confidence of each bound: 0.99 = a 98 % two-sided interval (Kayenta's level). */
  confidence: number;
  /** Chance of detecting an effect of the reported detectable size: 0.8 by convention. */
  power: number;
  /** Fewer rounds (or runs) than this decide nothing. */
  minimumRounds: number;
}

export const defaultStatistics: StatisticsOptions = { confidence: 0.99, power: 0.8, minimumRounds: 3 };

/** Which way is worse: latency grows, throughput falls. */
export type Direction = 'higher-is-worse' | 'lower-is-worse';

export interface Judgement {
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** Estimated worsening as a share (0.1 = 10 % worse; negative = better). */
  effect: number;
  /** Confidence bounds on the worsening (shares). */
  lower: number;
  upper: number;
  /** The worsening allowed here: the larger of the relative budget and the floor over the reference level. */
  allowed: number;
  /** Smallest worsening these data would detect with the given power (share); Infinity with too few rounds. */
  detectable: number;
  /** Rounds (or runs per side) the evidence had. */
  rounds: number;
  /** Rounds (or runs per side) that would bring `detectable` under `allowed`; absent when enough. */
  roundsNeeded?: number;
  /** One line saying why, with the figures. */
  reason: string;
}

/**
 * Live A/B: each candidate round paired with the reference round next to it.
 * Tests the mean log ratio of the pairs, so drift between rounds cancels.
 */
export function judgePairedRounds(
  pairs: Array<{ reference: number; candidate: number }>,
  direction: Direction,
  budget: EffectBudget,
  options: StatisticsOptions = defaultStatistics,
): Judgement {
  const worse = pairs.map(({ reference, candidate }) => orient(Math.log(candidate / reference), direction));
  const n = worse.length;
  return decide({
    estimate: mean(worse),
    sd: standardDeviation(worse),
    df: n - 1,
    rounds: n,
    seFactor: (rounds) => Math.sqrt(1 / rounds),
    referenceLevel: geometricMean(pairs.map((pair) => pair.reference)),
    direction,
    budget,
    options,
    unit: 'rounds',
  });
}

/**
 * Stored baseline: k baseline runs against the candidate's run(s). The noise is
 * the spread between runs (pooled when the candidate has several), so a
 * baseline recorded over a drifting machine widens the interval, as it should.
 */
export function judgeAgainstRuns(baseline: number[], candidate: number[], direction: Direction, budget: EffectBudget, options: StatisticsOptions = defaultStatistics): Judgement {
  const logBase = baseline.map(Math.log);
  const logCandidate = candidate.map(Math.log);
  const k = baseline.length;
  const m = candidate.length;
  const squares = sumOfSquares(logBase) + sumOfSquares(logCandidate);
  const df = m > 1 ? k + m - 2 : k - 1;
  return decide({
    estimate: orient(mean(logCandidate) - mean(logBase), direction),
    sd: df > 0 ? Math.sqrt((m > 1 ? squares : sumOfSquares(logBase)) / df) : Number.NaN,
    df,
    rounds: k,
    // Between-run noise counts on both sides: a candidate run drifts as much as a baseline run.
    seFactor: (runs) => Math.sqrt(1 / runs + 1 / m),
    referenceLevel: Math.exp(mean(logBase)),
    direction,
    budget,
    options,
    unit: 'baseline runs',
  });
}

interface Evidence {
  /** Mean worsening on the log scale. */
  estimate: number;
  sd: number;
  df: number;
  rounds: number;
  /** Standard error per unit sd with `rounds` units of evidence. */
  seFactor: (rounds: number) => number;
  /** The reference's typical value, to turn the absolute floor into a share. */
  referenceLevel: number;
  direction: Direction;
  budget: EffectBudget;
  options: StatisticsOptions;
  unit: string;
}

/** Rounds beyond which "how many more" is not worth saying. */
const maximumRoundsNeeded = 200;

function decide(evidence: Evidence): Judgement {
  const { estimate, sd, df, rounds, direction, budget, options } = evidence;
  const allowed = Math.max(budget.relative, budget.floor / evidence.referenceLevel);
  const allowedLog = orientShareToLog(allowed, direction);
  const base = { effect: toShare(estimate, direction), allowed, rounds };
  if (rounds < options.minimumRounds || df < 1 || !Number.isFinite(sd)) {
    return { ...base, verdict: 'inconclusive', lower: -Infinity, upper: Infinity, detectable: Infinity, roundsNeeded: Math.max(options.minimumRounds, 2), reason: `${rounds} ${evidence.unit}; at least ${options.minimumRounds} are needed` };
  }
  const se = sd * evidence.seFactor(rounds);
  const margin = quantile(options.confidence, df) * se;
  const detectableLog = (quantile(options.confidence, df) + quantile(options.power, df)) * se;
  const judged = { ...base, lower: toShare(estimate - margin, direction), upper: toShare(estimate + margin, direction), detectable: toShare(detectableLog, direction) };
  const figures = `${percent(judged.effect)} worse [${percent(judged.lower)}, ${percent(judged.upper)}], allowed ${percent(allowed)}, detectable ${percent(judged.detectable)}, ${rounds} ${evidence.unit}`;
  if (estimate - margin > allowedLog) return { ...judged, verdict: 'fail', reason: `worse than allowed: ${figures}` };
  if (detectableLog > allowedLog) {
    const roundsNeeded = neededRounds(evidence, allowedLog);
    const more = roundsNeeded === undefined ? `no feasible number of ${evidence.unit} reaches the budget at this noise` : `about ${roundsNeeded} ${evidence.unit} would be needed at this noise`;
    return { ...judged, verdict: 'inconclusive', roundsNeeded, reason: `too noisy to judge: ${figures}; ${more}` };
  }
  if (estimate + margin <= allowedLog) return { ...judged, verdict: 'pass', reason: `within budget: ${figures}` };
  return { ...judged, verdict: 'inconclusive', roundsNeeded: neededRounds(evidence, Math.abs(allowedLog - estimate)), reason: `too close to the budget to tell: ${figures}` };
}

/** The smallest number of rounds whose detectable effect is at most `targetLog`. */
function neededRounds(evidence: Evidence, targetLog: number): number | undefined {
  const { sd, options } = evidence;
  for (let rounds = Math.max(evidence.rounds, options.minimumRounds); rounds <= maximumRoundsNeeded; rounds++) {
    const df = Math.max(1, rounds - 1);
    if ((quantile(options.confidence, df) + quantile(options.power, df)) * sd * evidence.seFactor(rounds) <= targetLog) return rounds;
  }
  return undefined;
}

/** Student's t quantile (jstat, a well-kept implementation of the incomplete beta inverse). */
function quantile(p: number, df: number): number {
  return jstat.studentt.inv(p, df);
}

/** Log ratio oriented so that positive is worse. */
const orient = (logRatio: number, direction: Direction) => (direction === 'higher-is-worse' ? logRatio : -logRatio);
/** Worsening share from an oriented log ratio: latency +x %, or throughput -x %. */
const toShare = (worseLog: number, direction: Direction) => (direction === 'higher-is-worse' ? Math.exp(worseLog) - 1 : 1 - Math.exp(-worseLog));
const orientShareToLog = (share: number, direction: Direction) => (direction === 'higher-is-worse' ? Math.log(1 + share) : -Math.log(1 - Math.min(share, 0.999999)));

const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
const sumOfSquares = (values: number[]) => {
  const center = mean(values);
  return values.reduce((sum, value) => sum + (value - center) ** 2, 0);
};
const standardDeviation = (values: number[]) => (values.length < 2 ? Number.NaN : Math.sqrt(sumOfSquares(values) / (values.length - 1)));
const geometricMean = (values: number[]) => Math.exp(mean(values.map(Math.log)));

/** `12.3 %`, or `n/a` for an unbounded figure. */
export function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)} %` : 'n/a';
}
