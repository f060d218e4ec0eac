import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Case } from '../types.js';
import { allocate, parseShard, sampleCases, shardCases, shardOf } from './select.js';

const cases = (categories: ReadonlyArray<[string | undefined, number]>): Case[] => {
  const out: Case[] = [];
  for (const [category, n] of categories) {
    for (let i = 0; i < n; i++) {
      const index = out.length;
      out.push({ index, id: String(index + 1), line: index + 2, vars: {}, expected: 'x', ...(category !== undefined && { category }) });
    }
  }
  return out;
};

describe('--sample: stratified by category', () => {
  it('allocates in proportion, by largest remainder, summing to N', () => {
    const q = allocate(
      new Map([
        ['a', 60],
        ['b', 30],
        ['c', 10],
      ]),
      10,
      's',
    );
    assert.deepEqual(Object.fromEntries(q), { a: 6, b: 3, c: 1 });
    const uneven = allocate(
      new Map([
        ['a', 50],
        ['b', 25],
        ['c', 25],
      ]),
      7,
      's',
    );
    assert.equal(
      [...uneven.values()].reduce((x, y) => x + y, 0),
      7,
    );
    assert.equal(uneven.get('a'), 3);
  });

  it('gives every category one case when N allows, even a category too small for its share', () => {
    const q = allocate(
      new Map([
        ['big', 97],
        ['tiny1', 2],
        ['tiny2', 1],
      ]),
      5,
      's',
    );
    assert.deepEqual(Object.fromEntries(q), { big: 3, tiny1: 1, tiny2: 1 });
  });

  it('below one per category: the largest categories get one each', () => {
    const q = allocate(
      new Map([
        ['a', 5],
        ['b', 40],
        ['c', 30],
        ['d', 2],
      ]),
      2,
      's',
    );
    assert.deepEqual(Object.fromEntries(q), { a: 0, b: 1, c: 1, d: 0 });
  });

  it('is the same for the same cases and seed, differs with the seed, and keeps file order', () => {
    const all = cases([
      ['x', 40],
      ['y', 40],
      [undefined, 20],
    ]);
    const one = sampleCases(all, { size: 10, seed: '7' });
    assert.deepEqual(
      one.cases.map((c) => c.id),
      sampleCases(all, { size: 10, seed: '7' }).cases.map((c) => c.id),
    );
    assert.notDeepEqual(
      one.cases.map((c) => c.id),
      sampleCases(all, { size: 10, seed: '8' }).cases.map((c) => c.id),
    );
    assert.deepEqual(
      one.cases.map((c) => c.index),
      [...Array(10).keys()],
    );
    const lines = one.cases.map((c) => c.line);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
    assert.deepEqual(one.strata, [
      { category: 'x', taken: 4, of: 40 },
      { category: 'y', taken: 4, of: 40 },
      { taken: 2, of: 20 },
    ]);
  });

  it('appending rows leaves most of the sample in place (ranked by id, not position)', () => {
    const before = sampleCases(cases([['x', 200]]), { size: 20, seed: 's' }).cases.map((c) => c.id);
    const after = sampleCases(cases([['x', 220]]), { size: 20, seed: 's' }).cases.map((c) => c.id);
    assert.ok(after.filter((id) => before.includes(id)).length >= 15);
  });

  it('N at or over the number of cases takes them all', () => {
    assert.equal(sampleCases(cases([['x', 5]]), { size: 9, seed: 's' }).cases.length, 5);
  });
});

describe('--shard', () => {
  it('parses i/n with 1 ≤ i ≤ n', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/2']) assert.equal(parseShard(bad), undefined, bad);
  });

  it('the shards partition the cases, each in file order, re-indexed', () => {
    const all = cases([['x', 300]]);
    const shards = [1, 2, 3].map((index) => shardCases(all, { index, count: 3 }));
    assert.equal(
      shards.reduce((n, s) => n + s.length, 0),
      300,
    );
    assert.equal(new Set(shards.flatMap((s) => s.map((c) => c.id))).size, 300);
    for (const s of shards) {
      assert.ok(s.length > 60, `a shard of ${s.length}`);
      assert.deepEqual(
        s.map((c) => c.index),
        [...s.keys()],
      );
    }
  });

  it('a case keeps its shard when rows are added', () => {
    for (const id of ['1', '42', 'ticket-9']) assert.equal(shardOf(id, 4), shardOf(id, 4));
    const before = shardCases(cases([['x', 100]]), { index: 2, count: 4 }).map((c) => c.id);
    const after = shardCases(cases([['x', 150]]), { index: 2, count: 4 }).map((c) => c.id);
    assert.deepEqual(after.slice(0, before.length), before);
  });
});
