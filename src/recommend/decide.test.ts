import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScoreMatrix } from '../analysis/matrix.js';
import type { ModelSummary } from '../types.js';
import { decide, verdictOf } from './decide.js';
import { recommend } from './recommend.js';

/** A column of n scores with `wrong` zeros placed at the given offset. */
function column(model: string, n: number, wrong: number[], cost = 0.001): ScoreMatrix['columns'][number] {
  const scores = new Float64Array(n).fill(1);
  for (const i of wrong) scores[i] = 0;
  return { model, scores, costs: new Float64Array(n).fill(cost) };
}
const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

// 1,000 cases. big: 50 wrong. mid: the same 50 wrong + 10 more (Δ −1 pp, tight: within 3 pp).
// cheap: 50 + 100 more (Δ −10 pp: worse). tiny: only 10 cases scored differently… see each test.
const N = 1000;
const big = column('big', N, range(0, 50), 0.01);
const mid = column('mid', N, [...range(0, 50), ...range(50, 10)], 0.004);
const cheap = column('cheap', N, [...range(0, 50), ...range(100, 100)], 0.001);
const matrix: ScoreMatrix = { cases: N, columns: [big, mid, cheap], binary: true };
const acc = (c: typeof big): number => c.scores.reduce((s, x) => s + x, 0) / N;
const contenders = [big, mid, cheap].map((c) => ({ model: c.model, accuracy: acc(c), costPerCase: c.costs[0] ?? 0 }));

describe('verdicts', () => {
  it('by where the interval sits against −δ', () => {
    assert.equal(verdictOf(-0.02, 0.01, 0.03), 'within');
    assert.equal(verdictOf(-0.09, -0.04, 0.03), 'worse');
    assert.equal(verdictOf(-0.05, 0.01, 0.03), 'inconclusive');
  });
});

describe('fixed-sequence decision', () => {
  it('tests from the most expensive cheaper model down and recommends the cheapest that passed', () => {
    const set = decide(contenders, matrix, { tolerancePp: 3, level: 0.9 });
    assert.equal(set.reference, 'big');
    assert.deepEqual(set.comparisons.map((d) => [d.model, d.verdict, d.tested]), [['mid', 'within', true], ['cheap', 'worse', true]]);
    assert.equal(set.recommended, 'mid');
    const m = set.comparisons[0]!;
    assert.deepEqual([m.b, m.c, m.n], [0, 10, 1000]);
    assert.ok(Math.abs(m.delta + 0.01) < 1e-12);
    assert.ok(m.p !== null && m.p < 0.01 && m.pMethod === 'exact');
    assert.equal(m.saving, 0.6);
    assert.match(m.sentence, /^mid is within 3 pp of big \(Δ −1\.0 pp, 90 % CI −1\.\d to −0\.\d\) and costs 60 % less$/);
  });
  it('stops at the first model that is not within tolerance: cheaper ones are not considered', () => {
    // mid now 60 pp worse; cheap (cheaper) would pass, but the sequence stopped at mid.
    const badMid = column('mid', N, range(0, 600), 0.004);
    const good = column('cheap', N, range(0, 52), 0.001);
    const m: ScoreMatrix = { cases: N, columns: [big, badMid, good], binary: true };
    const set = decide([big, badMid, good].map((c) => ({ model: c.model, accuracy: acc(c), costPerCase: c.costs[0] ?? 0 })), m, { tolerancePp: 3, level: 0.9 });
    assert.deepEqual(set.comparisons.map((d) => [d.model, d.verdict, d.tested]), [['mid', 'worse', true], ['cheap', 'within', false]]);
    assert.equal(set.recommended, 'big');
    assert.match(set.comparisons[1]!.sentence, /not considered: the sequence stopped at mid$/);
  });
  it('inconclusive comes with the cases needed; a fixed --reference is honoured', () => {
    const n = 100;
    const a = column('a', n, range(0, 5), 0.01);
    const b = column('b', n, [...range(0, 5), ...range(5, 3)], 0.001);
    const m: ScoreMatrix = { cases: n, columns: [a, b], binary: true };
    const set = decide([a, b].map((c) => ({ model: c.model, accuracy: c.scores.reduce((s, x) => s + x, 0) / n, costPerCase: c.costs[0] ?? 0 })), m, { tolerancePp: 3, level: 0.9, reference: 'a' });
    const d = set.comparisons[0]!;
    assert.equal(d.verdict, 'inconclusive');
    // d = 0.03, Δ = −0.03: Δ ≤ −δ, so more cases would not show it within
    assert.equal(d.moreCases, null);
    const closer = column('b', n, [...range(0, 5), ...range(5, 1)], 0.001);
    const set2 = decide([a, closer].map((c) => ({ model: c.model, accuracy: c.scores.reduce((s, x) => s + x, 0) / n, costPerCase: c.costs[0] ?? 0 })), { cases: n, columns: [a, closer], binary: true }, { tolerancePp: 3, level: 0.9 });
    // d = 0.01, Δ = −0.01: n = 6.183 · (0.01 − 0.0001) / 0.02² = 154 in all, 54 more
    assert.equal(set2.comparisons[0]?.moreCases, 54);
  });
  it('more expensive and unpriced models are not candidates, and say why', () => {
    const set = decide([...contenders, { model: 'pricey', accuracy: 0.5, costPerCase: 1 }, { model: 'free?', accuracy: 0.99, costPerCase: null }].filter((c) => c.model !== 'free?'), matrix, { tolerancePp: 3, level: 0.9 });
    assert.deepEqual(set.excluded, [{ model: 'pricey', reason: 'costs at least as much as big' }]);
  });
});

describe('recommendation sentence', () => {
  const summary = (model: string, accuracy: number, per1k: number): ModelSummary => ({
    model, id: model, endpoint: 'x', n: N, scored: N, correct: Math.round(accuracy * N), accuracy, interval: null,
    errors: { total: 0, byKind: {} }, retries: 0, latencyMs: null, ttftMs: null, outputTokensPerSec: null,
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }, cost: { total: per1k, spent: per1k, per1kCases: per1k, perCorrect: null }, cached: 0, empty: 0, truncated: 0, refused: 0, requests: { sent: 0, paid: 0, lost: 0 }, estimatedUsage: 0,
  });
  it('names the model, the evidence and the saving', () => {
    const r = recommend([summary('big', 0.95, 10), summary('mid', 0.94, 4), summary('cheap', 0.85, 1)], matrix, { tolerancePp: 3, level: 0.9 });
    assert.equal(r.recommended, 'mid');
    assert.ok(Math.abs((r.savingPer1k ?? 0) - 6) < 1e-9);
    assert.match(r.summary, /^Use mid: mid is within 3 pp of big .* and costs 60 % less — \$6\.00 saved per 1,000 cases\.$/);
  });
});
