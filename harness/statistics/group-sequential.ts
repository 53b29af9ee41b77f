import jstat from 'jstat';

/**
 * A group-sequential design with alpha spending, so that a gate that looks after
 * every round keeps its error rate (K. K. G. Lan and D. L. DeMets, "Discrete
 * sequential boundaries for clinical trials", Biometrika 70(3), 1983, 659-663).
 * The spending function is O'Brien-Fleming-type:
 *
 *   alpha(t) = 2 - 2 Phi(z_{1 - alpha/2} / sqrt(t)),  t = n / N,
 *
 * so looks after few rounds spend almost nothing (they stop only on very clear
 * data) and the last look keeps nearly the whole alpha (its bound is near the
 * fixed-sample one). Boundaries c_k on the z scale solve, look by look,
 * P(|Z_j| < c_j for j < k, |Z_k| >= c_k) = alpha(t_k) - alpha(t_{k-1}) for the
 * sum of n standard normal rounds (a random walk with independent increments),
 * by numerical integration of its density over the continuation region
 * (C. Jennison and B. W. Turnbull, "Group Sequential Methods with Applications
 * to Clinical Trials", 2000, section 19.2). The noise is estimated, so each z
 * bound becomes the Student-t quantile of the same one-sided level with the
 * degrees of freedom of that look (Jennison and Turnbull, section 11.3).
 */

/** Grid step of the numerical integration, in standard deviations of one round. */
const step = 0.2;
const normalCdf = (x: number) => jstat.normal.cdf(x, 0, 1);
const normalDensity = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** Two-sided alpha spent by information fraction t (0-1]. */
export function obrienFlemingSpending(t: number, alpha: number): number {
  return 2 - 2 * normalCdf(jstat.normal.inv(1 - alpha / 2, 0, 1) / Math.sqrt(t));
}

const designs = new Map<string, number[]>();

/**
 * Two-sided z boundaries for looks after rounds `firstLook`, `firstLook + 1`,
 * ..., `maxRounds` (index 0 is the look after `firstLook` rounds). Cached.
 */
export function zBoundaries(maxRounds: number, firstLook: number, alpha: number): number[] {
  const key = `${maxRounds}/${firstLook}/${alpha}`;
  const cached = designs.get(key);
  if (cached) return cached;
  const bounds: number[] = [];
  // The density of the walk's sum over the continuation region, on a grid.
  let grid: number[] = [];
  let density: number[] = [];
  let spent = 0;
  for (let n = firstLook; n <= maxRounds; n++) {
    const target = obrienFlemingSpending(n / maxRounds, alpha) - spent;
    spent += target;
    const increment = n === firstLook ? n : 1;
    const previous = { grid, density };
    // Mass (not yet stopped) crossing |S_n| >= c sqrt(n) at this look.
    const crossing = (c: number) =>
      n === firstLook
        ? 2 * normalCdf(-c)
        : integrate(previous, (u) => normalCdf((-c * Math.sqrt(n) - u) / Math.sqrt(increment)) + normalCdf((u - c * Math.sqrt(n)) / Math.sqrt(increment)));
    const c = solveDecreasing(crossing, target);
    bounds.push(c);
    const edge = c * Math.sqrt(n);
    const points = Math.max(2, Math.ceil((2 * edge) / step));
    grid = Array.from({ length: points + 1 }, (_, i) => -edge + (2 * edge * i) / points);
    density =
      n === firstLook
        ? grid.map((s) => normalDensity(s / Math.sqrt(n)) / Math.sqrt(n))
        : grid.map((s) => integrate(previous, (u) => normalDensity((s - u) / Math.sqrt(increment)) / Math.sqrt(increment)));
  }
  designs.set(key, bounds);
  return bounds;
}

/** Trapezoid rule of density x f over the grid. */
function integrate({ grid, density }: { grid: number[]; density: number[] }, f: (u: number) => number): number {
  let sum = 0;
  for (let i = 1; i < grid.length; i++) sum += ((grid[i]! - grid[i - 1]!) * (density[i]! * f(grid[i]!) + density[i - 1]! * f(grid[i - 1]!))) / 2;
  return sum;
}

/** The c at which a decreasing `crossing(c)` equals `target` (bisection on 0-20, to 1e-9; 20 when nothing is to be spent). */
function solveDecreasing(crossing: (c: number) => number, target: number): number {
  if (target <= 0) return 20;
  let [low, high] = [0, 20];
  for (let i = 0; i < 35; i++) {
    const middle = (low + high) / 2;
    if (crossing(middle) > target) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * The two-sided bound on the t scale for the look after `rounds` rounds of a
 * design for `maxRounds`, with `df` degrees of freedom of the noise estimate:
 * the Student-t quantile of the z bound's one-sided level.
 */
export function tBoundary(rounds: number, maxRounds: number, firstLook: number, alpha: number, df: number): number {
  const key = `${rounds}/${maxRounds}/${firstLook}/${alpha}/${df}`;
  const known = tBounds.get(key);
  if (known !== undefined) return known;
  const z = zBoundaries(Math.max(maxRounds, rounds), firstLook, alpha)[rounds - firstLook];
  const bound = z === undefined ? Infinity : jstat.studentt.inv(normalCdf(z), df);
  tBounds.set(key, bound);
  return bound;
}

const tBounds = new Map<string, number>();
