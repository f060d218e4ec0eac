import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secondLookAlpha, sequentialAlpha } from '../analysis/looks.js';
import type { ScoreMatrix } from '../analysis/matrix.js';
import { normalQuantile } from '../stats/intervals.js';
import type { Decision, ModelSummary, Verdict } from '../types.js';
import { decide, settled, verdictOf } from './decide.js';
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

/** Contenders of these columns, at their costs. */
const of = (cols: ReadonlyArray<ScoreMatrix['columns'][number]>, n: number): Array<{ model: string; accuracy: number; costPerCase: number }> =>
  cols.map((c) => ({ model: c.model, accuracy: c.scores.reduce((s, x) => s + x, 0) / n, costPerCase: c.costs[0] ?? 0 }));

/** Two columns over n cases from the cells of their 2×2 table (first right & second right, first only, second only, neither). */
function cells(
  first: string,
  second: string,
  [a, b, c, d]: [number, number, number, number],
  costs: [number, number],
): [ScoreMatrix['columns'][number], ScoreMatrix['columns'][number]] {
  const n = a + b + c + d;
  const x = column(first, n, [...range(a + b, c), ...range(a + b + c, d)], costs[0]);
  const y = column(second, n, [...range(a, b), ...range(a + b + c, d)], costs[1]);
  return [x, y];
}

describe('the cheapest model shown within tolerance of every model that costs more', () => {
  it('each cheaper model is tested against every pricier one; the cheapest that passed them all is recommended', () => {
    const set = decide(contenders, matrix, { tolerancePp: 3, level: 0.9 });
    assert.equal(set.reference, 'big');
    assert.deepEqual(
      set.comparisons.map((d) => [d.model, d.reference, d.verdict]),
      [
        ['mid', 'big', 'within'],
        ['cheap', 'big', 'worse'],
        ['cheap', 'mid', 'worse'],
      ],
    );
    assert.equal(set.recommended, 'mid');
    const m = set.comparisons[0]!;
    assert.deepEqual([m.b, m.c, m.n], [0, 10, 1000]);
    assert.ok(Math.abs(m.delta + 0.01) < 1e-12);
    assert.ok(m.p !== null && m.p < 0.01 && m.pMethod === 'exact');
    assert.equal(m.saving, 0.6);
    // Two candidates, each at α/2 = 2.5 %, of which a first look spends 4/5: one-sided 2 %, 96 % intervals.
    assert.equal(m.interval.level.toFixed(6), '0.960000');
    assert.match(m.sentence, /^mid is within 3 pp of big \(Δ −1\.0 pp, 96 % CI −1\.\d to −0\.\d\) and costs 60 % less$/);
  });

  it('the point-estimate winner is not the reference: 100 cases, cells (80, 9, 8, 3) recommend the pricier model, not haiku', () => {
    // The example: haiku 89 %, opus 88 %. Taking the most accurate as the reference made
    // haiku its own reference and recommended it with opus untested.
    const [haiku, opus] = cells('haiku', 'opus', [80, 9, 8, 3], [0.001, 0.015]);
    const set = decide(of([opus, haiku], 100), { cases: 100, columns: [opus, haiku], binary: true }, { tolerancePp: 3, level: 0.9 });
    assert.equal(set.recommended, 'opus');
    const d = set.comparisons[0]!;
    assert.equal(d.verdict, 'inconclusive');
    assert.equal(d.delta.toFixed(3), '0.010');
    // Newcombe's interval at the first look's 92 % (one-sided 4 %; −0.062 to +0.082 at 90 %).
    assert.deepEqual([d.interval.low.toFixed(3), d.interval.high.toFixed(3)], ['-0.067', '0.087']);
  });

  it('a pricier model that is inconclusive does not block a cheaper one that passed against every model', () => {
    // The fixed sequence stopped at mid (inconclusive against big) and recommended big; cheap is
    // within 3 pp of both.
    const n = 1000;
    const top = column('big', n, range(0, 50), 0.01);
    const noisy = column('mid', n, range(25, 80), 0.004);
    const good = column('cheap', n, range(0, 52), 0.001);
    const m: ScoreMatrix = { cases: n, columns: [top, noisy, good], binary: true };
    const set = decide(of([top, noisy, good], n), m, { tolerancePp: 3, level: 0.9 });
    assert.deepEqual(
      set.comparisons.map((d) => [d.model, d.reference, d.verdict]),
      [
        ['mid', 'big', 'inconclusive'],
        ['cheap', 'big', 'within'],
        ['cheap', 'mid', 'within'],
      ],
    );
    assert.equal(set.recommended, 'cheap');
  });

  it('equal prices: the model listed first counts as the pricier, and one at the same price is never recommended', () => {
    const n = 1000;
    const x = column('x', n, range(0, 50), 0.002);
    const y = column('y', n, range(0, 50), 0.002);
    const set = decide(of([x, y], n), { cases: n, columns: [x, y], binary: true }, { tolerancePp: 3, level: 0.9 });
    assert.deepEqual(
      set.comparisons.map((d) => [d.model, d.reference, d.verdict]),
      [['y', 'x', 'within']],
    );
    assert.equal(set.recommended, 'x');
    const swapped = decide(of([y, x], n), { cases: n, columns: [y, x], binary: true }, { tolerancePp: 3, level: 0.9 });
    assert.equal(swapped.reference, 'y');
  });

  it('inconclusive comes with the cases needed; a fixed --reference is the only model tested against', () => {
    const n = 100;
    const a = column('a', n, range(0, 5), 0.01);
    const b = column('b', n, [...range(0, 5), ...range(5, 3)], 0.001);
    const set = decide(of([a, b], n), { cases: n, columns: [a, b], binary: true }, { tolerancePp: 3, level: 0.9, reference: 'a' });
    const d = set.comparisons[0]!;
    assert.equal(d.verdict, 'inconclusive');
    // d = 0.03, Δ = −0.03: Δ ≤ −δ, so more cases would not show it within
    assert.equal(d.moreCases, null);
    const closer = column('b', n, [...range(0, 5), ...range(5, 1)], 0.001);
    const set2 = decide(of([a, closer], n), { cases: n, columns: [a, closer], binary: true }, { tolerancePp: 3, level: 0.9 });
    // d = 0.01, Δ = −0.01: a single look at 5 % would need (1.645 + 0.842)² · (0.01 − 0.0001) / 0.02²
    // = 154 in all; the advice is sized for the follow-up look, whose α shrinks as the pilot's share
    // does: 212 in all by the normal approximation, (2.083 + 0.842)² · 0.0099 / 0.02² = 211.7 at its
    // α of 1.86 %. But with so few discordant pairs Newcombe's interval is wider than the
    // approximation's: at 212 cases with these shares its lower bound is −3.6 pp, still
    // inconclusive. The advice is where the interval itself clears −3 pp: 324 in all.
    assert.equal(set2.comparisons[0]?.moreCases, 224);
    const fixed = decide(contenders, matrix, { tolerancePp: 3, level: 0.9, reference: 'mid' });
    assert.deepEqual(
      fixed.comparisons.map((x) => [x.model, x.reference]),
      [['cheap', 'mid']],
    );
    assert.deepEqual(fixed.excluded, [{ model: 'big', reason: 'costs at least as much as mid' }]);
  });

  it('unpriced models are not candidates, and say why', () => {
    const set = decide([...contenders, { model: 'free?', accuracy: 0.99, costPerCase: null }], matrix, { tolerancePp: 3, level: 0.9 });
    assert.deepEqual(set.excluded, [{ model: 'free?', reason: 'no price' }]);
    assert.equal(set.reference, 'big');
  });

  it("a failed call counts as a wrong answer: 500 cases, cells (410, 15, 40, 35), 25 of the cheap model's misses failures", () => {
    // Dropping the failed pairs made it look equal (Δ +0.0 pp, within); counted as wrong, Δ −5.0 pp.
    const [cheapCol, refCol] = cells('cheap', 'ref', [410, 15, 40, 35], [0.001, 0.01]);
    const failed = new Uint8Array(500);
    for (const i of range(425, 25)) failed[i] = 1; // the first 25 of the 40 cases only ref got right
    const withFailures = { ...cheapCol, failed };
    const set = decide(of([refCol, withFailures], 500), { cases: 500, columns: [refCol, withFailures], binary: true }, { tolerancePp: 3, level: 0.9 });
    const d = set.comparisons[0]!;
    assert.equal(d.delta.toFixed(3), '-0.050');
    assert.notEqual(d.verdict, 'within');
    assert.equal(set.recommended, 'ref');
    assert.deepEqual([d.answeredOnly?.n, d.answeredOnly?.delta], [475, 0]);
    assert.match(d.sentence, /failed calls counted as wrong — over the 475 cases both answered, Δ [+−]?0\.0 pp/);
  });
});

describe('more cases as a second look', () => {
  // 100 cases, d = 0.01, Δ = −0.01 at the pilot: inconclusive, 224 more advised (above).
  const n = 100;
  const a = column('a', n, range(0, 5), 0.01);
  const pilotB = column('b', n, [...range(0, 5), ...range(5, 1)], 0.001);
  it('a run is a first look: it tests at 4/5 of α and sizes the advice for the follow-up look', () => {
    const set = decide(of([a, pilotB], n), { cases: n, columns: [a, pilotB], binary: true }, { tolerancePp: 3, level: 0.9 });
    assert.equal(set.alpha.toFixed(6), '0.040000');
    assert.equal(set.comparisons[0]?.interval.level.toFixed(6), '0.920000');
    assert.equal(set.comparisons[0]?.moreCases, 224);
  });
  it("the follow-up is tested at the α the pilot left, for the pilot's share of the cases, and gives no further advice", () => {
    // A follow-up to 212 cases, the new ones alike (2 % discordant, Δ −1 pp).
    const total = 212;
    const x = column('a', total, [...range(0, 5), ...range(100, 10)], 0.01);
    const y = column('b', total, [...range(0, 5), ...range(5, 1), ...range(100, 10), ...range(150, 2)], 0.001);
    const matrix: ScoreMatrix = { cases: total, columns: [x, y], binary: true };
    const set = decide(of([x, y], total), matrix, { tolerancePp: 3, level: 0.9, pilotCases: n });
    assert.equal(set.alpha, secondLookAlpha(0.05, n / total));
    assert.ok(set.alpha > 0.0104 && set.alpha < 0.04, String(set.alpha));
    const d = set.comparisons[0]!;
    assert.equal(d.interval.level, 1 - 2 * set.alpha);
    // Still open on this data: then nothing more is advised.
    const unsure = decide(
      of([x, y], 150),
      { cases: 150, columns: [x, y].map((c) => ({ ...c, scores: c.scores.subarray(0, 150), costs: c.costs.subarray(0, 150) })), binary: true },
      { tolerancePp: 3, level: 0.9, pilotCases: n },
    );
    const open = unsure.comparisons[0]!;
    assert.equal(open.verdict, 'inconclusive');
    assert.equal(open.moreCases, null);
    assert.match(open.sentence, /this follow-up look spent the rest of the error budget, so adding more cases cannot settle it without raising the error$/);
  });
});

describe('recommendation sentence', () => {
  const summary = (model: string, accuracy: number, per1k: number): ModelSummary => ({
    model,
    id: model,
    endpoint: 'x',
    n: N,
    scored: N,
    correct: Math.round(accuracy * N),
    accuracy,
    interval: null,
    errors: { total: 0, byKind: {} },
    retries: 0,
    latencyMs: null,
    ttftMs: null,
    outputTokensPerSec: null,
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    cost: { total: per1k, spent: per1k, per1kCases: per1k, perCorrect: null },
    cached: 0,
    empty: 0,
    truncated: 0,
    refused: 0,
    requests: { sent: 0, paid: 0, lost: 0 },
    estimatedUsage: 0,
  });
  it('names the model, the evidence and the saving', () => {
    const r = recommend([summary('big', 0.95, 10), summary('mid', 0.94, 4), summary('cheap', 0.85, 1)], matrix, { tolerancePp: 3, level: 0.9 });
    assert.equal(r.recommended, 'mid');
    assert.ok(Math.abs((r.savingPer1k ?? 0) - 6) < 1e-9);
    assert.match(r.summary, /^Use mid: mid is within 3 pp of big .* and costs 60 % less — \$6\.00 saved per 1,000 cases\.$/);
  });
  it('names every pricier model it was tested against, and what would settle a cheaper one that passed only some', () => {
    const n = 1000;
    const top = column('big', n, range(0, 50), 0.01);
    const good = column('mid', n, range(50, 55), 0.004);
    const unsure = column('cheap', n, [...range(50, 55), ...range(200, 10)], 0.001);
    const m: ScoreMatrix = { cases: n, columns: [top, good, unsure], binary: true };
    const acc = (c: typeof top): number => 1 - c.scores.filter((x) => x === 0).length / n;
    const r = recommend([summary('big', acc(top), 10), summary('mid', acc(good), 4), summary('cheap', acc(unsure), 1)], m, { tolerancePp: 3, level: 0.9 });
    assert.equal(r.recommended, 'mid');
    assert.match(r.summary, /^Use mid: mid is within 3 pp of big \(Δ −0\.5 pp.*\)/);
    assert.match(r.summary, / cheap is within 3 pp of mid but is inconclusive against big \(about [\d,]+ more cases would settle it\)\.$/);
  });
});

describe('--sequential: verdicts at the looks, kept once reached', () => {
  const fractions = [0.25, 0.5, 0.75, 1];

  it("tests at the look's own level: the α/K the O'Brien–Fleming-type function leaves for it", () => {
    // Two candidates (K = 2): each gets one-sided 2.5 %, spent over the four looks.
    const set = decide(contenders, matrix, { tolerancePp: 3, level: 0.9, sequential: { fractions, look: 2, decided: [] } });
    assert.equal(set.alpha, sequentialAlpha(0.025, fractions, 2));
    // The published boundary at the second of four looks, one-sided 2.5 %: z = 2.9631.
    assert.equal(normalQuantile(1 - set.alpha).toFixed(4), '2.9631');
    for (const d of set.comparisons) {
      assert.equal(d.interval.level, 1 - 2 * set.alpha);
      assert.equal(d.look, 2);
      assert.equal(d.moreCases, null, 'a sequential run advises no more cases');
    }
  });

  it('keeps a verdict an earlier look reached, even when this look alone would not reach it', () => {
    const reached = decide(contenders, matrix, { tolerancePp: 3, level: 0.9, sequential: { fractions, look: 1, decided: [] } }).comparisons;
    const earlier = reached.map((d) => (d.model === 'mid' ? { ...d, verdict: 'within' as const, look: 1 } : d));
    // A look at which mid is far worse: the verdict from look 1 stands (a crossing at any look counts).
    const worse = column('mid', N, range(0, 300), 0.004);
    const later = decide(
      contenders,
      { ...matrix, columns: [big, worse, cheap] },
      { tolerancePp: 3, level: 0.9, sequential: { fractions, look: 2, decided: earlier } },
    );
    const mine = later.comparisons.find((d) => d.model === 'mid');
    assert.equal(mine?.verdict, 'within');
    assert.equal(mine?.look, 1);
    assert.equal(later.recommended, 'mid');
  });

  it('is settled when the model recommended cannot be displaced: every cheaper one is shown worse than some pricier model', () => {
    const d = (model: string, reference: string, verdict: Verdict, costPerCase: number): Decision => ({ model, reference, verdict, costPerCase }) as Decision;
    // mid within big; cheap worse than big: nothing cheaper than mid can pass.
    assert.equal(settled([d('mid', 'big', 'within', 0.004), d('cheap', 'big', 'worse', 0.001), d('cheap', 'mid', 'inconclusive', 0.001)], 'mid'), true);
    // cheap still open against both: it could pass at a later look.
    assert.equal(settled([d('mid', 'big', 'within', 0.004), d('cheap', 'big', 'inconclusive', 0.001), d('cheap', 'mid', 'within', 0.001)], 'mid'), false);
    // The reference recommended: every candidate must be shown worse.
    assert.equal(settled([d('mid', 'big', 'worse', 0.004), d('cheap', 'big', 'worse', 0.001)], 'big'), true);
    assert.equal(settled([d('mid', 'big', 'inconclusive', 0.004), d('cheap', 'big', 'worse', 0.001)], 'big'), false);
    // A pricier candidate still open does not matter once a cheaper one passed.
    assert.equal(settled([d('mid', 'big', 'inconclusive', 0.004), d('cheap', 'big', 'within', 0.001), d('cheap', 'mid', 'within', 0.001)], 'cheap'), true);
  });
});
