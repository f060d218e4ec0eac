// What `--judge` will cost, for the estimate said before the first call (and --max-cost's check):
// the asks the judging pass will make, built by the same code from the answers known already (the
// journal's, the response cache's) or, for answers still to come, from a stand-in of the typical
// answer's length. An ask the journal or the cache already answered costs nothing.
import { ResponseCache } from '../execute/cache.js';
import type { Resume } from '../pipeline/plan.js';
import type { Prepared } from '../pipeline/prepare.js';
import { estimateRequestTokens } from '../providers/call.js';
import type { Case } from '../types.js';
import { asksFor } from './judge.js';
import { judgeSlot } from './plan.js';
import type { Item } from './verdicts.js';

/** A judge's reply: a few sentences of reason (two to four, some 25 tokens each), then the grade. */
const REPLY_TOKENS = 100;
/** As for the candidates: a reasoning judge thinks about a thousand tokens (a typical medium-effort figure). */
const THINKING = 1_000;

export interface JudgeEstimate {
  calls: number;
  /** Asks the journal or the response cache already answered. */
  settled: number;
  typical: number;
  ceiling: number;
  unpriced: string[];
}

export function estimateJudging(prepared: Prepared, resume: Resume | undefined): JudgeEstimate {
  const { plan, judging, dataset, targets, known, cache, cacheKey, request } = prepared;
  const estimate: JudgeEstimate = { calls: 0, settled: 0, typical: 0, ceiling: 0, unpriced: [] };
  if (judging === undefined) return estimate;
  const samples = Math.max(1, ...targets.map((t) => t.samples ?? 1));
  /** The answer a judge will read: known already, or a stand-in twice the reference's length. */
  const answerOf = (m: number, c: Case, sample: number): { text: string; real: boolean } => {
    const s = targets[m]?.samples ?? 1;
    const text = known[m]?.get(c.index * s + sample)?.output ?? cache?.get(cacheKey(m, request(c, m), sample))?.text;
    return text === undefined ? { text: 'x'.repeat(2 * c.expected.length), real: false } : { text, real: true };
  };
  const items: Array<Item & { real: boolean }> = [];
  const reference = plan.models.findIndex((m) => m.name === plan.reference);
  for (const c of dataset.cases) {
    targets.forEach((t, m) => {
      for (let sample = 0; sample < (t.samples ?? 1); sample++) {
        const { text, real } = answerOf(m, c, sample);
        const item: Item & { real: boolean } = { candidate: m, model: t.spec.name, caseIndex: c.index, sample, output: text, real };
        if (judging.plan.mode === 'pairwise')
          item.versus = m === reference ? null : answerOf(reference, c, Math.min(sample, (targets[reference]?.samples ?? 1) - 1)).text;
        items.push(item);
      }
    });
  }
  for (const [caseIndex, { answer }] of judging.human?.grades ?? []) {
    items.push({ candidate: plan.models.length, model: 'human-graded', caseIndex, sample: 0, output: answer, real: true });
  }
  const journaled = new Set((resume?.results ?? []).map(({ m, r }) => `${m}|${r.caseIndex}|${r.sample}`));
  judging.targets.forEach((t, j) => {
    if (t.cost({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }) === null) estimate.unpriced.push(t.spec.name);
    const slot = judgeSlot(plan.models.length, j);
    const sent = judging.providers[j]!.sent;
    for (const item of items) {
      for (const ask of asksFor(prepared, item, samples)) {
        estimate.calls++;
        const answered =
          journaled.has(`${slot}|${item.caseIndex}|${ask.code}`) || (item.real && cache?.get(ResponseCache.key(t.spec, ask.request, 0, sent)) !== undefined);
        if (answered) {
          estimate.settled++;
          continue;
        }
        const input = estimateRequestTokens(ask.request);
        estimate.typical += t.cost({ input, output: REPLY_TOKENS + (t.spec.reasons ? THINKING : 0), cacheWrite: 0, cacheRead: 0 }) ?? 0;
        estimate.ceiling += t.cost({ input, output: t.spec.maxTokens, cacheWrite: 0, cacheRead: 0 }) ?? 0;
      }
    }
  });
  return estimate;
}
