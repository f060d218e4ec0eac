// What a run will cost before it starts: every call not already cached, priced from its prompt's
// size (about four characters a token) and an output estimate. `typical` assumes answers about
// twice the length of the expected ones, plus about 1,000 thinking tokens for a model that reasons
// (a typical medium-effort figure); `ceiling` that every answer uses max_tokens.
import type { Case, ChatRequest } from '../types.js';
import { estimateRequestTokens } from '../providers/call.js';
import type { Target } from './fan-out.js';

const THINKING = 1_000;

export interface Estimate {
  calls: number;
  cachedCalls: number;
  typical: number;
  ceiling: number;
  /** Models with no price: their calls are not in the figures. */
  unpriced: string[];
}

/** `settled`: the call is already answered (cached, or journaled by an earlier attempt at the run). */
export function estimateCost(cases: readonly Case[], targets: readonly Target[], request: (c: Case) => ChatRequest, settled: (modelIndex: number, c: Case, request: ChatRequest, sample: number) => boolean): Estimate {
  const estimate: Estimate = { calls: 0, cachedCalls: 0, typical: 0, ceiling: 0, unpriced: [] };
  targets.forEach((t, m) => {
    if (t.cost({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }) === null) estimate.unpriced.push(t.spec.name);
    for (const c of cases) {
      const req = request(c);
      const input = estimateRequestTokens(req);
      const output = Math.min(t.spec.maxTokens, 2 * Math.ceil(c.expected.length / 4) + 16 + (t.spec.reasons ? THINKING : 0));
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
