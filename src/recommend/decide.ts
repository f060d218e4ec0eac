// "Cheap is good enough" as a non-inferiority decision (statistics.md). A model is recommended only
// when it is shown within tolerance of every priced model that costs more: an intersection–union
// test (the claim "within all of them" needs every one, so no adjustment among its comparisons),
// and a pricier model that is merely inconclusive against another cannot block a
// cheaper one that passed. The cheapest model so shown is recommended; the most expensive when none
// is. Choosing the most accurate model as the one reference instead is a selection on noise: a
// model truly 4 pp worse was recommended in 15 % of runs at n = 100. With `--reference`, each
// cheaper model is tested against that model only.
// Recommending the cheapest of K candidates that passed is itself a selection: with five cheap
// models each 3.5 pp worse, one slipped through in 6.6 % of runs at the full level. So each
// candidate is tested at α/K (Bonferroni across the candidates; bench/decisions.mjs, row 13:
// 1.1–4.3 % instead, for 0–12 pp of power). Pure.
import { casesNeeded, compare } from '../analysis/compare.js';
import type { ModelColumn, ScoreMatrix } from '../analysis/matrix.js';
import { ppDelta, ppInterval } from '../format.js';
import type { Decision, Verdict } from '../types.js';

export interface Contender {
  model: string;
  /** Accuracy over the cases considered; null when the model answered none. */
  accuracy: number | null;
  /** Mean USD per case; null when unpriced. */
  costPerCase: number | null;
}

export interface DecideOptions {
  tolerancePp: number;
  /** Fixed reference (`--reference`): cheaper models are tested against it alone. */
  reference?: string;
  /** Two-sided level of the intervals; 0.9 makes each one-sided test α = 5 %. */
  level: number;
  keep?: (caseIndex: number) => boolean;
}

export interface DecisionSet {
  /** What the others are priced against: `--reference`, else the most expensive priced model. */
  reference: string | null;
  /** Every cheaper model against every model that costs more (or the reference), most expensive first. */
  comparisons: Decision[];
  excluded: Array<{ model: string; reason: string }>;
  recommended: string | null;
}

export function verdictOf(low: number, high: number, margin: number): Verdict {
  if (low > -margin) return 'within';
  if (high < -margin) return 'worse';
  return 'inconclusive';
}

function sentence(d: Omit<Decision, 'sentence'>, tolerancePp: number): string {
  const stats = `Δ ${ppDelta(d.delta)}, ${ppInterval(d.interval.low, d.interval.high, d.interval.level)}`;
  const answered = d.answeredOnly === undefined ? '' : `; failed calls counted as wrong — over the ${d.answeredOnly.n.toLocaleString('en-US')} cases both answered, Δ ${ppDelta(d.answeredOnly.delta)}`;
  if (d.verdict === 'within') {
    return `${d.model} is within ${tolerancePp} pp of ${d.reference} (${stats}${answered})${d.saving !== null && d.saving > 0 ? ` and costs ${Math.round(d.saving * 100)} % less` : ''}`;
  }
  if (d.verdict === 'worse') return `${d.model} is worse than ${d.reference} by more than ${tolerancePp} pp (${stats}${answered})`;
  return `${d.model} vs ${d.reference} is inconclusive (${stats}${answered}): ` +
    (d.moreCases !== null ? `about ${d.moreCases.toLocaleString('en-US')} more cases would settle it` : 'it looks worse than the margin; more cases would likely confirm that');
}

export function decide(contenders: readonly Contender[], matrix: ScoreMatrix, options: DecideOptions): DecisionSet {
  const margin = options.tolerancePp / 100;
  const measured = contenders.filter((c) => c.accuracy !== null && !Number.isNaN(c.accuracy));
  const excluded: DecisionSet['excluded'] = contenders.filter((c) => !measured.includes(c)).map((c) => ({ model: c.model, reason: 'answered no case' }));
  for (const c of measured) if (c.costPerCase === null) excluded.push({ model: c.model, reason: 'no price' });
  // Most expensive first; equal prices keep the order the models were given in (the first counts as the pricier).
  const priced = measured.filter((c) => c.costPerCase !== null).sort((a, b) => b.costPerCase! - a.costPerCase!);
  const fixed = options.reference === undefined ? undefined : measured.find((c) => c.model === options.reference);
  const reference = fixed ?? priced[0];
  if (reference === undefined) return { reference: null, comparisons: [], excluded, recommended: null };

  /** The models `c` must be shown within tolerance of. */
  let candidates: Contender[];
  let above: (c: Contender, i: number) => Contender[];
  if (fixed !== undefined) {
    const cheaper = (c: Contender): boolean => fixed.costPerCase === null || c.costPerCase! < fixed.costPerCase;
    for (const c of priced) if (c !== fixed && !cheaper(c)) excluded.push({ model: c.model, reason: `costs at least as much as ${fixed.model}` });
    candidates = priced.filter((c) => c !== fixed && cheaper(c));
    above = () => [fixed];
  } else {
    candidates = priced.slice(1);
    above = (_c, i) => priced.slice(0, i + 1);
  }

  const column = (model: string): ModelColumn | undefined => matrix.columns.find((x) => x.model === model);
  // Two-sided level whose one-sided error is α / K.
  const level = 1 - (1 - options.level) / Math.max(1, candidates.length);
  const comparisons: Decision[] = [];
  let recommended = reference.model;
  const cost = (model: string): number => measured.find((x) => x.model === model)?.costPerCase ?? Infinity;
  candidates.forEach((c, i) => {
    const mine = column(c.model);
    const verdicts: Verdict[] = [];
    for (const pricier of above(c, i)) {
      const theirs = column(pricier.model);
      if (!mine || !theirs) continue;
      const decision = pairDecision(c, pricier, mine, theirs, matrix, { ...options, level }, margin);
      comparisons.push(decision);
      verdicts.push(decision.verdict);
    }
    // A model at the same price as the one recommended so far would save nothing.
    if (verdicts.length > 0 && verdicts.every((v) => v === 'within') && c.costPerCase! < cost(recommended)) recommended = c.model;
  });
  return { reference: reference.model, comparisons, excluded, recommended };
}

function pairDecision(c: Contender, pricier: Contender, mine: ModelColumn, theirs: ModelColumn, matrix: ScoreMatrix, options: DecideOptions, margin: number): Decision {
  const base = { level: options.level, ...(options.keep && { keep: options.keep }) };
  const comparison = compare(mine, theirs, matrix, base);
  const verdict = verdictOf(comparison.interval.low, comparison.interval.high, margin);
  const needed = verdict === 'inconclusive' ? casesNeeded(comparison, margin, options.level) : Infinity;
  let answeredOnly: Decision['answeredOnly'];
  if (mine.failed !== undefined || theirs.failed !== undefined) {
    const a = compare(mine, theirs, matrix, { ...base, answeredOnly: true });
    if (a.n !== comparison.n) answeredOnly = { n: a.n, delta: a.delta, interval: a.interval };
  }
  const partial: Omit<Decision, 'sentence'> = {
    ...comparison,
    verdict,
    moreCases: verdict === 'inconclusive' && Number.isFinite(needed) ? Math.max(1, needed - comparison.n) : null,
    costPerCase: c.costPerCase ?? 0,
    saving: pricier.costPerCase === null || pricier.costPerCase === 0 ? null : 1 - (c.costPerCase ?? 0) / pricier.costPerCase,
    ...(answeredOnly && { answeredOnly }),
  };
  return { ...partial, sentence: sentence(partial, options.tolerancePp) };
}
