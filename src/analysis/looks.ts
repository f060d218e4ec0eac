// A decision in at most two looks (statistics.md, "more cases"). An inconclusive run says how many
// more cases would settle it; adding them and deciding again on all the cases is a second look at
// the same question, and if both looks were tested at α the error would be α plus the chance of
// passing the second after failing the first: up to 7.4 % at the margin, 9.4 % with clusters
// (bench:decisions). So the first look — every run — spends 4/5 of α, and a follow-up
// (`run --follow-up PILOT`) gets the rest: the level at which P(pass at look 1 or at look 2) = α when Δ sits at the margin, the two
// statistics being correlated √t for a pilot holding the share t of the cases (group-sequential
// designs; Jennison & Turnbull 2000, ch. 2). Most runs are never followed up, so most of α stays
// on the first look: it costs a single run about 9 % more cases for the same power, where equal
// shares (2.5 % at the first look) would cost 27 %. A third look is not offered. A `--sequential`
// run is a design of its own: several looks planned over its cases, the whole α spent across them
// (sequentialAlpha), so it cannot be followed up. Pure.
import { normalCdf, normalQuantile } from '../stats/intervals.js';
import { spendingBoundaries } from '../stats/spending.js';

/** Share of the one-sided α spent at the first look. */
export const FIRST_LOOK_SHARE = 0.8;

export function firstLookAlpha(alpha: number): number {
  return alpha * FIRST_LOOK_SHARE;
}

const density = (z: number): number => Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);

/** P(Z1 ≤ c1 and Z2 > c2) for standard normals with correlation rho (Simpson's rule over Z1; 80 steps agree with 4,000 to 1e-6 for t ≤ 0.9). */
function passSecondOnly(c1: number, c2: number, rho: number): number {
  const spread = Math.sqrt(1 - rho * rho);
  const from = -8;
  const steps = 80;
  const h = (c1 - from) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const z = from + i * h;
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * density(z) * (1 - normalCdf((c2 - rho * z) / spread));
  }
  return (sum * h) / 3;
}

/**
 * One-sided level of the follow-up look when the pilot held the share `t` (0 < t < 1) of the cases
 * and the first look was tested at firstLookAlpha(alpha): the total error stays `alpha`.
 */
export function secondLookAlpha(alpha: number, t: number): number {
  if (!(t > 0 && t < 1)) throw new RangeError(`secondLookAlpha: t must be in (0, 1), got ${t}`);
  const first = firstLookAlpha(alpha);
  const c1 = normalQuantile(1 - first);
  const rho = Math.sqrt(t);
  // The smallest critical value whose extra error fits in what is left, by bisection on a monotone
  // function, between the bounds the two limits give: the whole α (passing the first look
  // implies passing the second) and what is left of it (the second look alone).
  let low = normalQuantile(1 - alpha);
  let high = normalQuantile(1 - (alpha - first));
  for (let k = 0; k < 32; k++) {
    const mid = (low + high) / 2;
    if (first + passSecondOnly(c1, mid, rho) > alpha) low = mid;
    else high = mid;
  }
  return 1 - normalCdf(high);
}

/**
 * Total cases a follow-up needs: the smallest N with `casesAt(level of the follow-up look at
 * t = pilot / N)` ≤ N, where `casesAt(alpha)` is the total a single look at that one-sided α would
 * need. A bigger follow-up dilutes the pilot (smaller t), which makes its look stricter, so N is
 * found by iterating from the single-look answer. Infinity when no size would do.
 */
export function followUpCases(pilot: number, alpha: number, casesAt: (alpha: number) => number): number {
  let total = Math.max(pilot + 1, casesAt(alpha));
  for (let k = 0; k < 20 && Number.isFinite(total); k++) {
    const next = Math.max(pilot + 1, casesAt(secondLookAlpha(alpha, pilot / total)));
    if (next <= total) return total;
    total = next;
  }
  return Number.isFinite(total) ? total : Infinity;
}

/**
 * `--sequential`: the cases at each of `looks` equally spaced looks at `cases` cases (fewer looks
 * when there are fewer cases than looks), the last at all of them.
 */
export function lookSizes(cases: number, looks: number): number[] {
  const sizes = Array.from({ length: looks }, (_, k) => Math.ceil((cases * (k + 1)) / looks)).filter((n) => n > 0);
  return [...new Set(sizes)];
}

const boundaries = new Map<string, number[]>();

/**
 * The one-sided level a candidate's verdicts are tested at on look `look` (1-based) of a
 * sequential run looking at these shares of its cases: its whole α spent over the looks by the
 * O'Brien–Fleming-type function (docs/decisions/sequential.md). Remembered: every look of every
 * run asks again.
 */
export function sequentialAlpha(alpha: number, fractions: readonly number[], look: number): number {
  const key = `${alpha}:${fractions.join(',')}`;
  let nominal = boundaries.get(key);
  if (nominal === undefined) {
    nominal = spendingBoundaries(alpha, fractions).nominal;
    boundaries.set(key, nominal);
  }
  const level = nominal[look - 1];
  if (level === undefined) throw new RangeError(`sequentialAlpha: look ${look} of ${fractions.length}`);
  return level;
}
