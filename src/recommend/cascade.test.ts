import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeConfidence, reportedConfidence } from '../scoring/confidence.js';
import { wilson } from '../stats/intervals.js';
import { simulateCascade } from './cascade.js';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

describe('cascade simulation', () => {
  // Ten cases, repeated 100 times. Cheap: right on the first seven. Big: right on all but the last.
  // Confidence is lowest on the two cases cheap gets wrong and big gets right.
  const cheap = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
  const big = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
  const conf = [0.9, 0.95, 0.8, 0.99, 0.7, 0.85, 0.6, 0.3, 0.5, 0.65];
  const rep = (xs: number[]): Float64Array => Float64Array.from({ length: 1000 }, (_, i) => xs[i % 10]!);
  const result = simulateCascade(
    {
      cheap: 'haiku',
      big: 'sonnet',
      source: 'logprob',
      cheapScores: rep(cheap),
      bigScores: rep(big),
      confidence: rep(conf),
      cheapCosts: new Float64Array(1000).fill(1),
      bigCosts: new Float64Array(1000).fill(10),
    },
    { tolerancePp: 3, level: 0.9 },
  );

  it('the cheapest threshold within tolerance escalates exactly the two low-confidence cases', () => {
    assert.ok(result.best);
    assert.equal(result.best.threshold, 0.6);
    close(result.best.escalated, 0.2, 'escalated');
    close(result.best.accuracy, 0.9, 'accuracy');
    close(result.best.costPerCase, 3, 'cost');
    assert.equal(result.best.verdict, 'within');
    close(result.saving ?? NaN, 0.7, 'saving');
    // 95 % intervals of the chosen point: accuracy 900 of 1,000 (Wilson), cost 1 + 10 on 20 % of cases.
    assert.deepEqual(result.bestIntervals?.accuracy, wilson(900, 1000));
    const half = 1.9623 * Math.sqrt((0.2 * 0.8 * 100 * 1000) / 999 / 1000);
    assert.ok(
      Math.abs((result.bestIntervals?.costPerCase.low ?? 0) - (3 - half)) < 1e-3 && Math.abs((result.bestIntervals?.costPerCase.high ?? 0) - (3 + half)) < 1e-3,
      JSON.stringify(result.bestIntervals),
    );
  });
  it('the curve runs from cheap alone to everything escalated, cost rising', () => {
    const first = result.points[0]!;
    const last = result.points[result.points.length - 1]!;
    assert.deepEqual([first.escalated, first.accuracy, first.costPerCase, first.verdict], [0, 0.7, 1, 'worse']);
    assert.deepEqual([last.escalated, last.threshold, last.costPerCase], [1, null, 11]);
    for (let i = 1; i < result.points.length; i++) assert.ok(result.points[i]!.costPerCase >= result.points[i - 1]!.costPerCase);
  });
  it('reports the oracle bound and both models alone', () => {
    close(result.oracle.accuracy, 0.9, 'oracle accuracy');
    close(result.oracle.costPerCase, 4, 'oracle cost');
    close(result.oracle.escalated, 0.3, 'oracle escalated');
    assert.deepEqual(result.cheapOnly, { accuracy: 0.7, costPerCase: 1 });
    assert.deepEqual(result.bigOnly, { accuracy: 0.9, costPerCase: 10 });
    assert.equal(result.n, 1000);
  });
  it('no point is recommended when nothing cheaper than the big model is within tolerance', () => {
    const r = simulateCascade(
      {
        cheap: 'a',
        big: 'b',
        source: 'agreement',
        cheapScores: rep([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        bigScores: rep(big),
        confidence: rep(conf),
        cheapCosts: new Float64Array(1000).fill(1),
        bigCosts: new Float64Array(1000).fill(10),
      },
      { tolerancePp: 3, level: 0.9 },
    );
    assert.equal(r.best, null);
    assert.equal(r.saving, null);
  });
  it('the threshold is chosen by a fixed sequence from "always escalate" down, stopping at the first that is not within', () => {
    // 1,000 cases by rising confidence: the 100 least confident the cheap model gets right and the
    // big one wrong; the 100 most confident the reverse. Never escalating is within tolerance on
    // this data (Δ 0), but the sequence stops as soon as un-escalating the confident cases costs
    // accuracy, long before any saving: no threshold is recommended.
    const cheapScores = Float64Array.from({ length: 1000 }, (_, i) => (i >= 900 ? 0 : 1));
    const bigScores = Float64Array.from({ length: 1000 }, (_, i) => (i < 100 ? 0 : 1));
    const r = simulateCascade(
      {
        cheap: 'haiku',
        big: 'sonnet',
        source: 'logprob',
        cheapScores,
        bigScores,
        confidence: Float64Array.from({ length: 1000 }, (_, i) => i / 1000),
        cheapCosts: new Float64Array(1000).fill(1),
        bigCosts: new Float64Array(1000).fill(10),
      },
      { tolerancePp: 3, level: 0.9 },
    );
    assert.equal(r.points[0]?.verdict, 'within', 'never escalating passes on its own');
    assert.equal(r.best, null);
  });
  it('never escalating costs one call of the cheap model, whatever samples its confidence took', () => {
    const r = simulateCascade(
      {
        cheap: 'haiku',
        big: 'sonnet',
        source: 'agreement',
        cheapScores: rep(cheap),
        bigScores: rep(big),
        confidence: rep(conf),
        cheapCosts: new Float64Array(1000).fill(3),
        cheapCallCosts: new Float64Array(1000).fill(1),
        bigCosts: new Float64Array(1000).fill(10),
      },
      { tolerancePp: 3, level: 0.9 },
    );
    close(r.cheapOnly.costPerCase, 1, 'cheap alone');
    close(r.points[0]!.costPerCase, 1, 'never escalate');
    close(r.best!.costPerCase, 5, 'three samples for the confidence, and the big model on 20 %');
  });
});

describe('confidence', () => {
  const labels = ['Billing', 'Technical', 'Account'];
  const conf = makeConfidence(labels);
  it('an answer outside the label set is 0, whatever else it says', () => {
    assert.deepEqual(conf('Billing or Technical', [], -0.01), { value: 0, source: 'label-set' });
  });
  it('log-probabilities first', () => {
    assert.deepEqual(conf('Billing', ['Technical'], Math.log(0.8)), { value: 0.8, source: 'logprob' });
  });
  it('then a confidence the model reported in JSON (0–1 or percent)', () => {
    assert.deepEqual(conf('{"answer": "Billing", "confidence": 0.72}', []), { value: 0.72, source: 'self-report' });
    assert.equal(reportedConfidence('```json\n{"label": "x", "confidence": "85%"}\n```'), 0.85);
  });
  it('then agreement with the other samples', () => {
    assert.deepEqual(conf('The answer is Billing.', ['billing', 'Technical']), { value: 0.5, source: 'agreement' });
  });
  it('else only whether the answer is a label', () => {
    assert.deepEqual(conf('Account', []), { value: 1, source: 'label-set' });
    assert.deepEqual(makeConfidence()('free text', []), { value: 1, source: 'none' });
  });
});
