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
// 1.1–4.3 % instead, for 0–12 pp of power). A run is the first of at most two looks: it spends 4/5
// of each candidate's α, and a follow-up of it the rest (analysis/looks.ts). A `--sequential` run
// spends each candidate's α over its looks instead, and keeps a verdict from the look that decided
// it: the error bound counts a comparison that crossed at any look as passed. Pure.
import { casesNeeded, compare } from '../analysis/compare.js';
import { firstLookAlpha, followUpCases, secondLookAlpha, sequentialAlpha } from '../analysis/looks.js';
import type { ModelColumn, ScoreMatrix } from '../analysis/matrix.js';
import { ppDelta, ppInterval } from '../format.js';
import type { Decision, Verdict } from '../types.js';

/** The error a verdict may make: one-sided α = 5 % (statistics.md), split over the cheaper models and the two looks. */
export const DECISION_LEVEL = 0.9;

/** Each of K candidates' one-sided α at `level`: Bonferroni across the candidates. */
export const candidateAlpha = (level: number, candidates: number): number => (1 - level) / 2 / Math.max(1, candidates);

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
  /** This run follows up a pilot of this many cases (a second look); absent for a first look. */
  pilotCases?: number;
  /** A decision no follow-up can revisit (routing): it spends the whole α and advises a single look's cases. */
  oneLook?: boolean;
  keep?: (caseIndex: number) => boolean;
  /**
   * `--sequential`: this is look `look` (1-based) of a run looking at these shares of its cases;
   * `decided`: the verdicts earlier looks reached (within or worse), kept as they were.
   */
  sequential?: { fractions: readonly number[]; look: number; decided: readonly Decision[] };
}

export interface DecisionSet {
  /** What the others are priced against: `--reference`, else the most expensive priced model. */
  reference: string | null;
  /** Every cheaper model against every model that costs more (or the reference), most expensive first. */
  comparisons: Decision[];
  excluded: Array<{ model: string; reason: string }>;
  recommended: string | null;
  /** One-sided error each candidate's verdict was tested at (α/K, less at a first look). */
  alpha: number;
}

export function verdictOf(low: number, high: number, margin: number): Verdict {
  if (low > -margin) return 'within';
  if (high < -margin) return 'worse';
  return 'inconclusive';
}

/** How an inconclusive verdict ends its sentence: what more cases would do, by the kind of look. */
type Look = { kind: 'first' } | { kind: 'follow-up' } | { kind: 'sequential'; look: number; of: number };

function sentence(d: Omit<Decision, 'sentence'>, tolerancePp: number, look: Look): string {
  const stats = `Δ ${ppDelta(d.delta)}, ${ppInterval(d.interval.low, d.interval.high, d.interval.level)}`;
  const answered =
    d.answeredOnly === undefined
      ? ''
      : `; failed calls counted as wrong — over the ${d.answeredOnly.n.toLocaleString('en-US')} cases both answered, Δ ${ppDelta(d.answeredOnly.delta)}`;
  const at = look.kind === 'sequential' ? `, at look ${look.look} of ${look.of}` : '';
  if (d.verdict === 'within') {
    return `${d.model} is within ${tolerancePp} pp of ${d.reference} (${stats}${answered}${at})${d.saving !== null && d.saving > 0 ? ` and costs ${Math.round(d.saving * 100)} % less` : ''}`;
  }
  if (d.verdict === 'worse') return `${d.model} is worse than ${d.reference} by more than ${tolerancePp} pp (${stats}${answered}${at})`;
  const open = `${d.model} vs ${d.reference} is inconclusive (${stats}${answered}${at}): `;
  if (look.kind === 'follow-up')
    return `${open}this follow-up look spent the rest of the error budget, so adding more cases cannot settle it without raising the error`;
  if (look.kind === 'sequential')
    return look.look < look.of
      ? `${open}the run stopped before its last look`
      : `${open}the sequential run spent its error budget over its looks, so adding more cases cannot settle it without raising the error`;
  return (
    open +
    (d.moreCases !== null
      ? `about ${d.moreCases.toLocaleString('en-US')} more cases would settle it`
      : 'it looks worse than the margin; more cases would likely confirm that')
  );
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
  if (reference === undefined)
    return { reference: null, comparisons: [], excluded, recommended: null, alpha: firstLookAlpha(candidateAlpha(options.level, 1)) };

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
  // Each candidate's share of the error, α / K, and what this look may spend of it.
  const share = candidateAlpha(options.level, candidates.length);
  const pilot = options.pilotCases;
  const sequential = options.sequential;
  const alpha =
    sequential !== undefined
      ? sequentialAlpha(share, sequential.fractions, sequential.look)
      : options.oneLook === true
        ? share
        : pilot === undefined
          ? firstLookAlpha(share)
          : secondLookAlpha(share, Math.min(pilot / matrix.cases, 1 - 1e-9));
  const comparisons: Decision[] = [];
  let recommended = reference.model;
  const cost = (model: string): number => measured.find((x) => x.model === model)?.costPerCase ?? Infinity;
  candidates.forEach((c, i) => {
    const mine = column(c.model);
    const verdicts: Verdict[] = [];
    for (const pricier of above(c, i)) {
      const theirs = column(pricier.model);
      if (!mine || !theirs) continue;
      const decision =
        sequential?.decided.find((d) => d.model === c.model && d.reference === pricier.model && d.verdict !== 'inconclusive') ??
        pairDecision(c, pricier, mine, theirs, matrix, { ...options, level: 1 - 2 * alpha }, margin, share);
      comparisons.push(decision);
      verdicts.push(decision.verdict);
    }
    // A model at the same price as the one recommended so far would save nothing.
    if (verdicts.length > 0 && verdicts.every((v) => v === 'within') && c.costPerCase! < cost(recommended)) recommended = c.model;
  });
  return { reference: reference.model, comparisons, excluded, recommended, alpha };
}

/** `share`: the candidate's α for both looks; the follow-up "more cases" advises is sized for the second. */
function pairDecision(
  c: Contender,
  pricier: Contender,
  mine: ModelColumn,
  theirs: ModelColumn,
  matrix: ScoreMatrix,
  options: DecideOptions,
  margin: number,
  share: number,
): Decision {
  const base = { level: options.level, ...(options.keep && { keep: options.keep }) };
  const comparison = compare(mine, theirs, matrix, base);
  const verdict = verdictOf(comparison.interval.low, comparison.interval.high, margin);
  const followUp = options.pilotCases !== undefined;
  const sequential = options.sequential;
  const look: Look =
    sequential !== undefined
      ? { kind: 'sequential', look: sequential.look, of: sequential.fractions.length }
      : followUp
        ? { kind: 'follow-up' }
        : { kind: 'first' };
  const needed =
    verdict !== 'inconclusive' || look.kind !== 'first'
      ? Infinity
      : options.oneLook === true
        ? casesNeeded(comparison, margin, options.level)
        : followUpCases(comparison.n, share, (alpha) => casesNeeded(comparison, margin, 1 - 2 * alpha));
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
    ...(sequential !== undefined && { look: sequential.look }),
  };
  return { ...partial, sentence: sentence(partial, options.tolerancePp, look) };
}

/**
 * `--sequential`: no later look can change the recommendation. A verdict once reached is kept, so
 * the model recommended stays shown within tolerance (or is the reference), and only a cheaper
 * candidate could still take its place: settled when each of them is shown worse than some model
 * that costs more.
 */
export function settled(comparisons: readonly Decision[], recommended: string | null): boolean {
  if (recommended === null) return true;
  const cost = comparisons.find((d) => d.model === recommended)?.costPerCase ?? Infinity;
  const cheaper = new Set(comparisons.filter((d) => d.costPerCase < cost).map((d) => d.model));
  return [...cheaper].every((model) => comparisons.some((d) => d.model === model && d.verdict === 'worse'));
}
