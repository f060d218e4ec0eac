import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paretoFrontier } from './html.js';

describe('HTML report helpers', () => {
  it('the Pareto frontier keeps models no other beats on both cost and accuracy', () => {
    assert.deepEqual(paretoFrontier([
      { model: 'opus', cost: 0.5, accuracy: 0.96 },
      { model: 'sonnet', cost: 0.25, accuracy: 0.95 },
      { model: 'pricey-and-worse', cost: 0.6, accuracy: 0.9 },
      { model: 'haiku', cost: 0.01, accuracy: 0.86 },
    ]), ['haiku', 'sonnet', 'opus']);
  });
});
