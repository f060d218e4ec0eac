import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leanFlags } from './heap.js';

describe('the heap limits a run sets', () => {
  it('caps old-generation growth and keeps the young generation at its start size', () => {
    assert.deepEqual(leanFlags([]), ['--heap-growing-percent=50', '--semi-space-growth-factor=1']);
  });
  it("leaves alone what the user chose on node's command line or in NODE_OPTIONS", () => {
    assert.deepEqual(leanFlags(['--heap_growing_percent=80']), ['--semi-space-growth-factor=1']);
    assert.deepEqual(leanFlags(['--max-semi-space-size=64']), ['--heap-growing-percent=50']);
    assert.deepEqual(leanFlags([], '--max-old-space-size=4096 --max-semi-space-size=32'), ['--heap-growing-percent=50']);
    assert.deepEqual(leanFlags(['--semi-space-growth-factor=2', '--heap-growing-percent=100']), []);
  });
});
