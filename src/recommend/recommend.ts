// Summaries + per-case scores → the recommendation the terminal and the report show. Pure.
import type { ScoreMatrix } from '../analysis/matrix.js';
import type { ModelSummary, Recommendation } from '../types.js';
import { decide } from './decide.js';
import { pct } from '../format.js';

export interface RecommendOptions {
  tolerancePp: number;
  reference?: string;
  /** Two-sided level of the verdict intervals (0.9 → one-sided α = 5 %). */
  level: number;
}


export function recommend(summaries: readonly ModelSummary[], matrix: ScoreMatrix, options: RecommendOptions): Recommendation {
  const caveats: string[] = [];
  for (const s of summaries) {
    if (s.errors.total > 0) caveats.push(`${s.model}: ${s.errors.total} of ${s.n} calls failed; its figures are over the ${s.scored} answered cases`);
    if (s.cost === null) caveats.push(`${s.model}: no price, so it cannot be recommended on cost`);
  }
  const set = decide(
    summaries.map((s) => ({ model: s.model, accuracy: s.accuracy, costPerCase: s.cost === null ? null : s.cost.per1kCases / 1000 })),
    matrix,
    { tolerancePp: options.tolerancePp, level: options.level, ...(options.reference !== undefined && { reference: options.reference }) },
  );
  const base = { tolerancePp: options.tolerancePp, level: options.level, caveats, comparisons: set.comparisons, excluded: set.excluded };
  const reference = summaries.find((s) => s.model === set.reference);
  if (set.reference === null || reference === undefined || reference.accuracy === null) {
    return { ...base, reference: null, recommended: null, savingPer1k: null, savingFraction: null, summary: 'No model answered any case, so there is nothing to recommend.' };
  }
  const chosen = set.comparisons.find((d) => d.model === set.recommended);
  if (chosen !== undefined && reference.cost !== null) {
    const saving = reference.cost.per1kCases - chosen.costPerCase * 1000;
    return {
      ...base, reference: set.reference, recommended: chosen.model, savingPer1k: saving, savingFraction: chosen.saving,
      summary: `Use ${chosen.model}: ${chosen.sentence} — $${saving.toFixed(saving < 1 ? 4 : 2)} saved per 1,000 cases.`,
    };
  }
  const blocker = set.comparisons.find((d) => d.tested && d.verdict !== 'within');
  const why = blocker === undefined
    ? set.comparisons.length === 0 ? ' No cheaper priced model was measured.' : ''
    : blocker.verdict === 'worse' ? ` (${blocker.model} is worse by more than the margin.)`
      : ` (${blocker.model} is inconclusive${blocker.moreCases !== null ? `: about ${blocker.moreCases.toLocaleString('en-US')} more cases would settle it` : ''}.)`;
  return {
    ...base, reference: set.reference, recommended: set.reference, savingPer1k: 0, savingFraction: 0,
    summary: `Use ${set.reference} (${pct(reference.accuracy)}): no cheaper model was shown to be within ${options.tolerancePp} pp of it.${why}`,
  };
}
