// Group-sequential boundaries by α-spending (Lan & DeMets 1983, Biometrika 70:659): a test looked
// at K times on growing data, at information fractions t_1 < … < t_K = 1, spends α(t_k) − α(t_{k−1})
// of its one-sided error at look k. With the O'Brien–Fleming-type spending function
// α(t) = 2 − 2Φ(z_{1−α/2}/√t) almost nothing is spent early, so the last look tests at nearly the
// full α (docs/decisions/sequential.md). The critical values come from the canonical joint
// distribution of the looks' statistics — Brownian motion observed at t_k, independent increments
// (Jennison & Turnbull 2000, ch. 3 and 19) — by recursive numerical integration on a grid. Only
// the upper boundary spends α: stopping on the other side (a model shown worse) is non-binding
// futility, which can only lower the error. Pure.
import { normalQuantile } from './intervals.js';

/** P(Z > x) for a standard normal, to a relative error under 1.2e-7 in the far tail too, where spending lives and 1 − Φ(x) would lose its digits. */
function upperTail(x: number): number {
  // erfc by Chebyshev fitting (Numerical Recipes, erfcc): fractional error < 1.2e-7 everywhere.
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277].reduceRight(
    (acc, c) => c + t * acc,
    0,
  );
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** The one-sided error an O'Brien–Fleming-type spending function has spent by information fraction t (α at t = 1). */
export function obrienFlemingSpent(alpha: number, t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * upperTail(-normalQuantile(alpha / 2) / Math.sqrt(t));
}

/** Grid points over the continuation region of one look (odd, for Simpson's rule). */
const POINTS = 801;
/** Where the grid starts, in standard deviations below 0: the mass below is under 1e-15. */
const FLOOR_SD = 8;

const density = (z: number): number => Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);

/**
 * Critical values c_k of Z_k = W(t_k)/√t_k (reject at the first look with Z_k ≥ c_k) and the
 * nominal one-sided level of each look, 1 − Φ(c_k): the level a look's own interval is tested at.
 * `fractions`: strictly increasing, in (0, 1], the last 1 for a test that spends all of α.
 * A look that may spend nothing gets c = Infinity and level 0.
 */
export function spendingBoundaries(alpha: number, fractions: readonly number[]): { critical: number[]; nominal: number[] } {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`spendingBoundaries: alpha must be in (0, 0.5), got ${alpha}`);
  fractions.forEach((t, k) => {
    if (!(t > 0 && t <= 1 && (k === 0 || t > fractions[k - 1]!)))
      throw new RangeError(`spendingBoundaries: fractions must increase within (0, 1], got ${fractions.join(', ')}`);
  });
  const critical: number[] = [];
  const nominal: number[] = [];
  // The sub-density of W(t_{k}) on the paths that have not crossed yet, on a grid of S = W values.
  let grid = new Float64Array(0);
  let mass = new Float64Array(0);
  let weights = new Float64Array(0);
  let previous = 0;
  let spentBefore = 0;
  fractions.forEach((t, k) => {
    const spend = obrienFlemingSpent(alpha, t) - spentBefore;
    spentBefore += Math.max(0, spend);
    const step = t - previous;
    const sd = Math.sqrt(step);
    // P(cross at this look with boundary b on S) from the continuation region of the last look.
    const crossing = (b: number): number => {
      if (k === 0) return upperTail(b / Math.sqrt(t));
      let sum = 0;
      for (let i = 0; i < grid.length; i++) sum += weights[i]! * mass[i]! * upperTail((b - grid[i]!) / sd);
      return sum;
    };
    let b: number;
    if (spend <= 0) b = Infinity;
    else if (k === 0) b = -normalQuantile(spend) * Math.sqrt(t);
    else {
      // Crossing falls as b rises: bisection between a boundary that spends too much and one that spends too little.
      let low = -FLOOR_SD * Math.sqrt(t);
      let high = 12 * Math.sqrt(t);
      for (let i = 0; i < 100 && high - low > 1e-10; i++) {
        const mid = (low + high) / 2;
        if (crossing(mid) > spend) low = mid;
        else high = mid;
      }
      b = (low + high) / 2;
    }
    const c = b / Math.sqrt(t);
    critical.push(c);
    nominal.push(Number.isFinite(c) ? upperTail(c) : 0);
    if (k === fractions.length - 1) return;
    // The continuation region of this look, S in [−8√t, b) (a look that spends nothing: up to +8√t).
    const top = Number.isFinite(b) ? b : FLOOR_SD * Math.sqrt(t);
    const bottom = -FLOOR_SD * Math.sqrt(t);
    const h = (top - bottom) / (POINTS - 1);
    const next = Float64Array.from({ length: POINTS }, (_, j) => bottom + j * h);
    const nextMass = new Float64Array(POINTS);
    for (let j = 0; j < POINTS; j++) {
      if (k === 0) nextMass[j] = density(next[j]! / Math.sqrt(t)) / Math.sqrt(t);
      else {
        let sum = 0;
        for (let i = 0; i < grid.length; i++) sum += weights[i]! * mass[i]! * density((next[j]! - grid[i]!) / sd);
        nextMass[j] = sum / sd;
      }
    }
    grid = next;
    mass = nextMass;
    weights = Float64Array.from({ length: POINTS }, (_, j) => ((j === 0 || j === POINTS - 1 ? 1 : j % 2 === 1 ? 4 : 2) * h) / 3);
    previous = t;
  });
  return { critical, nominal };
}
