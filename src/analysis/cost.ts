import type { Prices, Usage } from '../types.js';

/** USD for one call. Usage is normalised first: `input` excludes the cached parts. */
export function costOf(usage: Usage, prices: Prices): number {
  const hour = usage.cacheWrite1h ?? 0;
  const writes = (usage.cacheWrite - hour) * prices.cacheWrite + hour * (prices.cacheWrite1h ?? 2 * prices.input);
  return (usage.input * prices.input + writes + usage.cacheRead * prices.cacheRead + usage.output * prices.output) / 1e6;
}
