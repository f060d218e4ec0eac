// Two models on the same cases: always paired (statistics.md). Pure functions of per-case scores.
import type { DiffInterval } from '../types.js';
import { meanWithHalfWidth, normalCdf, tQuantile, wilson } from './intervals.js';

/** The 2×2 table of two models' binary scores on the same cases. */
export interface PairedTable {
  /** Both right. */
  a: number;
  /** The first right, the second wrong. */
  b: number;
  /** The first wrong, the second right. */
  c: number;
  /** Both wrong. */
  d: number;
}

/**
 * Newcombe's square-and-add (hybrid score) interval for the difference of paired proportions
 * (method 10 of Newcombe 1998, Statistics in Medicine 17:2635), p_first − p_second. It combines
 * the two Wilson intervals with the correlation of the pairs; unlike Wald it behaves at 0 and 1.
 */
export function newcombePaired(t: PairedTable, level: number): DiffInterval {
  const n = t.a + t.b + t.c + t.d;
  if (n === 0) return { delta: 0, low: -1, high: 1, level, method: 'newcombe' };
  const p1 = (t.a + t.b) / n;
  const p2 = (t.a + t.c) / n;
  const w1 = wilson(t.a + t.b, n, level);
  const w2 = wilson(t.a + t.c, n, level);
  // Newcombe's correlation estimate: the phi coefficient, with a continuity-style shrink of
  // positive values (0 up to n/2), as in his paper and in Fagerland et al.'s implementation.
  const product = (t.a + t.b) * (t.c + t.d) * (t.a + t.c) * (t.b + t.d);
  const cross = t.a * t.d - t.b * t.c;
  const phi = product === 0 ? 0 : cross > n / 2 ? (cross - n / 2) / Math.sqrt(product) : cross >= 0 ? 0 : cross / Math.sqrt(product);
  const delta = p1 - p2;
  const dl = Math.sqrt(Math.max(0, (p1 - w1.low) ** 2 - 2 * phi * (p1 - w1.low) * (w2.high - p2) + (w2.high - p2) ** 2));
  const du = Math.sqrt(Math.max(0, (w1.high - p1) ** 2 - 2 * phi * (w1.high - p1) * (p2 - w2.low) + (p2 - w2.low) ** 2));
  return { delta, low: Math.max(-1, delta - dl), high: Math.min(1, delta + du), level, method: 'newcombe' };
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let s = g[0] ?? 0;
  for (let i = 1; i < 9; i++) s += (g[i] ?? 0) / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

function binomPmfHalf(k: number, n: number): number {
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) - n * Math.LN2);
}

/**
 * McNemar's test on the discordant pairs: exact (conditional binomial) when b + c < 25, mid-p
 * above (Fagerland et al. 2013: mid-p keeps the level and has more power). Two-sided.
 */
export function mcnemar(b: number, c: number): { p: number; method: 'exact' | 'mid-p' } {
  const n = b + c;
  const method = n < 25 ? 'exact' : 'mid-p';
  if (n === 0) return { p: 1, method };
  const k = Math.min(b, c);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += binomPmfHalf(i, n);
  const p = method === 'exact' ? 2 * tail : 2 * (tail - binomPmfHalf(k, n) / 2);
  return { p: Math.min(1, p), method };
}

/** Seeded PRNG (mulberry32) so that bootstrap intervals in reports are reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap of the mean per-case difference. (With a cluster column compare() uses the
 * CR1 interval with t on G − 1 degrees of freedom instead: a bootstrap over few clusters is too
 * narrow.)
 */
export function pairedBootstrap(diffs: ArrayLike<number>, level: number, options: { seed?: number; resamples?: number } = {}): DiffInterval {
  const n = diffs.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += diffs[i] ?? 0;
  const delta = n === 0 ? 0 : total / n;
  if (n < 2) return { delta, low: -1, high: 1, level, method: 'bootstrap' };
  const random = rng(options.seed ?? 20261122);
  const B = options.resamples ?? 2000;
  const means = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += diffs[Math.floor(random() * n)] ?? 0;
    means[r] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  const at = (q: number): number => means[Math.min(B - 1, Math.max(0, Math.floor(q * B)))] ?? 0;
  let low = at(alpha);
  let high = at(1 - alpha);
  // A tail of fewer than TAIL_RESAMPLES resamples is not estimated by them (a sequential run's first
  // look asks for 0.009 %, beyond the most extreme of 2,000 means): there, never narrower than the
  // t-interval. The percentile bounds alone let a model truly 4 pp worse through in 5.8 % of runs
  // (bench/decisions.mjs, sequential row 29).
  if (alpha * B < TAIL_RESAMPLES) {
    const { half } = meanWithHalfWidth(diffs, level);
    low = Math.min(low, delta - half);
    high = Math.max(high, delta + half);
  }
  return { delta, low: Math.max(-1, low), high: Math.min(1, high), level, method: 'bootstrap' };
}

/** Resamples a percentile bound needs beyond it to be estimated by the bootstrap. */
const TAIL_RESAMPLES = 10;

/**
 * Cluster-robust (CR1) standard error of a mean: the residuals are summed within clusters before
 * squaring, so correlated cases count for less than independent ones.
 */
export function clusterRobustSE(values: ArrayLike<number>, clusters: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] ?? 0;
  mean /= n;
  const sums = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = clusters[i] ?? i;
    sums.set(id, (sums.get(id) ?? 0) + ((values[i] ?? 0) - mean));
  }
  const G = sums.size;
  if (G < 2) return NaN;
  let ss = 0;
  for (const s of sums.values()) ss += s * s;
  return Math.sqrt((G / (G - 1)) * ss) / n;
}

/** How many distinct clusters the ids name. */
const clusterCount = (clusters: ArrayLike<number>): number => new Set(Array.from(clusters)).size;

/**
 * Mean ± t·SE with the cluster-robust SE and G − 1 degrees of freedom (z covers 83 % instead of
 * 90 % at 5 clusters), clamped to [lo, hi], and never narrower than `floor`, the interval that
 * ignores the clusters: a Wald-type interval collapses to zero width at 0 %, 100 % and when two
 * models agree on every case, which says nothing about the next case.
 */
export function clusterInterval(
  values: ArrayLike<number>,
  clusters: ArrayLike<number>,
  level: number,
  lo: number,
  hi: number,
  floor?: { low: number; high: number },
): DiffInterval {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i] ?? 0;
  mean = values.length === 0 ? 0 : mean / values.length;
  const se = clusterRobustSE(values, clusters);
  if (!Number.isFinite(se)) return { delta: mean, low: lo, high: hi, level, method: 'cluster' };
  const t = tQuantile(1 - (1 - level) / 2, clusterCount(clusters) - 1);
  return {
    delta: mean,
    level,
    method: 'cluster',
    low: Math.max(lo, Math.min(mean - t * se, floor?.low ?? Infinity)),
    high: Math.min(hi, Math.max(mean + t * se, floor?.high ?? -Infinity)),
  };
}

/**
 * McNemar's test for clustered pairs (Durkalski et al. 2003, Statistics in Medicine 22:2417):
 * χ² = (Σ_k (b_k − c_k))² / Σ_k (b_k − c_k)² with one degree of freedom, b_k and c_k the
 * discordant pairs of cluster k. With one case a cluster it is McNemar's χ² without correction.
 */
export function clusteredMcnemar(diffs: ArrayLike<number>, clusters: ArrayLike<number>): number {
  const byCluster = new Map<number, number>();
  for (let i = 0; i < diffs.length; i++) byCluster.set(clusters[i] ?? i, (byCluster.get(clusters[i] ?? i) ?? 0) + (diffs[i] ?? 0));
  let sum = 0;
  let squares = 0;
  for (const v of byCluster.values()) {
    sum += v;
    squares += v * v;
  }
  if (squares === 0) return 1;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(sum) / Math.sqrt(squares))));
}
