// Per-case scores and costs of every model, aligned by case: what paired comparisons need. Pure.
import type { CaseResult } from '../types.js';

export interface ModelColumn {
  model: string;
  /** Mean score over the model's answered samples of each case; NaN where none was answered. */
  scores: Float64Array;
  /** USD per call on each case (the mean over its samples): what production pays; NaN where unpriced or never answered. */
  costs: Float64Array;
}

export interface ScoreMatrix {
  cases: number;
  columns: ModelColumn[];
  /** Every defined score of every model is 0 or 1. (compare() also checks each pair on its own.) */
  binary: boolean;
  /** Cluster index of each case (cases sharing a source), when the data has a cluster column. */
  clusters?: Int32Array;
}

export function buildMatrix(cases: number, results: ReadonlyArray<{ model: string; results: readonly CaseResult[]; priced: boolean }>, clusters?: Int32Array): ScoreMatrix {
  let binary = true;
  const columns = results.map(({ model, results: rs, priced }) => {
    // Sums first, then, in place, the means: the fewest arrays at the run's peak memory.
    const scores = new Float64Array(cases);
    const count = new Uint32Array(cases);
    const costs = new Float64Array(cases);
    const calls = new Uint32Array(cases);
    for (const r of rs) {
      const cost = r.cost;
      if (cost !== null && priced) {
        costs[r.caseIndex]! += cost;
        calls[r.caseIndex]! += 1;
      }
      const score = r.score;
      if (score === null) continue;
      scores[r.caseIndex]! += score;
      count[r.caseIndex]! += 1;
    }
    for (let i = 0; i < cases; i++) {
      const n = count[i] ?? 0;
      const s = n === 0 ? NaN : (scores[i] ?? 0) / n;
      scores[i] = s;
      if (n > 0 && s !== 0 && s !== 1) binary = false;
      costs[i] = calls[i] === 0 ? NaN : (costs[i] ?? 0) / calls[i]!;
    }
    return { model, scores, costs };
  });
  return { cases, columns, binary, ...(clusters && { clusters }) };
}

/** Indexes of the cases where both columns have a score (and, if given, that pass the filter). */
export function pairedCases(x: ModelColumn, y: ModelColumn, keep?: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.scores.length; i++) {
    if (!Number.isNaN(x.scores[i]!) && !Number.isNaN(y.scores[i]!) && (keep === undefined || keep(i))) out.push(i);
  }
  return out;
}

export function meanOver(values: Float64Array, indexes: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const i of indexes) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n === 0 ? NaN : s / n;
}
