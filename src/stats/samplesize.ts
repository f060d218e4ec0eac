// How many cases a paired comparison needs (statistics.md), normal approximation for paired
// proportions (Connor 1987): n = (z_α + z_β)² · (d − Δ²) / effect², d the discordance rate.
import { normalQuantile } from './intervals.js';
import { newcombePaired, rng } from './paired.js';

export interface PowerOptions {
  /** Two-sided for detecting a difference, one-sided for non-inferiority. Default 0.05. */
  alpha?: number;
  /** Default 0.8. */
  power?: number;
}

/** Cases to detect a true difference Δ (two-sided test). */
export function casesToDetect(delta: number, discordance: number, options: PowerOptions = {}): number {
  const z = normalQuantile(1 - (options.alpha ?? 0.05) / 2) + normalQuantile(options.power ?? 0.8);
  return Math.ceil((z * z * (discordance - delta * delta)) / (delta * delta));
}

/**
 * Cases to show non-inferiority with margin δ (> 0) when the true difference is Δ (default 0),
 * one-sided α. Infinite when Δ ≤ −δ: a model truly worse than the margin cannot be shown within it.
 * With Δ = 0 this is (z_α + z_β)² · d / δ², the table in statistics.md.
 */
export function casesForNonInferiority(margin: number, discordance: number, trueDelta = 0, options: PowerOptions = {}): number {
  const effect = trueDelta + margin;
  if (effect <= 0) return Infinity;
  const z = normalQuantile(1 - (options.alpha ?? 0.05)) + normalQuantile(options.power ?? 0.8);
  return Math.ceil((z * z * Math.max(discordance - trueDelta * trueDelta, 1e-12)) / (effect * effect));
}

/**
 * Cases for non-inferiority by simulating the rule tierbench applies (Newcombe's paired interval
 * at `level`, lower bound above −δ) rather than the normal approximation, which promised 80 %
 * power where the rule has 72–78 %. Paired 2×2 cells from the discordance d, the true Δ and the
 * pricier model's accuracy; the smallest n whose simulated power reaches `power` (common random
 * numbers across n, so the search is monotone). Infinity when Δ ≤ −δ.
 */
export function simulatedCasesForNonInferiority(
  margin: number,
  discordance: number,
  trueDelta = 0,
  options: PowerOptions & { accuracy?: number; level?: number; trials?: number; seed?: number } = {},
): number {
  const closed = casesForNonInferiority(margin, discordance, trueDelta, options);
  if (!Number.isFinite(closed)) return Infinity;
  const level = options.level ?? 0.9;
  const target = options.power ?? 0.8;
  const trials = options.trials ?? 4000;
  const d = Math.max(discordance, Math.abs(trueDelta));
  const pb = (d + trueDelta) / 2;
  const pc = (d - trueDelta) / 2;
  const pa = Math.max(0, (options.accuracy ?? 0.9) - pc);
  // One uniform stream per trial, the same for every n (a larger n adds cases to the same ones):
  // the power estimate then rises with n.
  const powerAt = (n: number): number => {
    let passed = 0;
    for (let t = 0; t < trials; t++) {
      const random = rng((options.seed ?? 20261126) + t);
      let a = 0;
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const u = random();
        if (u < pa) a++;
        else if (u < pa + pb) b++;
        else if (u < pa + pb + pc) c++;
      }
      if (newcombePaired({ a, b, c, d: n - a - b - c }, level).low > -margin) passed++;
    }
    return passed / trials;
  };
  let low = Math.max(1, Math.floor(closed / 2));
  let high = Math.max(low + 1, closed);
  while (powerAt(high) < target) {
    low = high;
    high *= 2;
    if (high > 1_000_000) return Infinity;
  }
  while (high - low > Math.max(1, Math.round(high * 0.005))) {
    const mid = Math.floor((low + high) / 2);
    if (powerAt(mid) >= target) high = mid;
    else low = mid;
  }
  return high;
}
