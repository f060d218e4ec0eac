// List prices in USD per million tokens. Dated and sourced; the config file's `prices` overrides
// or extends them. A model missing here is refused rather than priced at $0.
import type { PriceEntry } from '../types.js';

export const PRICES_AS_OF = '2026-11';

const ANTHROPIC = 'Anthropic pricing page, checked 2026-11';
const ANTHROPIC_SECONDARY = 'secondary sources 2026-11 (input/output); cache rates derived as 1.25× / 0.1× input';
const OPENAI = 'OpenAI pricing page, checked 2026-11';
const OPENAI_SECONDARY = 'secondary sources 2026-11';

/** Anthropic: cache write 1.25× input (5-minute TTL), read 0.1×. */
function claude(input: number, output: number, source: string): PriceEntry {
  return { input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1, source };
}

/** OpenAI: no surcharge to write the cache; cached input has its own rate. */
function gpt(input: number, cacheRead: number, output: number, source: string): PriceEntry {
  return { input, output, cacheWrite: input, cacheRead, source };
}

export const PRICES: Readonly<Record<string, PriceEntry>> = {
  'claude-haiku-5-5': claude(0.1, 0.5, ANTHROPIC_SECONDARY),
  'claude-sonnet-5-5': claude(2, 10, ANTHROPIC_SECONDARY),
  'claude-opus-5-5': claude(4, 20, ANTHROPIC_SECONDARY),
  'claude-haiku-4-5': claude(1, 5, ANTHROPIC),
  'claude-sonnet-4-6': claude(3, 15, ANTHROPIC),
  'claude-sonnet-4-5': claude(3, 15, ANTHROPIC),
  'claude-opus-4-8': claude(5, 25, ANTHROPIC),
  'claude-opus-4-7': claude(5, 25, ANTHROPIC),
  'claude-opus-4-6': claude(5, 25, ANTHROPIC),
  'claude-opus-4-5': claude(5, 25, ANTHROPIC),
  'gpt-5': gpt(1.25, 0.125, 10, OPENAI),
  'gpt-5-mini': gpt(0.25, 0.025, 2, OPENAI),
  'gpt-5-nano': gpt(0.05, 0.005, 0.4, OPENAI),
  'gpt-4.1': gpt(2, 0.5, 8, OPENAI_SECONDARY),
  'gpt-4.1-mini': gpt(0.4, 0.1, 1.6, OPENAI_SECONDARY),
  'gpt-4o-mini': gpt(0.15, 0.075, 0.6, OPENAI_SECONDARY),
};

/**
 * The list price for an id, also for gateway spellings: `anthropic/claude-haiku-4.5` and
 * dated snapshots like `claude-haiku-4-5-20251001` resolve to the base model's price.
 */
export function listPrice(id: string): PriceEntry | undefined {
  return byBaseId(PRICES, id);
}

/**
 * A table's entry for an id in any spelling: a gateway's `vendor/model-4.5`, a dated snapshot
 * (`-20251001`, `-2025-10-01`), or the id itself.
 */
export function byBaseId<T>(table: Readonly<Record<string, T>>, id: string): T | undefined {
  const bare = id.includes('/') ? id.slice(id.lastIndexOf('/') + 1) : id;
  const candidates = [bare, bare.replace(/(\d)\.(\d)/g, '$1-$2'), bare.replace(/-\d{8}$/, '').replace(/-\d{4}-\d{2}-\d{2}$/, '')];
  for (const c of candidates) {
    const hit = table[c];
    if (hit !== undefined) return hit;
  }
  return undefined;
}
