import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { casesNeeded, compare } from './compare.js';
import type { ScoreMatrix } from './matrix.js';

const col = (model: string, scores: number[]) => ({ model, scores: Float64Array.from(scores), costs: new Float64Array(scores.length) });

describe('compare', () => {
  it('graded scores: a seeded paired bootstrap, the same on every run', () => {
    const a = col('a', Array.from({ length: 200 }, (_, i) => (i % 5) / 4));
    const b = col('b', Array.from({ length: 200 }, (_, i) => ((i + 1) % 5) / 4));
    const m: ScoreMatrix = { cases: 200, columns: [a, b], binary: false };
    const x = compare(a, b, m, { level: 0.9 });
    assert.equal(x.interval.method, 'bootstrap');
    assert.deepEqual(compare(a, b, m, { level: 0.9 }), x);
    assert.equal(x.p, null);
    assert.equal(x.b, null);
    assert.ok(x.interval.low < x.delta && x.delta < x.interval.high);
    assert.ok(Number.isFinite(casesNeeded(x, 0.03, 0.9)));
  });
  it('binary scores with clusters: a cluster-robust interval, wider than Newcombe', () => {
    // Clusters of 10 cases that the candidate gets all right or all wrong where the reference is right.
    const ref = col('ref', Array.from({ length: 400 }, () => 1));
    const cand = col('cand', Array.from({ length: 400 }, (_, i) => (Math.floor(i / 10) % 10 === 0 ? 0 : 1)));
    const clusters = Int32Array.from({ length: 400 }, (_, i) => Math.floor(i / 10));
    const plain = compare(cand, ref, { cases: 400, columns: [cand, ref], binary: true }, { level: 0.9 });
    const robust = compare(cand, ref, { cases: 400, columns: [cand, ref], binary: true, clusters }, { level: 0.9 });
    assert.equal(plain.interval.method, 'newcombe');
    assert.equal(robust.interval.method, 'cluster');
    assert.ok(Math.abs(robust.delta + 0.1) < 1e-12 && Math.abs(plain.delta + 0.1) < 1e-12);
    assert.ok(robust.interval.high - robust.interval.low > 1.5 * (plain.interval.high - plain.interval.low));
  });
  it('only the cases both answered, optionally within a subset', () => {
    const a = col('a', [1, 0, NaN, 1]);
    const b = col('b', [1, 1, 1, NaN]);
    const m: ScoreMatrix = { cases: 4, columns: [a, b], binary: true };
    assert.equal(compare(a, b, m, { level: 0.9 }).n, 2);
    assert.equal(compare(a, b, m, { level: 0.9, keep: (i) => i === 0 }).n, 1);
  });
});
