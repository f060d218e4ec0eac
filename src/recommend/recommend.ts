// Summaries + per-case scores → the recommendation the terminal and the report show. Pure.
import type { ScoreMatrix } from '../analysis/matrix.js';
import { pct, ppDelta, ppInterval } from '../format.js';
import type { Decision, ModelSummary, Recommendation } from '../types.js';
import { type DecideOptions, type DecisionSet, decide } from './decide.js';

export interface RecommendOptions {
  tolerancePp: number;
  reference?: string;
  /** Two-sided level of the verdict intervals (0.9 → one-sided α = 5 %), before the split over candidates and looks. */
  level: number;
  /** Cases in the pilot run this one follows up (`--follow-up`): the second look. */
  pilotCases?: number;
  /** `--sequential`: which look of the run this is, and the verdicts earlier looks reached. */
  sequential?: DecideOptions['sequential'];
}

export function recommend(summaries: readonly ModelSummary[], matrix: ScoreMatrix, options: RecommendOptions): Recommendation {
  const caveats: string[] = [];
  for (const s of summaries) {
    if (s.errors.total > 0)
      caveats.push(
        `${s.model}: ${s.errors.total} of ${s.n} calls failed; its accuracy is over the ${s.scored} answered cases, and the verdicts count the failures as wrong answers`,
      );
    if (s.cost === null) caveats.push(`${s.model}: no price, so it cannot be recommended on cost`);
  }
  const set = decide(
    summaries.map((s) => ({ model: s.model, accuracy: s.accuracy, costPerCase: s.cost === null ? null : s.cost.per1kCases / 1000 })),
    matrix,
    {
      tolerancePp: options.tolerancePp,
      level: options.level,
      ...(options.reference !== undefined && { reference: options.reference }),
      ...(options.pilotCases !== undefined && { pilotCases: options.pilotCases }),
      ...(options.sequential !== undefined && { sequential: options.sequential }),
    },
  );
  // No "more cases" to advise after a follow-up or a sequential run: each spent its whole error budget.
  const spent =
    options.sequential !== undefined
      ? ` at look ${options.sequential.look} of ${options.sequential.fractions.length}${options.sequential.look === options.sequential.fractions.length ? ', the last of this sequential run, which spent the error budget over its looks' : ''}.`
      : options.pilotCases !== undefined
        ? ' at this follow-up look, which spent the rest of the error budget.'
        : undefined;
  const which: Recommendation['look'] =
    options.pilotCases === undefined ? { number: 1, alpha: set.alpha } : { number: 2, alpha: set.alpha, pilotCases: options.pilotCases };
  const base = { tolerancePp: options.tolerancePp, level: options.level, look: which, caveats, comparisons: set.comparisons, excluded: set.excluded };
  const reference = summaries.find((s) => s.model === set.reference);
  if (set.reference === null || reference === undefined || reference.accuracy === null) {
    return {
      ...base,
      reference: null,
      recommended: null,
      savingPer1k: null,
      savingFraction: null,
      summary: 'No model answered any case, so there is nothing to recommend.',
    };
  }
  const against = (model: string): Decision[] => set.comparisons.filter((d) => d.model === model);
  const bar = options.reference === undefined ? 'every model that costs more' : set.reference;
  const chosen = summaries.find((s) => s.model === set.recommended);
  if (chosen !== undefined && chosen !== reference) {
    const saving = reference.cost === null || chosen.cost === null ? null : reference.cost.per1kCases - chosen.cost.per1kCases;
    const mine = against(chosen.model);
    const evidence =
      mine.length === 1
        ? mine[0]!.sentence
        : `${chosen.model} is within ${options.tolerancePp} pp of ${bar}: ${mine.map((d) => `${d.reference} (Δ ${ppDelta(d.delta)}, ${ppInterval(d.interval.low, d.interval.high, d.interval.level)})`).join(', ')}`;
    const saved =
      saving === null ? '' : ` — $${saving.toFixed(saving < 1 ? 4 : 2)} saved per 1,000 cases${mine.length === 1 ? '' : ` against ${set.reference}`}`;
    return {
      ...base,
      reference: set.reference,
      recommended: chosen.model,
      savingPer1k: saving,
      savingFraction: saving === null || !reference.cost?.per1kCases ? null : saving / reference.cost.per1kCases,
      summary: `Use ${chosen.model}: ${evidence}${saved}.${nearly(set, chosen.model, summaries, options.tolerancePp, spent)}`,
    };
  }
  return {
    ...base,
    reference: set.reference,
    recommended: reference.model,
    savingPer1k: 0,
    savingFraction: 0,
    summary:
      `Use ${reference.model} (${pct(reference.accuracy)}): no cheaper model was shown to be within ${options.tolerancePp} pp of ${bar}.${nearly(set, reference.model, summaries, options.tolerancePp, spent)}` +
      (set.comparisons.length === 0 ? ' No cheaper priced model was measured.' : ''),
  };
}

/**
 * The cheapest model cheaper than the recommended one that was not shown worse than any: which
 * comparisons it passed, which it did not, and what would settle them (`spent`: where the look
 * stood, when no more cases can settle them).
 */
function nearly(set: DecisionSet, recommended: string, summaries: readonly ModelSummary[], tolerancePp: number, spent: string | undefined): string {
  const cost = (model: string): number => summaries.find((s) => s.model === model)?.cost?.per1kCases ?? Infinity;
  const models = [...new Set(set.comparisons.map((d) => d.model))].filter((m) => cost(m) < cost(recommended)).reverse();
  for (const model of models) {
    const mine = set.comparisons.filter((d) => d.model === model);
    if (mine.some((d) => d.verdict === 'worse')) continue;
    const open = mine.filter((d) => d.verdict === 'inconclusive');
    const passed = mine.filter((d) => d.verdict === 'within').map((d) => d.reference);
    const settle = open.map((d) =>
      spent !== undefined
        ? d.reference
        : `${d.reference} (${d.moreCases !== null ? `about ${d.moreCases.toLocaleString('en-US')} more cases would settle it` : 'more cases would likely show it worse'})`,
    );
    return (
      ` ${model} ${passed.length > 0 ? `is within ${tolerancePp} pp of ${passed.join(', ')} but ` : ''}is inconclusive against ${settle.join(' and ')}` +
      (spent ?? '.')
    );
  }
  return '';
}
