import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScoreMatrix } from '../analysis/matrix.js';
import { routingTable } from './routing.js';

describe('routing table', () => {
  // 800 cases: 400 "billing" (cheap nearly as good as big), 400 "technical" (cheap much worse).
  const N = 800;
  const categories = Array.from({ length: N }, (_, i) => (i < 400 ? 'billing' : 'technical'));
  const big = new Float64Array(N).fill(1);
  const cheap = new Float64Array(N).fill(1);
  for (let i = 0; i < 20; i++) big[i] = cheap[i] = 0; // both miss 20 billing cases
  for (let i = 400; i < 420; i++) big[i] = cheap[i] = 0; // both miss 20 technical cases
  for (let i = 20; i < 25; i++) cheap[i] = 0; // cheap misses 5 more billing cases (Δ −1.25 pp)
  for (let i = 420; i < 500; i++) cheap[i] = 0; // and 80 more technical ones (Δ −20 pp)
  const matrix: ScoreMatrix = {
    cases: N,
    binary: true,
    columns: [
      { model: 'big', scores: big, costs: new Float64Array(N).fill(0.01) },
      { model: 'cheap', scores: cheap, costs: new Float64Array(N).fill(0.002) },
    ],
  };
  const table = routingTable(matrix, categories, { column: 'category', tolerancePp: 3, level: 0.9, baseline: 'big', ids: { big: 'big-1', cheap: 'cheap-1' } });

  it('routes each category to its cheapest adequate model', () => {
    assert.deepEqual(
      table.rows.map((r) => [r.category, r.n, r.reference, r.chosen, r.decisions[0]?.verdict]),
      [
        ['billing', 400, 'big', 'cheap', 'within'],
        ['technical', 400, 'big', 'big', 'worse'],
      ],
    );
    assert.deepEqual(table.map, { billing: 'cheap-1', technical: 'big-1' });
  });
  it('blends accuracy and cost by category size, against everything on the reference', () => {
    // billing: cheap 0.9375 at 0.002; technical: big 0.95 at 0.01
    assert.ok(Math.abs(table.blended.accuracy - 0.94375) < 1e-12);
    assert.ok(Math.abs(table.blended.costPerCase - 0.006) < 1e-12);
    assert.equal(table.baseline.model, 'big');
    assert.ok(Math.abs(table.baseline.accuracy - 0.95) < 1e-12 && Math.abs(table.baseline.costPerCase - 0.01) < 1e-12);
    assert.ok(Math.abs((table.saving ?? 0) - 0.4) < 1e-12);
  });
  it('counts cases with no category apart', () => {
    const t = routingTable(
      matrix,
      categories.map((c, i) => (i % 100 === 0 ? undefined : c)),
      { column: 'x', tolerancePp: 3, level: 0.9, baseline: 'big', ids: {} },
    );
    assert.equal(t.unassigned, 8);
    assert.equal(
      t.rows.reduce((s, r) => s + r.n, 0),
      792,
    );
  });
  it('a category under 50 cases keeps the safe default, and says why', () => {
    const tiny = Array.from({ length: N }, (_, i) => (i < 40 ? 'tiny' : i < 400 ? 'billing' : 'technical'));
    const clean = Float64Array.from(big, () => 1);
    const m: ScoreMatrix = {
      cases: N,
      binary: true,
      columns: [
        { model: 'big', scores: clean, costs: new Float64Array(N).fill(0.01) },
        { model: 'cheap', scores: Float64Array.from(clean), costs: new Float64Array(N).fill(0.002) },
      ],
    };
    // A 10 pp tolerance: 40 agreeing cases would pass alone.
    const t = routingTable(m, tiny, { column: 'category', tolerancePp: 10, level: 0.9, baseline: 'big', ids: {} });
    const row = t.rows.find((r) => r.category === 'tiny')!;
    assert.equal(row.decisions[0]?.verdict, 'within');
    assert.equal(row.chosen, 'big');
    assert.equal(row.held, '40 cases, under the 50 a category needs: kept on big');
  });
  it('many categories: each switch is held to the error across all of them (Holm)', () => {
    // 10 categories of 200 cases. In each, the cheap model misses 1 case the big one gets right:
    // within 3 pp in every category taken alone, but not with p small enough for Holm across 10.
    const n = 2000;
    const cats = Array.from({ length: n }, (_, i) => `c${Math.floor(i / 200)}`);
    const b = new Float64Array(n).fill(1);
    const c = new Float64Array(n).fill(1);
    for (let k = 0; k < 10; k++) c[k * 200] = 0;
    const m: ScoreMatrix = {
      cases: n,
      binary: true,
      columns: [
        { model: 'big', scores: b, costs: new Float64Array(n).fill(0.01) },
        { model: 'cheap', scores: c, costs: new Float64Array(n).fill(0.002) },
      ],
    };
    const alone = routingTable(
      m,
      cats.map(() => 'all'),
      { column: 'x', tolerancePp: 3, level: 0.9, baseline: 'big', ids: {} },
    );
    assert.equal(alone.rows[0]?.chosen, 'cheap', 'on all 2,000 cases, cheap is within 3 pp');
    const t = routingTable(m, cats, { column: 'x', tolerancePp: 3, level: 0.9, baseline: 'big', ids: {} });
    const passedAlone = t.rows.filter((r) => r.decisions[0]?.verdict === 'within').length;
    const routed = t.rows.filter((r) => r.chosen === 'cheap').length;
    assert.ok(passedAlone > 0 && routed < passedAlone, `${passedAlone} passed alone, ${routed} routed`);
    const held = t.rows.find((r) => r.held !== undefined && r.decisions[0]?.verdict === 'within')!;
    assert.match(
      held.held!,
      /^within tolerance here alone \(p 0\.\d{3}\), not across the 10 categories that would switch \(Holm stopped at p 0\.\d{3} > 0\.005\): kept on big$/,
    );
  });
});
