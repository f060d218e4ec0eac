import type { Prices, Usage } from '../types.js';

/** USD for one call. Usage is normalised first: `input` excludes the cached parts. */
export function costOf(usage: Usage, prices: Prices): number {
  return (usage.input * prices.input + usage.cacheWrite * prices.cacheWrite + usage.cacheRead * prices.cacheRead + usage.output * prices.output) / 1e6;
}
