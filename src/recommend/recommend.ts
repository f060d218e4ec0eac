// First version: cheapest priced model whose accuracy is within the tolerance of the most accurate,
// on point estimates. The paired non-inferiority rule (statistics.md) replaces it later. Pure.
import type { ModelSummary, Recommendation } from '../types.js';

const pp = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function recommend(summaries: readonly ModelSummary[], tolerancePp: number): Recommendation {
  const caveats: string[] = [];
  for (const s of summaries) {
    if (s.errors.total > 0) caveats.push(`${s.model}: ${s.errors.total} of ${s.n} calls failed; its accuracy is over the ${s.scored} answered`);
    if (s.cost === null) caveats.push(`${s.model}: no price, so it cannot be recommended on cost`);
  }
  const measured = summaries.filter((s) => s.accuracy !== null);
  const none = (summary: string): Recommendation => ({ reference: null, tolerancePp, recommended: null, savingPer1k: null, savingFraction: null, summary, caveats });
  if (measured.length === 0) return none('No model answered any case, so there is nothing to recommend.');

  const cost = (s: ModelSummary): number => s.cost?.per1kCases ?? Infinity;
  // The yardstick: most accurate; among equals, the cheapest.
  const reference = [...measured].sort((a, b) => (b.accuracy ?? 0) - (a.accuracy ?? 0) || cost(a) - cost(b))[0];
  if (reference === undefined || reference.accuracy === null) return none('No model answered any case.');
  const floor = reference.accuracy - tolerancePp / 100;
  const adequate = measured.filter((s) => s.cost !== null && (s.accuracy ?? 0) >= floor - 1e-12).sort((a, b) => cost(a) - cost(b));
  const best = adequate[0];
  const small = Math.min(...measured.map((s) => s.scored));
  if (small < 100) caveats.push(`only ${small} cases: accuracy intervals are wide (±${Math.round(98 / Math.sqrt(Math.max(small, 1)))} pp or more); see the CI column`);
  if (best === undefined) {
    return { reference: reference.model, tolerancePp, recommended: null, savingPer1k: null, savingFraction: null, summary: `No priced model is within ${tolerancePp} pp of ${reference.model} (${pp(reference.accuracy)}).`, caveats };
  }
  const refCost = reference.cost?.per1kCases ?? null;
  const saving = refCost === null || best.cost === null ? null : refCost - best.cost.per1kCases;
  const fraction = saving === null || refCost === null || refCost === 0 ? null : saving / refCost;
  let summary: string;
  if (best.model === reference.model) {
    summary = `Use ${best.model}: it is the most accurate (${pp(reference.accuracy)}) and no cheaper model is within ${tolerancePp} pp of it.`;
  } else {
    const gap = ((best.accuracy ?? 0) - reference.accuracy) * 100;
    summary = `Use ${best.model}: ${pp(best.accuracy ?? 0)} against ${pp(reference.accuracy)} for ${reference.model} (${gap >= 0 ? '+' : ''}${gap.toFixed(1)} pp, within ${tolerancePp} pp)` +
      (saving !== null && fraction !== null ? `, and it costs ${Math.round(fraction * 100)}% less ($${saving.toFixed(4)} saved per 1,000 cases).` : '.');
  }
  return { reference: reference.model, tolerancePp, recommended: best.model, savingPer1k: saving, savingFraction: fraction, summary, caveats };
}
