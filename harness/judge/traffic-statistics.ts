import { errorFunction } from 'simple-statistics';

/**
 * The few tests the real-traffic judgement needs, over counts (requests, 5xx answers,
 * requests slower than a bucket bound). Normal approximations, used only where they
 * hold: at least 5 expected events on each side (the usual rule for the binomial's
 * normal approximation); callers say "too little traffic" below that.
 */

/**
 * P(Z > z) for a standard normal Z, from the error function: simple-statistics'
 * table-based cumulativeStdNormalProbability stops at 0.999, which would floor every
 * p-value at 0.001.
 */
function upperTail(z: number): number {
  return Math.max(0, 0.5 * (1 - errorFunction(z / Math.SQRT2)));
}

/** Expected events needed before a normal approximation of a count is trusted. */
export const minimumExpectedEvents = 5;

/**
 * One-sided p-value that proportion x1/n1 is greater than x2/n2: the pooled
 * two-proportion z-test (e.g. NIST/SEMATECH e-Handbook 7.3.3). 1 when it cannot be told.
 */
export function proportionGreaterP(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return x1 / n1 > x2 / n2 ? 0 : 1;
  return upperTail((x1 / n1 - x2 / n2) / se);
}

/**
 * One-sided p-value that the true share of events is above p0 when k of n were seen:
 * the binomial's normal approximation with continuity correction. Valid when
 * n·p0 and n·(1-p0) are at least `minimumExpectedEvents`.
 */
export function shareAboveP(k: number, n: number, p0: number): number {
  if (n <= 0) return 1;
  const z = (k - 0.5 - n * p0) / Math.sqrt(n * p0 * (1 - p0));
  return upperTail(z);
}

/** A cumulative histogram bucket: requests at most `le` (ms). */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The q-quantile (0..1) of cumulative buckets sorted by `le`, interpolated linearly inside
 * its bucket as Prometheus' histogram_quantile does (promql/quantile.go); the +Inf bucket
 * answers with the highest finite bound. NaN for an empty histogram.
 */
export function bucketQuantile(q: number, buckets: readonly Bucket[]): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerLe;
      const inBucket = bucket.count - lowerCount;
      return inBucket <= 0 ? bucket.le : lowerLe + (bucket.le - lowerLe) * ((rank - lowerCount) / inBucket);
    }
    lowerLe = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerLe;
}

/** Requests slower than the smallest bound at least `ms`, and that bound; undefined when no finite bound reaches it. */
export function slowerThan(ms: number, buckets: readonly Bucket[]): { bound: number; slower: number } | undefined {
  const bucket = buckets.find((candidate) => candidate.le >= ms && Number.isFinite(candidate.le));
  const total = buckets.at(-1)?.count ?? 0;
  return bucket && { bound: bucket.le, slower: total - bucket.count };
}
