// The same decision per category: a routing table (category → cheapest adequate model), its blended
// accuracy and cost, and the saving against sending everything to the reference. Several
// categories are several claims: with 20 categories of 100 cases, some category was misrouted in
// 58 % of runs. So the claims "this category can go to a cheaper model" are held to the error
// across all of them (Holm), and a category too small to decide keeps the safe default. Pure.
import { compare } from '../analysis/compare.js';
import { meanOver, type ScoreMatrix } from '../analysis/matrix.js';
import type { Decision, RouteRow, RoutingTable } from '../types.js';
import { decide } from './decide.js';

/** Below this many cases a category keeps the safe default: its interval could not show much. */
const MIN_CATEGORY_CASES = 50;

export interface RoutingOptions {
  column: string;
  tolerancePp: number;
  level: number;
  reference?: string;
  /** The overall reference, for the baseline. */
  baseline: string;
  /** Model name → API id, for the exported map. */
  ids: Readonly<Record<string, string>>;
}

export function routingTable(matrix: ScoreMatrix, categories: ReadonlyArray<string | undefined>, options: RoutingOptions): RoutingTable {
  const groups = new Map<string, number[]>();
  let unassigned = 0;
  categories.forEach((c, i) => {
    if (c === undefined || c === '') unassigned++;
    // Pushed, not copied: a copy per case made 100,000 cases take 17.6 s.
    else if (groups.has(c)) groups.get(c)!.push(i);
    else groups.set(c, [i]);
  });
  const rows: RouteRow[] = [];
  const claims: Array<{ row: number; p: number }> = [];
  const contenders = (model: string, idx: readonly number[]): { accuracy: number; costPerCase: number } => {
    const col = matrix.columns.find((c) => c.model === model);
    return { accuracy: col ? meanOver(col.scores, idx) : NaN, costPerCase: col ? meanOver(col.costs, idx) : NaN };
  };
  for (const [category, idx] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const inCategory = new Uint8Array(matrix.cases);
    for (const i of idx) inCategory[i] = 1;
    const measured = matrix.columns.map((col) => {
      const { accuracy, costPerCase } = contenders(col.model, idx);
      return { model: col.model, accuracy: Number.isNaN(accuracy) ? null : accuracy, costPerCase: Number.isNaN(costPerCase) ? null : costPerCase };
    });
    const set = decide(measured, matrix, {
      // Held to the error across categories by Holm below, at the full α: no follow-up revisits a route.
      tolerancePp: options.tolerancePp,
      level: options.level,
      keep: (i) => inCategory[i] === 1,
      oneLook: true,
      ...(options.reference !== undefined && { reference: options.reference }),
    });
    if (set.reference === null || set.recommended === null) continue;
    const small = idx.length < MIN_CATEGORY_CASES && set.recommended !== set.reference;
    const route = small ? set.reference : set.recommended;
    const chosen = measured.find((c) => c.model === route);
    rows.push({
      category,
      n: idx.length,
      reference: set.reference,
      chosen: route,
      chosenId: options.ids[route] ?? route,
      accuracy: chosen?.accuracy ?? NaN,
      costPerCase: chosen?.costPerCase ?? NaN,
      decisions: set.comparisons,
      ...(small && { held: `${idx.length} cases, under the ${MIN_CATEGORY_CASES} a category needs: kept on ${set.reference}` }),
    });
    if (!small && route !== set.reference)
      claims.push({
        row: rows.length - 1,
        p: claimP(
          set.comparisons.filter((d) => d.model === route),
          matrix,
          inCategory,
          options,
        ),
      });
  }
  // Holm across the categories that would leave the reference: the smallest p first, each at
  // α / (claims left); from the first that fails, they all keep the reference.
  const alpha = (1 - options.level) / 2;
  claims.sort((a, b) => a.p - b.p);
  const stop = claims.findIndex((c, j) => c.p > alpha / (claims.length - j));
  for (const claim of stop === -1 ? [] : claims.slice(stop)) {
    const row = rows[claim.row]!;
    const reference = contenders(row.reference, groups.get(row.category) ?? []);
    rows[claim.row] = {
      ...row,
      chosen: row.reference,
      chosenId: options.ids[row.reference] ?? row.reference,
      accuracy: reference.accuracy,
      costPerCase: reference.costPerCase,
      held: `within tolerance here alone (p ${claim.p.toFixed(3)}), not across the ${claims.length} categories that would switch (Holm stopped at p ${claims[stop]!.p.toFixed(3)} > ${(alpha / (claims.length - stop)).toFixed(3)}): kept on ${row.reference}`,
    };
  }
  const total = rows.reduce((s, r) => s + r.n, 0);
  const blend = (f: (r: RouteRow) => number): number => (total === 0 ? NaN : rows.reduce((s, r) => s + r.n * f(r), 0) / total);
  const all = rows.flatMap((r) => groups.get(r.category) ?? []);
  const base = matrix.columns.find((c) => c.model === options.baseline);
  const baseline = { model: options.baseline, accuracy: base ? meanOver(base.scores, all) : NaN, costPerCase: base ? meanOver(base.costs, all) : NaN };
  const blended = { accuracy: blend((r) => r.accuracy), costPerCase: blend((r) => r.costPerCase) };
  return {
    column: options.column,
    rows,
    map: Object.fromEntries(rows.map((r) => [r.category, r.chosenId])),
    blended,
    baseline,
    saving:
      Number.isFinite(baseline.costPerCase) && baseline.costPerCase > 0 && Number.isFinite(blended.costPerCase)
        ? 1 - blended.costPerCase / baseline.costPerCase
        : null,
    unassigned,
  };
}

/**
 * The one-sided p-value of "within tolerance of every model that costs more" in one category: the
 * largest over the comparisons (an intersection–union claim), each the α at which the lower bound
 * of the interval sits exactly at −tolerance, found by bisection on the interval's level.
 */
function claimP(decisions: readonly Decision[], matrix: ScoreMatrix, inCategory: Uint8Array, options: RoutingOptions): number {
  const margin = options.tolerancePp / 100;
  let p = 0;
  for (const d of decisions) {
    const mine = matrix.columns.find((c) => c.model === d.model);
    const theirs = matrix.columns.find((c) => c.model === d.reference);
    if (!mine || !theirs) return 1;
    const lowAt = (alpha: number): number => compare(mine, theirs, matrix, { level: 1 - 2 * alpha, keep: (i) => inCategory[i] === 1 }).interval.low;
    if (lowAt(0.4999) <= -margin) return 1;
    let lo = 1e-9;
    let hi = 0.4999;
    if (lowAt(lo) > -margin) continue;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (lowAt(mid) > -margin) hi = mid;
      else lo = mid;
    }
    p = Math.max(p, hi);
  }
  return p;
}
