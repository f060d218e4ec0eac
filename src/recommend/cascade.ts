// Cascade simulation from results already collected (statistics.md): the cheap model answers,
// and the case goes on to the big model when the cheap one's confidence is below τ. Sweep τ,
// report the cost–accuracy curve, the cheapest τ within tolerance of the big model (paired), and
// the oracle bound. Pure.
import { compare } from '../analysis/compare.js';
import type { ScoreMatrix } from '../analysis/matrix.js';
import type { CascadePoint, CascadeResult } from '../types.js';
import { verdictOf } from './decide.js';

export interface CascadeInput {
  cheap: string;
  big: string;
  /** Per case: the cheap model's (first) score, the big model's score, their costs, the confidence. NaN = missing. */
  cheapScores: Float64Array;
  bigScores: Float64Array;
  cheapCosts: Float64Array;
  bigCosts: Float64Array;
  confidence: Float64Array;
  source: string;
  clusters?: Int32Array;
}

export interface CascadeOptions {
  tolerancePp: number;
  level: number;
  /** Points shown (the best is added). */
  display?: number;
}

export function simulateCascade(input: CascadeInput, options: CascadeOptions): CascadeResult {
  const idx: number[] = [];
  for (let i = 0; i < input.confidence.length; i++) {
    if ([input.cheapScores[i], input.bigScores[i], input.confidence[i]].every((v) => v !== undefined && !Number.isNaN(v))) idx.push(i);
  }
  const n = idx.length;
  const cost0 = (i: number): number => (Number.isNaN(input.cheapCosts[i]!) ? 0 : input.cheapCosts[i]!);
  const cost1 = (i: number): number => (Number.isNaN(input.bigCosts[i]!) ? 0 : input.bigCosts[i]!);
  const mean = (f: (i: number) => number): number => (n === 0 ? NaN : idx.reduce((s, i) => s + f(i), 0) / n);
  const margin = options.tolerancePp / 100;
  const binary = idx.every((i) => [input.cheapScores[i], input.bigScores[i]].every((v) => v === 0 || v === 1));

  // Lowest confidence first: escalating the first k cases of this order is threshold order[k].
  const order = [...idx].sort((a, b) => input.confidence[a]! - input.confidence[b]!);
  const thresholds: number[] = [];
  for (let k = 0; k <= n; k++) {
    // A threshold sits where the confidence changes; ties escalate together.
    if (k === 0 || k === n || input.confidence[order[k]!]! !== input.confidence[order[k - 1]!]!) thresholds.push(k);
  }
  const grid = thinned(thresholds, 200);

  const bigColumn = { model: input.big, scores: input.bigScores, costs: input.bigCosts };
  const matrix: ScoreMatrix = { cases: input.confidence.length, columns: [], binary, ...(input.clusters && { clusters: input.clusters }) };
  const keep = new Uint8Array(input.confidence.length);
  for (const i of idx) keep[i] = 1;
  const point = (k: number): CascadePoint => {
    const escalate = new Uint8Array(input.confidence.length);
    for (let j = 0; j < k; j++) escalate[order[j]!] = 1;
    const scores = Float64Array.from(input.cheapScores, (s, i) => (escalate[i] ? input.bigScores[i]! : s));
    const c = compare({ model: 'cascade', scores, costs: input.cheapCosts }, bigColumn, matrix, { level: options.level, keep: (i) => keep[i] === 1 });
    return {
      threshold: k === n ? Infinity : input.confidence[order[k]!]!,
      escalated: n === 0 ? 0 : k / n,
      accuracy: mean((i) => scores[i]!),
      costPerCase: mean((i) => cost0(i) + (escalate[i] ? cost1(i) : 0)),
      delta: c.delta,
      low: c.interval.low,
      high: c.interval.high,
      verdict: verdictOf(c.interval.low, c.interval.high, margin),
    };
  };

  // Cost grows with escalation, so the first point within tolerance is the cheapest one; past the
  // cost of the big model alone, a cascade no longer saves anything.
  const bigOnly = { accuracy: mean((i) => input.bigScores[i]!), costPerCase: mean((i) => cost1(i)) };
  let best: CascadePoint | null = null;
  for (const k of grid) {
    const p = point(k);
    if (p.costPerCase >= bigOnly.costPerCase) break;
    if (p.verdict === 'within') {
      best = p;
      break;
    }
  }
  const shown = thinned(grid, options.display ?? 8).map(point);
  if (best && !shown.some((p) => p.threshold === best!.threshold)) shown.push(best);
  shown.sort((a, b) => a.escalated - b.escalated);

  const wrong = (i: number): boolean => input.cheapScores[i]! < 1;
  return {
    cheap: input.cheap,
    big: input.big,
    source: input.source,
    n,
    points: shown,
    best,
    oracle: {
      accuracy: mean((i) => (wrong(i) ? Math.max(input.cheapScores[i]!, input.bigScores[i]!) : input.cheapScores[i]!)),
      costPerCase: mean((i) => cost0(i) + (wrong(i) ? cost1(i) : 0)),
      escalated: mean((i) => (wrong(i) ? 1 : 0)),
    },
    cheapOnly: { accuracy: mean((i) => input.cheapScores[i]!), costPerCase: mean(cost0) },
    bigOnly,
    saving: best && bigOnly.costPerCase > 0 ? 1 - best.costPerCase / bigOnly.costPerCase : null,
  };
}

/** At most `count` items, evenly spread, always keeping the first and the last. */
function thinned<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const out: T[] = [];
  for (let j = 0; j < count; j++) out.push(items[Math.round((j * (items.length - 1)) / (count - 1))]!);
  return [...new Set(out)];
}
