import type { Prices, Rates, Usage } from '../types.js';

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

/**
 * The rates a batch is billed at: every rate (cache writes and reads, the long-prompt band) times
 * the model's batch share. Undefined where the price table gives the model no batch rate.
 */
export function batchPrices(prices: Prices): Prices | undefined {
  const share = prices.batch;
  if (share === undefined) return undefined;
  const scaled = <R extends Rates>(r: R): R => ({
    ...r,
    input: r.input * share,
    output: r.output * share,
    cacheWrite: r.cacheWrite * share,
    cacheRead: r.cacheRead * share,
    ...(r.cacheWrite1h !== undefined && { cacheWrite1h: r.cacheWrite1h * share }),
  });
  return { ...scaled(prices), ...(prices.longPrompt !== undefined && { longPrompt: scaled(prices.longPrompt) }) };
}
