import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError, type UsageError } from '../errors.js';
import { fixture, ROOT } from '../test-support/paths.js';
import { chooseColumns } from './columns.js';
import { loadDataset } from './load.js';

describe('column detection', () => {
  it('finds input and expected by common names, in any case or spacing', () => {
    assert.deepEqual(chooseColumns(['Question', 'Expected Answer'], {}, 'f'), { input: 'Question', expected: 'Expected Answer' });
    assert.deepEqual(chooseColumns(['id', 'ticket', 'category'], {}, 'f'), { input: 'ticket', expected: 'category', id: 'id' });
    assert.deepEqual(chooseColumns(['text', 'label', 'category'], {}, 'f'), { input: 'text', expected: 'label', category: 'category' });
  });
  it('with two columns, the one that is not the expected answer is the input', () => {
    assert.deepEqual(chooseColumns(['body_of_mail', 'answer'], {}, 'f'), { input: 'body_of_mail', expected: 'answer' });
  });
  it('honours --input-col / --expected-col', () => {
    assert.deepEqual(chooseColumns(['a', 'b', 'c'], { input: 'c', expected: 'a' }, 'f'), { input: 'c', expected: 'a' });
  });
  it('says which flag to use when it cannot tell', () => {
    assert.throws(
      () => chooseColumns(['foo', 'bar', 'baz'], {}, 'f.csv'),
      (e: UsageError) => /no expected-answer column among: foo, bar, baz/.test(e.message) && /--expected-col/.test(e.hint),
    );
    assert.throws(
      () => chooseColumns(['foo', 'bar', 'label'], {}, 'f.csv'),
      (e: UsageError) => /no input column/.test(e.message) && /--input-col/.test(e.hint),
    );
    assert.throws(
      () => chooseColumns(['a', 'b'], { expected: 'zzz' }, 'f.csv'),
      (e: UsageError) => /--expected-col zzz/.test(e.message) && /a, b/.test(e.hint),
    );
  });
});

describe('loading cases', () => {
  it('CSV: BOM, CRLF, quoted commas, quotes and newlines, blank lines', async () => {
    const d = await loadDataset(fixture('bom-crlf-quoted.csv'));
    assert.deepEqual(d.columns, ['question', 'answer', 'topic']);
    assert.equal(d.inputColumn, 'question');
    assert.equal(d.expectedColumn, 'answer');
    assert.equal(d.categoryColumn, 'topic');
    assert.deepEqual(
      d.cases.map((c) => c.vars.question),
      ['What is 2+2, roughly?', 'Say "hi"\r\non two lines', 'Capital of France'],
    );
    assert.deepEqual(
      d.cases.map((c) => c.expected),
      ['4', 'hi', 'Paris'],
    );
    assert.deepEqual(
      d.cases.map((c) => c.line),
      [2, 3, 6],
    );
    assert.deepEqual(
      d.cases.map((c) => c.category),
      ['math', 'greeting', 'geo'],
    );
  });
  it('JSONL: skips blank lines, keeps ids, flattens nested values to JSON', async () => {
    const d = await loadDataset(fixture('tickets.jsonl'));
    assert.deepEqual(
      d.cases.map((c) => [c.id, c.line, c.expected]),
      [
        ['a1', 1, 'Billing'],
        ['a2', 3, 'Technical'],
      ],
    );
    assert.equal(d.cases[1]?.vars.meta, '{"lang":"en"}');
    assert.deepEqual(d.columns, ['prompt', 'label', 'id', 'meta']);
  });
  it("JSONL rows with different keys: each case's vars are its own row's; an empty id or category counts as none", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cases-'));
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(
      path,
      [
        { id: 'x', input: 'one', expected: ' A ', topic: 'geo' },
        { input: 'two', expected: 'B', extra: 'only here' },
        { id: '', input: 'three', expected: 'A', topic: '' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const d = await loadDataset(path, { category: 'topic' });
    assert.deepEqual(
      d.cases.map((c) => c.vars),
      [
        { id: 'x', input: 'one', expected: ' A ', topic: 'geo' },
        { input: 'two', expected: 'B', extra: 'only here' },
        { id: '', input: 'three', expected: 'A', topic: '' },
      ],
    );
    assert.deepEqual(
      d.cases.map((c) => [c.index, c.id, c.line, c.expected, c.category]),
      [
        [0, 'x', 1, 'A', 'geo'],
        [1, '2', 2, 'B', undefined],
        [2, '3', 3, 'A', undefined],
      ],
    );
  });
  it('CSV line numbers: blank lines before the header and between rows, LF, CRLF and CR breaks inside quoted fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cases-'));
    const path = join(dir, 'lines.csv');
    writeFileSync(path, '\n\ninput,expected\n"a\nb",1\n\n   \n"c\r\nd\re",2\nf,3\n');
    const d = await loadDataset(path);
    assert.deepEqual(
      d.cases.map((c) => [c.line, c.expected]),
      [
        [4, '1'],
        [8, '2'],
        [11, '3'],
      ],
    );
    writeFileSync(path, 'input,expected\nok,1\n"never closed,2\n');
    await assert.rejects(loadDataset(path), (e: DataError) => e.message.includes('lines.csv:3:'));
  });
  it('JSON array, numbers as text', async () => {
    const d = await loadDataset(fixture('array.json'));
    assert.deepEqual(
      d.cases.map((c) => c.expected),
      ['2', '5'],
    );
    assert.deepEqual(
      d.cases.map((c) => c.id),
      ['1', '2'],
    );
  });
  it('--limit reads only the first n', async () => {
    const d = await loadDataset(`${ROOT}datasets/support-tickets.csv`, { limit: 7 });
    assert.equal(d.cases.length, 7);
  });
  it('the demo suite: 200+ tickets over 5 categories', async () => {
    const d = await loadDataset(`${ROOT}datasets/support-tickets.csv`);
    assert.ok(d.cases.length >= 200);
    assert.deepEqual([...new Set(d.cases.map((c) => c.expected))].sort(), ['Account', 'Billing', 'Returns', 'Shipping', 'Technical']);
  });

  // The bad-input corpus is in corpus.test.ts.
  it('a missing file: a data error naming it', async () => {
    await assert.rejects(
      loadDataset(fixture('missing.csv')),
      (e: DataError) => e instanceof DataError && /missing\.csv: file not found/.test(e.message) && e.exitCode === 2,
    );
  });
  it('no expected column: a usage error naming the columns', async () => {
    await assert.rejects(loadDataset(fixture('no-expected.csv')), (e: UsageError) => /no expected-answer column among: text, notes/.test(e.message));
  });
});
