// What a run will cost before it starts: every call not already cached, priced from its prompt's
// size and an output estimate. Sizes are about four characters a token, scaled by each model's
// tokenizer: counted by the provider on a few of the run's own requests where it can count
// (Anthropic's count_tokens, free), else a known ratio, else 1. `typical` assumes answers about
// twice the length of the expected ones, plus about 1,000 thinking tokens for a model that reasons
// (a typical medium-effort figure); `ceiling` that every answer uses max_tokens.

import { byBaseId } from '../models/prices.js';
import { estimateRequestTokens } from '../providers/call.js';
import type { Case, ChatRequest, Prices } from '../types.js';
import type { Target } from './fan-out.js';

const THINKING = 1_000;

/** Tokenizers known to count more than about four characters a token, for when the provider cannot be asked. */
const KNOWN_DENSITY: Readonly<Record<string, number>> = {
  // Haiku 5.5's tokenizer counts about 30 % more tokens than Haiku 4.5's for the same text.
  'claude-haiku-5-5': 1.3,
};

/** Requests counted per model: enough for the ratio to within a few per cent on ordinary data. */
const COUNTED = 8;

/** A model's tokens per four characters, and how it was found. */
export interface Density {
  factor: number;
  /** `counted` by the provider on `requests` of the run's requests; `known` for its tokenizer; else `assumed`. */
  how: 'counted' | 'known' | 'assumed';
  requests?: number;
  /** Why the provider could not count, when it was asked and failed. */
  failed?: string;
}

/** Each model's density, counted on up to 8 requests spread over the cases where its provider counts tokens. */
export async function tokenDensities(
  targets: readonly Target[],
  cases: readonly Case[],
  request: (c: Case, modelIndex: number) => ChatRequest,
): Promise<Density[]> {
  const step = Math.max(1, Math.floor(cases.length / COUNTED));
  const counted = cases.filter((_, i) => i % step === 0).slice(0, COUNTED);
  return Promise.all(
    targets.map(async (t, m): Promise<Density> => {
      // Each model's own requests: with prompt variants, they differ.
      const sample = counted.map((c) => request(c, m));
      const estimated = sample.reduce((n, r) => n + estimateRequestTokens(r), 0);
      const known = byBaseId(KNOWN_DENSITY, t.spec.id);
      const fallback: Density = known === undefined ? { factor: 1, how: 'assumed' } : { factor: known, how: 'known' };
      const count = t.provider.countTokens?.bind(t.provider);
      if (count === undefined || estimated === 0) return fallback;
      try {
        const counted = (await Promise.all(sample.map(count))).reduce((n, x) => n + x, 0);
        return { factor: counted / estimated, how: 'counted', requests: sample.length };
      } catch (err) {
        return { ...fallback, failed: (err as Error).message.split('\n')[0]!.slice(0, 120) };
      }
    }),
  );
}

/** How the input sizes were found, for the estimate's line. */
export function densityNote(targets: readonly Target[], densities: readonly Density[]): string {
  const parts: string[] = [];
  targets.forEach((t, m) => {
    const d = densities[m]!;
    const ratio = `${d.factor.toFixed(2)}x the 4-characters-a-token size`;
    if (d.how === 'counted') parts.push(`${t.spec.name} counted by the provider on ${d.requests} requests (${ratio})`);
    else if (d.how === 'known') parts.push(`${t.spec.name} at ${ratio}, its tokenizer's${d.failed === undefined ? '' : ` (counting failed: ${d.failed})`}`);
    else if (d.failed !== undefined) parts.push(`${t.spec.name} at about 4 characters a token (counting failed: ${d.failed})`);
  });
  const assumed = densities.filter((d) => d.how === 'assumed' && d.failed === undefined).length;
  if (assumed > 0) parts.push(`${assumed === targets.length ? 'tokens' : 'the others'} at about 4 characters a token`);
  return `input sizes: ${parts.join('; ')}`;
}

export interface Estimate {
  calls: number;
  cachedCalls: number;
  typical: number;
  ceiling: number;
  /** Models with no price: their calls are not in the figures. */
  unpriced: string[];
}

/** `settled`: the call is already answered (cached, or journaled by an earlier attempt at the run). */
export function estimateCost(
  cases: readonly Case[],
  targets: readonly Target[],
  request: (c: Case, modelIndex: number) => ChatRequest,
  settled: (modelIndex: number, c: Case, request: ChatRequest, sample: number) => boolean,
  densities?: readonly Density[],
): Estimate {
  const estimate: Estimate = { calls: 0, cachedCalls: 0, typical: 0, ceiling: 0, unpriced: [] };
  targets.forEach((t, m) => {
    const density = densities?.[m]?.factor ?? 1;
    if (t.cost({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }) === null) estimate.unpriced.push(t.spec.name);
    for (const c of cases) {
      const req = request(c, m);
      const input = Math.ceil(estimateRequestTokens(req) * density);
      const output = Math.min(t.spec.maxTokens, Math.ceil(2 * Math.ceil(c.expected.length / 4) * density) + 16 + (t.spec.reasons ? THINKING : 0));
      for (let sample = 0; sample < (t.samples ?? 1); sample++) {
        estimate.calls++;
        if (settled(m, c, req, sample)) {
          estimate.cachedCalls++;
          continue;
        }
        estimate.typical += t.cost({ input, output, cacheWrite: 0, cacheRead: 0 }) ?? 0;
        estimate.ceiling += t.cost({ input, output: t.spec.maxTokens, cacheWrite: 0, cacheRead: 0 }) ?? 0;
      }
    }
  });
  return estimate;
}

/**
 * `--scorer embedding`: the answers' embeddings still to pay for (the references were embedded
 * before this estimate), each answer taken as distinct and about twice its reference's length;
 * null when the embedding model has no price.
 */
export function estimateEmbeddings(cases: readonly Case[], targets: readonly Target[], prices: Prices | null): number | null {
  if (prices === null) return null;
  const tokens = targets.reduce((n, t) => n + (t.samples ?? 1) * cases.reduce((k, c) => k + Math.ceil((2 * c.expected.length) / 4), 0), 0);
  return (tokens * prices.input) / 1e6;
}
