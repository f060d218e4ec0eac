// Per-case scores and costs of every model, aligned by case: what paired comparisons need. Pure.
import { SETUP_FAILURES } from '../providers/failures.js';
import type { CaseResult } from '../types.js';

export interface ModelColumn {
  model: string;
  /**
   * Mean score over the model's samples of each case, a failed call counting 0 (production would
   * have had no answer either); NaN where the case was never asked, or only met a failure of the
   * setup (a bad key: it says nothing about the model).
   */
  scores: Float64Array;
  /** 1 where a failed call is among the case's samples; absent when the model had no failure. */
  failed?: Uint8Array;
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

export function buildMatrix(
  cases: number,
  results: ReadonlyArray<{ model: string; results: readonly CaseResult[]; priced: boolean }>,
  clusters?: Int32Array,
): ScoreMatrix {
  let binary = true;
  const columns = results.map(({ model, results: rs, priced }) => {
    // Sums first, then, in place, the means: the fewest arrays at the run's peak memory.
    const scores = new Float64Array(cases);
    const count = new Uint32Array(cases);
    const costs = new Float64Array(cases);
    const calls = new Uint32Array(cases);
    let failed: Uint8Array | undefined;
    for (const r of rs) {
      const cost = r.cost;
      if (cost !== null && priced) {
        costs[r.caseIndex]! += cost;
        calls[r.caseIndex]! += 1;
      }
      const score = r.score;
      if (score === null) {
        if (r.error === undefined || SETUP_FAILURES.has(r.error.kind) || r.error.kind === 'aborted') continue;
        failed ??= new Uint8Array(cases);
        failed[r.caseIndex] = 1;
        count[r.caseIndex]! += 1;
        continue;
      }
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
    return { model, scores, costs, ...(failed && { failed }) };
  });
  return { cases, columns, binary, ...(clusters && { clusters }) };
}

/**
 * Indexes of the cases where both columns have a score (and, if given, that pass the filter);
 * `answeredOnly` leaves out the cases where either had a failed call.
 */
export function pairedCases(x: ModelColumn, y: ModelColumn, keep?: (i: number) => boolean, answeredOnly = false): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.scores.length; i++) {
    if (Number.isNaN(x.scores[i]!) || Number.isNaN(y.scores[i]!) || (keep !== undefined && !keep(i))) continue;
    if (answeredOnly && (x.failed?.[i] === 1 || y.failed?.[i] === 1)) continue;
    out.push(i);
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
