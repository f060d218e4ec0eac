// Confidence intervals for one model's accuracy (statistics.md): Wilson for binary scores, never
// Wald; a t-interval for graded scores.
import type { Interval } from '../types.js';

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** Standard normal CDF (Zelen & Severo 26.2.17 through erfc, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(x * x) / 2);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse CDF of Student's t: exact for 1 and 2 degrees of freedom, Cornish–Fisher beyond (error < 0.01 at df = 3, < 1e-4 from df = 10). */
export function tQuantile(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z3 = z ** 3,
    z5 = z ** 5,
    z7 = z ** 7,
    z9 = z ** 9;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** Wilson score interval for `successes` out of `n`. */
export function wilson(successes: number, n: number, level = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1, method: 'wilson', level };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  // At 0 % and 100 % the bound is exactly 0 or 1; floating point would leave 0.9999999999999999.
  return { low: successes === 0 ? 0 : Math.max(0, center - half), high: successes === n ? 1 : Math.min(1, center + half), method: 'wilson', level };
}

/** Mean with a t-interval, for graded scores in [0, 1] (clamped to that range). */
export function tInterval(values: ArrayLike<number>, level = 0.95): Interval {
  if (values.length < 2) return { low: 0, high: 1, method: 't', level };
  const { mean, half } = meanWithHalfWidth(values, level);
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half), method: 't', level };
}

/** The mean and the half-width of its t-interval, unclamped (costs, not shares); half 0 below two values. */
export function meanWithHalfWidth(values: ArrayLike<number>, level = 0.95): { mean: number; half: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = n === 0 ? NaN : sum / n;
  if (n < 2) return { mean, half: 0 };
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { mean, half: tQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(squares / (n - 1) / n) };
}
