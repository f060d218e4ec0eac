import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeConfidence, reportedConfidence } from '../scoring/confidence.js';
import { simulateCascade } from './cascade.js';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

describe('cascade simulation', () => {
  // Ten cases, repeated 100 times. Cheap: right on the first seven. Big: right on all but the last.
  // Confidence is lowest on the two cases cheap gets wrong and big gets right.
  const cheap = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
  const big = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
  const conf = [0.9, 0.95, 0.8, 0.99, 0.7, 0.85, 0.6, 0.3, 0.5, 0.65];
  const rep = (xs: number[]): Float64Array => Float64Array.from({ length: 1000 }, (_, i) => xs[i % 10]!);
  const result = simulateCascade({
    cheap: 'haiku', big: 'sonnet', source: 'logprob',
    cheapScores: rep(cheap), bigScores: rep(big), confidence: rep(conf),
    cheapCosts: new Float64Array(1000).fill(1), bigCosts: new Float64Array(1000).fill(10),
  }, { tolerancePp: 3, level: 0.9 });

  it('the cheapest threshold within tolerance escalates exactly the two low-confidence cases', () => {
    assert.ok(result.best);
    assert.equal(result.best.threshold, 0.6);
    close(result.best.escalated, 0.2, 'escalated');
    close(result.best.accuracy, 0.9, 'accuracy');
    close(result.best.costPerCase, 3, 'cost');
    assert.equal(result.best.verdict, 'within');
    close(result.saving ?? NaN, 0.7, 'saving');
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
    const r = simulateCascade({
      cheap: 'a', big: 'b', source: 'agreement',
      cheapScores: rep([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), bigScores: rep(big), confidence: rep(conf),
      cheapCosts: new Float64Array(1000).fill(1), bigCosts: new Float64Array(1000).fill(10),
    }, { tolerancePp: 3, level: 0.9 });
    assert.equal(r.best, null);
    assert.equal(r.saving, null);
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
