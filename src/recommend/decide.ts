// "Cheap is good enough" as a non-inferiority decision (statistics.md): every cheaper model
// against the reference, tested in a fixed sequence from most to least expensive, stopping at the
// first that is not within tolerance; the cheapest that passed is recommended. Pure.
import { casesNeeded, compare } from '../analysis/compare.js';
import type { ScoreMatrix } from '../analysis/matrix.js';
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
  /** Fixed reference (`--reference`); default: the most accurate. */
  reference?: string;
  /** Two-sided level of the intervals; 0.9 makes the one-sided test α = 5 %. */
  level: number;
  keep?: (caseIndex: number) => boolean;
}

export interface DecisionSet {
  reference: string | null;
  comparisons: Decision[];
  excluded: Array<{ model: string; reason: string }>;
  recommended: string | null;
}


export function verdictOf(low: number, high: number, margin: number): Verdict {
  if (low > -margin) return 'within';
  if (high < -margin) return 'worse';
  return 'inconclusive';
}

function sentence(d: Omit<Decision, 'sentence'>, tolerancePp: number, stoppedAt: string | undefined): string {
  const stats = `Δ ${ppDelta(d.delta)}, ${ppInterval(d.interval.low, d.interval.high, d.interval.level)}`;
  let s: string;
  if (d.verdict === 'within') {
    s = `${d.model} is within ${tolerancePp} pp of ${d.reference} (${stats})${d.saving !== null && d.saving > 0 ? ` and costs ${Math.round(d.saving * 100)} % less` : ''}`;
  } else if (d.verdict === 'worse') {
    s = `${d.model} is worse than ${d.reference} by more than ${tolerancePp} pp (${stats})`;
  } else {
    s = `${d.model} vs ${d.reference} is inconclusive (${stats}): ` +
      (d.moreCases !== null ? `about ${d.moreCases.toLocaleString('en-US')} more cases would settle it` : 'it looks worse than the margin; more cases would likely confirm that');
  }
  return stoppedAt !== undefined ? `${s} — not considered: the sequence stopped at ${stoppedAt}` : s;
}

export function decide(contenders: readonly Contender[], matrix: ScoreMatrix, options: DecideOptions): DecisionSet {
  const margin = options.tolerancePp / 100;
  const measured = contenders.filter((c) => c.accuracy !== null && !Number.isNaN(c.accuracy));
  const excluded: DecisionSet['excluded'] = contenders.filter((c) => !measured.includes(c)).map((c) => ({ model: c.model, reason: 'answered no case' }));
  const cost = (c: Contender): number => c.costPerCase ?? Infinity;
  const reference = options.reference !== undefined
    ? measured.find((c) => c.model === options.reference)
    : [...measured].sort((a, b) => (b.accuracy ?? 0) - (a.accuracy ?? 0) || cost(a) - cost(b))[0];
  if (reference === undefined) return { reference: null, comparisons: [], excluded, recommended: null };

  const refColumn = matrix.columns.find((c) => c.model === reference.model);
  const candidates: Contender[] = [];
  for (const c of measured) {
    if (c === reference) continue;
    if (c.costPerCase === null) excluded.push({ model: c.model, reason: 'no price' });
    else if (reference.costPerCase !== null && c.costPerCase >= reference.costPerCase) excluded.push({ model: c.model, reason: `costs at least as much as ${reference.model}` });
    else candidates.push(c);
  }
  candidates.sort((a, b) => cost(b) - cost(a));

  const comparisons: Decision[] = [];
  let stoppedAt: string | undefined;
  let recommended = reference.model;
  for (const c of candidates) {
    const column = matrix.columns.find((x) => x.model === c.model);
    if (!column || !refColumn) continue;
    const comparison = compare(column, refColumn, matrix, { level: options.level, ...(options.keep && { keep: options.keep }) });
    const verdict = verdictOf(comparison.interval.low, comparison.interval.high, margin);
    const needed = verdict === 'inconclusive' ? casesNeeded(comparison, margin, options.level) : Infinity;
    const tested = stoppedAt === undefined;
    const partial: Omit<Decision, 'sentence'> = {
      ...comparison,
      verdict,
      tested,
      moreCases: verdict === 'inconclusive' && Number.isFinite(needed) ? Math.max(1, needed - comparison.n) : null,
      costPerCase: c.costPerCase ?? 0,
      saving: reference.costPerCase === null || reference.costPerCase === 0 ? null : 1 - (c.costPerCase ?? 0) / reference.costPerCase,
    };
    comparisons.push({ ...partial, sentence: sentence(partial, options.tolerancePp, tested ? undefined : stoppedAt) });
    if (!tested) continue;
    if (verdict === 'within') recommended = c.model;
    else stoppedAt = c.model;
  }
  return { reference: reference.model, comparisons, excluded, recommended };
}
