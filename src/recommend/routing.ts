// The same decision per category: a routing table (category → cheapest adequate model), its blended
// accuracy and cost, and the saving against sending everything to the reference. Pure.
import { type ScoreMatrix, meanOver } from '../analysis/matrix.js';
import type { RouteRow, RoutingTable } from '../types.js';
import { decide } from './decide.js';

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
    else groups.set(c, [...(groups.get(c) ?? []), i]);
  });
  const rows: RouteRow[] = [];
  for (const [category, idx] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const inCategory = new Uint8Array(matrix.cases);
    for (const i of idx) inCategory[i] = 1;
    const contenders = matrix.columns.map((col) => {
      const accuracy = meanOver(col.scores, idx);
      const cost = meanOver(col.costs, idx);
      return { model: col.model, accuracy: Number.isNaN(accuracy) ? null : accuracy, costPerCase: Number.isNaN(cost) ? null : cost };
    });
    const set = decide(contenders, matrix, {
      tolerancePp: options.tolerancePp, level: options.level, keep: (i) => inCategory[i] === 1,
      ...(options.reference !== undefined && { reference: options.reference }),
    });
    if (set.reference === null || set.recommended === null) continue;
    const chosen = contenders.find((c) => c.model === set.recommended);
    rows.push({
      category, n: idx.length, reference: set.reference, chosen: set.recommended, chosenId: options.ids[set.recommended] ?? set.recommended,
      accuracy: chosen?.accuracy ?? NaN, costPerCase: chosen?.costPerCase ?? NaN, decisions: set.comparisons,
    });
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
    saving: Number.isFinite(baseline.costPerCase) && baseline.costPerCase > 0 && Number.isFinite(blended.costPerCase) ? 1 - blended.costPerCase / baseline.costPerCase : null,
    unassigned,
  };
}
