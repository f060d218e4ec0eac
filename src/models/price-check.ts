// Our price table beside a maintained one (@pydantic/genai-prices): what differs, for a person to
// review. Nothing here changes a price — a difference is as likely to be the other table's error
// (it priced Sonnet 5.5 as Sonnet 5 for weeks) as ours.
import { calcPrice, type Provider } from '@pydantic/genai-prices';
import { perMtok } from '../format.js';
import type { PriceEntry, Rates } from '../types.js';
import { LIFECYCLES } from './lifecycle.js';

/** A maintained table's rates for one of our models, in our terms; absent fields: it has none. */
export interface TheirPrices {
  /** The entry of theirs that prices our id (their matcher may pick a neighbour: `claude-sonnet-5` for `claude-sonnet-5-5`). */
  entry: string;
  rates: Partial<Rates>;
  /** Their long-prompt tiers by field, the same rule as our band (the whole request, by prompt tokens); ours has one band, so only their first tier is compared. */
  band?: Partial<Record<keyof Rates, { above: number; rate: number; tiers: number }>>;
  deprecated?: boolean;
}

interface PriceDifference {
  model: string;
  /** `input`, `cacheRead`, `band`, `input above 272K`, `lifecycle`, … */
  field: string;
  ours: string;
  theirs: string;
  /** Their entry's id, when it is not ours. */
  entry?: string;
}

export interface PriceCheck {
  differences: PriceDifference[];
  /** Our models they do not price at all. */
  missing: string[];
  /** Our models whose every compared figure agrees. */
  agreeing: string[];
}

const FIELDS: ReadonlyArray<[keyof Rates, string]> = [
  ['input', 'input_mtok'],
  ['output', 'output_mtok'],
  ['cacheWrite', 'cache_write_mtok'],
  ['cacheWrite1h', 'cache_write_1h_mtok'],
  ['cacheRead', 'cache_read_mtok'],
];

/** The provider whose table prices one of our ids. */
export const providerOf = (id: string): string => (id.startsWith('claude') ? 'anthropic' : 'openai');

/**
 * One of our ids as genai-prices prices it on `today` (their date-constrained prices resolved),
 * from `providers` (their data: bundled with the package, fetched, or a file).
 */
export function genaiPrices(providers: readonly Provider[], id: string, today: Date): TheirPrices | undefined {
  const provider = providers.find((p) => p.id === providerOf(id));
  if (provider === undefined) return undefined;
  const found = calcPrice({ input_tokens: 1, output_tokens: 1 }, id, { provider, timestamp: today });
  if (found === null) return undefined;
  const rates: Partial<Rates> = {};
  const band: NonNullable<TheirPrices['band']> = {};
  for (const [ours, theirs] of FIELDS) {
    const price = found.model_price[theirs];
    if (typeof price === 'number') rates[ours] = price;
    else if (price !== undefined) {
      rates[ours] = price.base;
      const first = price.tiers[0];
      if (first !== undefined) band[ours] = { above: first.start, rate: first.price, tiers: price.tiers.length };
    }
  }
  return {
    entry: found.model.id,
    rates,
    ...(Object.keys(band).length > 0 && { band }),
    ...(found.model.deprecated === true && { deprecated: true }),
  };
}

const same = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const tokens = (n: number): string => (n % 1000 === 0 ? `${n / 1000}K` : n.toLocaleString('en-US'));

/**
 * Every figure that differs between our table and theirs. A threshold one token apart is the same
 * rule written two ways (">272K" as above 271,999 or above 272,000), not a difference.
 */
export function comparePrices(ours: Readonly<Record<string, PriceEntry>>, theirs: (id: string) => TheirPrices | undefined): PriceCheck {
  const differences: PriceDifference[] = [];
  const missing: string[] = [];
  const agreeing: string[] = [];
  for (const [model, entry] of Object.entries(ours)) {
    const their = theirs(model);
    if (their === undefined) {
      missing.push(model);
      continue;
    }
    const found: PriceDifference[] = [];
    const differ = (field: string, a: string, b: string): void =>
      void found.push({ model, field, ours: a, theirs: b, ...(their.entry !== model && { entry: their.entry }) });
    // Only cacheWrite1h may be absent from an entry: it is then 2x input.
    for (const [field] of FIELDS) {
      const value = their.rates[field];
      if (value !== undefined && !same(entry[field] ?? entry.input * 2, value)) differ(field, perMtok(entry[field] ?? entry.input * 2), perMtok(value));
    }
    const band = entry.longPrompt;
    const tiers = Object.entries(their.band ?? {}) as Array<[keyof Rates, { above: number; rate: number; tiers: number }]>;
    if (band === undefined && tiers.length > 0) differ('band', 'none', `above ${tokens(tiers[0]![1].above)}`);
    else if (band !== undefined && tiers.length === 0) differ('band', `above ${tokens(band.above)}`, 'none');
    else if (band !== undefined) {
      for (const [field, tier] of tiers) {
        const mine = band[field] ?? band.input * 2;
        if (Math.abs(band.above - tier.above) > 1) differ(`${field} band`, `above ${tokens(band.above)}`, `above ${tokens(tier.above)}`);
        else if (!same(mine, tier.rate)) differ(`${field} >${tokens(band.above)}`, perMtok(mine), perMtok(tier.rate));
        if (tier.tiers > 1) differ(`${field} band`, 'one', `${tier.tiers} tiers`);
      }
    }
    if (their.deprecated === true && LIFECYCLES[model] === undefined) differ('lifecycle', 'current', 'deprecated');
    if (found.length === 0) agreeing.push(model);
    differences.push(...found);
  }
  return { differences, missing, agreeing };
}
