import type { Prices, Usage } from '../types.js';

/** The prompt tokens a long-prompt band is judged on: everything sent, cached or not. */
const promptTokens = (usage: Usage): number => usage.input + usage.cacheRead + usage.cacheWrite;

/**
 * USD for one call from its usage, normalised first: `input` excludes the cached parts. A prompt
 * above a long-prompt band's threshold bills the whole request at the band's rates.
 */
export function costOf(usage: Usage, prices: Prices): number {
  const band = prices.longPrompt !== undefined && promptTokens(usage) > prices.longPrompt.above ? prices.longPrompt : prices;
  const hour = usage.cacheWrite1h ?? 0;
  const writes = (usage.cacheWrite - hour) * band.cacheWrite + hour * (band.cacheWrite1h ?? 2 * band.input);
  return (usage.input * band.input + writes + usage.cacheRead * band.cacheRead + usage.output * band.output) / 1e6;
}

/**
 * A call as paid and as it would have cost with no prompt caching: every cached token (written or
 * read) at the input rate, in the band the whole prompt falls in either way.
 */
export function withoutCaching(usage: Usage, prices: Prices): { paid: number; uncached: number } {
  const flat: Usage = { input: usage.input + usage.cacheWrite + usage.cacheRead, output: usage.output, cacheWrite: 0, cacheRead: 0 };
  return { paid: costOf(usage, prices), uncached: costOf(flat, prices) };
}

/** A call's cost: what the gateway said it charged, when it said; else priced; unknown (null) without a price. */
export const callCost = (usage: Usage, prices: Prices | null): number | null => usage.charged ?? (prices === null ? null : costOf(usage, prices));
