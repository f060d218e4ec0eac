// One model in two reports (before and after a change), paired on the cases both ran. Cases pair
// by their id when both runs had an id column; otherwise by what was sent (the rendered prompt and
// system prompt): without ids a case's id is its row number, and row 7 of one file is not row 7 of
// another. The expected answer is part of the key either way: a relabelled case is another case. Pure.
import type { CaseRecord, Comparison, Report } from '../types.js';
import { compare } from './compare.js';
import type { ModelColumn } from './matrix.js';

export interface Across {
  /** Δ = after − before over the shared cases; null when there are none. */
  comparison: Comparison | null;
  /** How the cases were paired. */
  pairedBy: 'id' | 'input';
  /** Cases with a score in each report, and in both. */
  before: number;
  after: number;
  shared: number;
}

/** A case's pairing key; `system`: the run's system prompt when it is the same for every case. */
function caseKey(c: CaseRecord, system: string | undefined, byId: boolean): string {
  return byId ? `${c.id}\u0000${c.expected}` : `${c.system ?? system ?? ''}\u0000${c.prompt}\u0000${c.expected}`;
}

function keyOf(report: Report, byId: boolean): (caseIndex: number) => string | undefined {
  return (i) => {
    const c = report.cases[i];
    return c && caseKey(c, report.settings.system, byId);
  };
}

/**
 * The pilot's cases this run does not have as they were (`run --follow-up`): a follow-up asks the
 * pilot's question again, so a case must match in what was sent and expected — and in its id,
 * when both runs have ids — unlike a gate's baseline, which pairs by id across a prompt change.
 */
export function missingPilotCases(pilot: Report, cases: readonly CaseRecord[], system: string | undefined, idColumn: string | undefined): CaseRecord[] {
  const byId = pilot.dataset.idColumn !== undefined && idColumn !== undefined;
  const key = (c: CaseRecord, runSystem: string | undefined): string => `${byId ? c.id : ''}\u0000${caseKey(c, runSystem, false)}`;
  const here = new Set(cases.map((c) => key(c, system)));
  return pilot.cases.filter((c) => !here.has(key(c, pilot.settings.system)));
}

/** Per-case mean scores of one model in a report, by pairing key. */
function scoresByCase(report: Report, model: string, key: (caseIndex: number) => string | undefined): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const r of report.results) {
    if (r.model !== model || r.score === null) continue;
    const k = key(r.caseIndex);
    if (k === undefined) continue;
    const acc = sums.get(k) ?? [0, 0];
    acc[0] += r.score;
    acc[1] += 1;
    sums.set(k, acc);
  }
  return new Map([...sums].map(([k, [s, n]]) => [k, s / n]));
}

/** `model` in `after` against `model` in `before`; null when `before` has no answer of it. */
export function compareAcross(before: Report, after: Report, model: string, level: number): Across | null {
  const byId = before.dataset.idColumn !== undefined && after.dataset.idColumn !== undefined;
  const then = scoresByCase(before, model, keyOf(before, byId));
  if (then.size === 0) return null;
  const now = scoresByCase(after, model, keyOf(after, byId));
  const keys = [...now.keys()].filter((k) => then.has(k));
  const base = { pairedBy: byId ? ('id' as const) : ('input' as const), before: then.size, after: now.size, shared: keys.length };
  if (keys.length === 0) return { ...base, comparison: null };
  const column = (name: string, from: Map<string, number>): ModelColumn => ({
    model: name,
    scores: Float64Array.from(keys, (k) => from.get(k) ?? NaN),
    costs: new Float64Array(keys.length),
  });
  const a = column(model, now);
  const b = column(`${model} (before)`, then);
  return { ...base, comparison: compare(a, b, { cases: keys.length, columns: [a, b], binary: false }, { level }) };
}
