// How many cases a paired comparison needs (statistics.md), normal approximation for paired
// proportions (Connor 1987): n = (z_α + z_β)² · (d − Δ²) / effect², d the discordance rate.
import { normalQuantile } from './intervals.js';

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
