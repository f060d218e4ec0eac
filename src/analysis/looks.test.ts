import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalQuantile } from '../stats/intervals.js';
import { rng } from '../stats/paired.js';
import { firstLookAlpha, followUpCases, lookSizes, secondLookAlpha, sequentialAlpha } from './looks.js';

describe('two looks at one question', () => {
  it('the first look spends 4/5 of α', () => {
    assert.equal(firstLookAlpha(0.05).toFixed(6), '0.040000');
  });

  it('the follow-up level keeps P(pass at either look) at α: checked by simulating the two correlated statistics', () => {
    // Z1 on the pilot's n1 cases and Z2 on all n2 share the pilot: corr √(n1/n2).
    const random = rng(7);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    for (const t of [0.2, 0.5, 0.8]) {
      const c1 = normalQuantile(1 - firstLookAlpha(0.05));
      const c2 = normalQuantile(1 - secondLookAlpha(0.05, t));
      const runs = 200_000;
      let passed = 0;
      for (let i = 0; i < runs; i++) {
        const pilot = normal();
        const rest = normal();
        const all = Math.sqrt(t) * pilot + Math.sqrt(1 - t) * rest;
        if (pilot > c1 || all > c2) passed++;
      }
      // Standard error of a rate near 5 % over 200,000 runs: 0.05 pp.
      assert.ok(Math.abs(passed / runs - 0.05) < 0.0015, `t = ${t}: ${passed / runs}`);
    }
  });

  it("between the limits: independent looks (t → 0) leave 1 − 0.95 / 0.96; the same cases (t → 1) leave the first look's level", () => {
    assert.ok(Math.abs(secondLookAlpha(0.05, 1e-6) - (1 - 0.95 / 0.96)) < 2e-4);
    const near = secondLookAlpha(0.05, 0.999);
    assert.ok(near > 0.04 && near < 0.05, String(near));
    let last = 0;
    for (const t of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const a = secondLookAlpha(0.05, t);
      assert.ok(a > last, `rises with the pilot's share: ${t} → ${a}`);
      last = a;
    }
    assert.throws(() => secondLookAlpha(0.05, 1), RangeError);
  });

  it('the follow-up size is a fixed point: enough cases at the level that size leaves', () => {
    // Total cases a single look needs at one-sided α for Δ = 0, discordance 10 %, δ = 3 pp, 80 % power.
    const casesAt = (alpha: number): number => Math.ceil(((normalQuantile(1 - alpha) + normalQuantile(0.8)) ** 2 * 0.1) / 0.03 ** 2);
    const total = followUpCases(200, 0.05, casesAt);
    assert.ok(total >= casesAt(secondLookAlpha(0.05, 200 / total)), String(total));
    assert.ok(total - 1 < casesAt(secondLookAlpha(0.05, 200 / (total - 1))), 'and no smaller one is');
    assert.ok(total > casesAt(0.05), 'more than a single look at the full α would need');
    assert.equal(
      followUpCases(200, 0.05, () => Infinity),
      Infinity,
    );
    assert.equal(
      followUpCases(200, 0.05, () => 50),
      201,
      'always at least one new case',
    );
  });
});

describe('--sequential looks', () => {
  it('are equally spaced, the last at every case; fewer when there are fewer cases than looks', () => {
    assert.deepEqual(lookSizes(400, 4), [100, 200, 300, 400]);
    assert.deepEqual(lookSizes(10, 4), [3, 5, 8, 10]);
    assert.deepEqual(lookSizes(3, 4), [1, 2, 3]);
  });

  it("each look's level is what the spending function leaves it, the last close to the whole α", () => {
    const fractions = [0.25, 0.5, 0.75, 1];
    const levels = fractions.map((_, k) => sequentialAlpha(0.05, fractions, k + 1));
    assert.deepEqual(
      levels.map((a) => a.toFixed(5)),
      ['0.00009', '0.00554', '0.02190', '0.04270'],
    );
  });
});
