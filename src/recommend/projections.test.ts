import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVolume, project, projections } from './projections.js';

describe('volumes', () => {
  it('reads cases per period as cases per day', () => {
    assert.equal(parseVolume('500/day'), 500);
    assert.equal(parseVolume('10k/month'), 10_000 / 30);
    assert.equal(parseVolume('20 / hour'), 480);
    assert.equal(parseVolume('1,400/week'), 200);
    assert.equal(parseVolume('2e6/year'), 2e6 / 365);
    assert.equal(parseVolume('1.5M/month'), 50_000);
  });
  it('refuses what it cannot read', () => {
    for (const bad of ['lots', '500', '500/fortnight', '-5/day', '0/day', '']) assert.equal(parseVolume(bad), undefined, bad);
  });
});

describe('projections', () => {
  it('the seed article: 500 tickets a day at $0.00105 each is $0.525 a day, $15.75 a month', () => {
    const p = project({ model: 'haiku', scores: new Float64Array(3), costs: Float64Array.of(0.00105, 0.00105, 0.00105) }, 500);
    assert.ok(p);
    assert.ok(Math.abs(p.perDay - 0.525) < 1e-12 && Math.abs(p.perMonth - 15.75) < 1e-9);
    assert.equal(p.perMonthLow, p.perMonthHigh, 'no spread, no interval');
  });
  it('carries the interval of the per-case cost', () => {
    // costs 1, 2, 3: mean 2, sd 1, t(2) = 4.303 → ±2.484 per case
    const p = project({ model: 'm', scores: new Float64Array(3), costs: Float64Array.of(1, 2, 3) }, 1);
    assert.ok(p && Math.abs(p.perMonthLow - 0) < 1e-9 && Math.abs(p.perMonthHigh - 30 * (2 + 4.303 / Math.sqrt(3))) < 0.01);
  });
  it('skips unpriced models and adds the recommendation, routing and cascade', () => {
    const r = projections(
      '500/day',
      500,
      [
        { model: 'a', scores: new Float64Array(2), costs: Float64Array.of(0.01, 0.01) },
        { model: 'b', scores: new Float64Array(2), costs: Float64Array.of(NaN, NaN) },
      ],
      { recommended: 'a', routingPerCase: 0.004, cascadePerCase: 0.002 },
    );
    assert.deepEqual(
      r.models.map((m) => m.model),
      ['a'],
    );
    assert.equal(r.recommended?.model, 'a');
    assert.ok(Math.abs((r.routing?.perMonth ?? 0) - 60) < 1e-9);
    assert.ok(Math.abs((r.cascade?.perDay ?? 0) - 1) < 1e-9);
  });
});
