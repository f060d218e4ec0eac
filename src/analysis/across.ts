// One model in two reports (before and after a change), paired on the cases both ran. Pure.
import type { Comparison, Report } from '../types.js';
import { compare } from './compare.js';
import type { ModelColumn } from './matrix.js';

/** Per-case mean scores of one model in a report, keyed by case id and expected answer. */
function scoresByCase(report: Report, model: string): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const r of report.results) {
    if (r.model !== model || r.score === null) continue;
    const c = report.cases[r.caseIndex];
    if (!c) continue;
    const key = `${c.id}\u0000${c.expected}`;
    const acc = sums.get(key) ?? [0, 0];
    acc[0] += r.score;
    acc[1] += 1;
    sums.set(key, acc);
  }
  return new Map([...sums].map(([k, [s, n]]) => [k, s / n]));
}

/** Δ = after − before; null when the model answered nothing in `before`. */
export function compareAcross(before: Report, after: Report, model: string, level: number): Comparison | null {
  const then = scoresByCase(before, model);
  if (then.size === 0) return null;
  const now = scoresByCase(after, model);
  const keys = [...now.keys()].filter((k) => then.has(k));
  const column = (name: string, from: Map<string, number>): ModelColumn => ({ model: name, scores: Float64Array.from(keys, (k) => from.get(k) ?? NaN), costs: new Float64Array(keys.length) });
  const a = column(model, now);
  const b = column(`${model} (before)`, then);
  return compare(a, b, { cases: keys.length, columns: [a, b], binary: false }, { level });
}
