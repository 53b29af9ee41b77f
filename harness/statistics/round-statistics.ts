import jstat from 'jstat';
import { tBoundary } from './group-sequential.ts';

/**
 * Statistics for gating on noisy machines, pure and reusable (performance gate,
 * cluster judgements). The unit of evidence is a run or an A/B round, never a
 * second of one run: per-second windows of one run are not independent samples
 * of what the next run does, and between-run drift is much larger than
 * within-run noise (docs in README "How the performance gate decides").
 *
 * Method: effects are compared on a log scale (ratios, so drift that scales
 * both sides cancels), and the decision is taken on the confidence interval of
 * the effect, not on a p-value, as Kayenta's Mann-Whitney classifier does
 * (spinnaker/kayenta kayenta-judge/.../classifiers/metric/MannWhitneyClassifier.scala,
 * `classify`: "High" only when the interval's lower bound exceeds the allowed
 * effect). Live A/B rounds, which the gate reads after every round, use the
 * repeated confidence intervals of a group-sequential design; a stored
 * baseline, read once, a one-sided Student-t bound. Both assume log ratios near normal, not a rank test: a gate
 * has 3-20 rounds, where a rank test cannot reach 98 % confidence at all (its
 * smallest one-sided p with 5 paired rounds is 1/32).
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

/** How a live A/B was collected. */
export interface SequenceDesign {
  /** The most rounds the sequence could take (`--gate-max-rounds`): the group-sequential design spends its alpha over them. */
  maxRounds: number;
}

/**
 * Live A/B: each candidate round paired with the reference round next to it, on
 * the mean log ratio of the pairs, so drift between rounds cancels. Rounds are
 * added while the gate looks after each one (harness/statistics/ab-decision.ts),
 * so the interval is a repeated confidence interval of an O'Brien-Fleming-type
 * group-sequential design (harness/statistics/group-sequential.ts), not a
 * fixed-sample t interval: its error rate holds however often it is read.
 */
export function judgePairedRounds(
  pairs: Array<{ reference: number; candidate: number }>,
  direction: Direction,
  budget: EffectBudget,
  options: StatisticsOptions = defaultStatistics,
  design: SequenceDesign = { maxRounds: pairs.length },
): Judgement {
  const worse = pairs.map(({ reference, candidate }) => orient(Math.log(candidate / reference), direction));
  const n = worse.length;
  const sd = standardDeviation(worse);
  const alpha = 2 * (1 - options.confidence);
  const maxRounds = Math.max(design.maxRounds, n);
  // Beyond the design's last look, its last bound: "about" that many rounds.
  const bound = (rounds: number) => tBoundary(Math.min(rounds, maxRounds), maxRounds, options.minimumRounds, alpha, rounds - 1);
  const spread = (rounds: number) => ((bound(rounds) + quantile(options.power, rounds - 1)) * sd) / Math.sqrt(rounds);
  return decide({
    estimate: mean(worse),
    rounds: n,
    enough: n >= options.minimumRounds && Number.isFinite(sd),
    margin: n >= options.minimumRounds ? (bound(n) * sd) / Math.sqrt(n) : Infinity,
    detectable: n >= options.minimumRounds ? spread(n) : Infinity,
    detectableAt: spread,
    passNeedsPower: false,
    referenceLevel: geometricMean(pairs.map((pair) => pair.reference)),
    direction,
    budget,
    options,
    unit: 'rounds',
  });
}

/**
 * Stored baseline: k baseline runs against the candidate's run(s), read once, so
 * a one-sided Student-t bound. The noise is the spread between runs (pooled when
 * the candidate has several), so a baseline recorded over a drifting machine
 * widens the interval, as it should.
 */
export function judgeAgainstRuns(baseline: number[], candidate: number[], direction: Direction, budget: EffectBudget, options: StatisticsOptions = defaultStatistics): Judgement {
  const logBase = baseline.map(Math.log);
  const logCandidate = candidate.map(Math.log);
  const k = baseline.length;
  const m = candidate.length;
  const squares = sumOfSquares(logBase) + sumOfSquares(logCandidate);
  const df = m > 1 ? k + m - 2 : k - 1;
  const sd = df > 0 ? Math.sqrt((m > 1 ? squares : sumOfSquares(logBase)) / df) : Number.NaN;
  // Between-run noise counts on both sides: a candidate run drifts as much as a baseline run.
  const spread = (runs: number, dof: number) => (quantile(options.confidence, dof) + quantile(options.power, dof)) * sd * Math.sqrt(1 / runs + 1 / m);
  const se = sd * Math.sqrt(1 / k + 1 / m);
  return decide({
    estimate: orient(mean(logCandidate) - mean(logBase), direction),
    rounds: k,
    enough: k >= options.minimumRounds && df >= 1 && Number.isFinite(sd),
    margin: df >= 1 ? quantile(options.confidence, df) * se : Infinity,
    detectable: df >= 1 ? spread(k, df) : Infinity,
    detectableAt: (runs) => spread(runs, m > 1 ? runs + m - 2 : runs - 1),
    passNeedsPower: true,
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
  rounds: number;
  /** Whether there is evidence enough to decide anything. */
  enough: boolean;
  /** Half-width of the interval on the log scale. */
  margin: number;
  /** Smallest worsening (log) these data would detect with the given power. */
  detectable: number;
  /** The same with `rounds` units of evidence at the noise seen. */
  detectableAt: (rounds: number) => number;
  /** A fixed-sample test passes only when it could also have detected the allowed effect; a sequence's own bound suffices. */
  passNeedsPower: boolean;
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
  const { estimate, margin, rounds, direction, budget, options } = evidence;
  const allowed = Math.max(budget.relative, budget.floor / evidence.referenceLevel);
  const allowedLog = orientShareToLog(allowed, direction);
  const base = { effect: toShare(estimate, direction), allowed, rounds };
  if (!evidence.enough) {
    return { ...base, verdict: 'inconclusive', lower: -Infinity, upper: Infinity, detectable: Infinity, roundsNeeded: Math.max(options.minimumRounds, 2), reason: `${rounds} ${evidence.unit}; at least ${options.minimumRounds} are needed` };
  }
  const judged = { ...base, lower: toShare(estimate - margin, direction), upper: toShare(estimate + margin, direction), detectable: toShare(evidence.detectable, direction) };
  const figures = `${percent(judged.effect)} worse [${percent(judged.lower)}, ${percent(judged.upper)}], allowed ${percent(allowed)}, detectable ${percent(judged.detectable)}, ${rounds} ${evidence.unit}`;
  if (estimate - margin > allowedLog) return { ...judged, verdict: 'fail', reason: `worse than allowed: ${figures}` };
  if (estimate + margin <= allowedLog && (!evidence.passNeedsPower || evidence.detectable <= allowedLog)) return { ...judged, verdict: 'pass', reason: `within budget: ${figures}` };
  if (evidence.detectable > allowedLog) {
    const roundsNeeded = neededRounds(evidence, allowedLog);
    const more = roundsNeeded === undefined ? `no feasible number of ${evidence.unit} reaches the budget at this noise` : `about ${roundsNeeded} ${evidence.unit} would be needed at this noise (${roundsNeeded - rounds} more)`;
    return { ...judged, verdict: 'inconclusive', roundsNeeded, reason: `too noisy to judge: ${figures}; ${more}` };
  }
  const roundsNeeded = neededRounds(evidence, Math.abs(allowedLog - estimate));
  const more = roundsNeeded === undefined ? '' : `; about ${roundsNeeded} ${evidence.unit} would tell at this noise (${roundsNeeded - rounds} more)`;
  return { ...judged, verdict: 'inconclusive', roundsNeeded, reason: `too close to the budget to tell: ${figures}${more}` };
}

/** The smallest number of rounds whose detectable effect is at most `targetLog`. */
function neededRounds(evidence: Evidence, targetLog: number): number | undefined {
  for (let rounds = Math.max(evidence.rounds, evidence.options.minimumRounds); rounds <= maximumRoundsNeeded; rounds++) {
    if (evidence.detectableAt(rounds) <= targetLog) return rounds;
  }
  return undefined;
}

const quantiles = new Map<string, number>();
/** Student's t quantile (jstat, a well-kept implementation of the incomplete beta inverse), cached: the sequential gate asks often. */
function quantile(p: number, df: number): number {
  const key = `${p}/${df}`;
  const known = quantiles.get(key);
  if (known !== undefined) return known;
  const value = jstat.studentt.inv(p, df);
  quantiles.set(key, value);
  return value;
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
