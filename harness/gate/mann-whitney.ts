import { cumulativeStdNormalProbability, wilcoxonRankSum } from 'simple-statistics';

/**
 * One-sided Mann-Whitney U test: the probability of seeing samples `b` this much
 * greater than samples `a` if both came from one distribution. Normal
 * approximation with continuity correction (what Kayenta uses); ties are rare in
 * microsecond latencies and uncorrected. Needs a handful of samples per side.
 */
export function mannWhitneyGreater(a: number[], b: number[]): { u: number; pValue: number } {
  const n1 = a.length;
  const n2 = b.length;
  // U of b: how often a b sample exceeds an a sample.
  const u = wilcoxonRankSum(b, a) - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  const z = (u - mean - 0.5) / sd;
  return { u, pValue: 1 - cumulativeStdNormalProbability(z) };
}
