// Bad input: every file in the corpus parses correctly or is refused with file:line and a hint;
// random mutations of valid files have only those two outcomes, never a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { describe, it } from 'node:test';
import { TierbenchError } from '../errors.js';
import { rng } from '../stats/paired.js';
import { runCli } from '../test-support/inprocess.js';
import { fixture, ROOT } from '../test-support/paths.js';
import { loadDataset } from './load.js';

const parses: Array<[string, number]> = [
  ['bom-crlf-quoted.csv', 3],
  ['blank-lines.csv', 2],
  ['quoted-newline.csv', 1],
  ['tickets.jsonl', 2],
  ['array.json', 2],
];
const refused: Array<[string, RegExp]> = [
  ['empty.csv', /empty\.csv: the file is empty/],
  ['header-only.csv', /header-only\.csv: has a header but no rows/],
  ['unbalanced-quote.csv', /unbalanced-quote\.csv:2: a quoted field that starts in this row is never closed/],
  ['duplicate-header.csv', /duplicate-header\.csv:1: the header names column `input` twice/],
  ['ragged.csv', /ragged\.csv:3: row has 3 fields but the header has 2/],
  ['invalid-utf8.csv', /invalid-utf8\.csv:3: is not valid UTF-8/],
  ['broken-line.jsonl', /broken-line\.jsonl:2: not valid JSON/],
  ['non-object.jsonl', /non-object\.jsonl:2: expected a JSON object, found an array/],
  ['trailing-garbage.jsonl', /trailing-garbage\.jsonl:2: not valid JSON/],
  ['trailing-garbage.json', /trailing-garbage\.json:1: not valid JSON/],
  ['empty-expected.csv', /empty-expected\.csv:2: the expected answer \(column `expected`\) is empty/],
  ['no-expected.csv', /no-expected\.csv: no expected-answer column among: text, notes/],
];

describe('bad input corpus', () => {
  for (const [name, count] of parses) {
    it(`${name} parses: ${count} cases`, async () => {
      assert.equal((await loadDataset(fixture(name))).cases.length, count);
    });
  }
  for (const [name, message] of refused) {
    it(`${name} is refused, naming the place, with a hint`, async () => {
      await assert.rejects(
        loadDataset(fixture(name)),
        (e: TierbenchError) => e instanceof TierbenchError && e.exitCode === 2 && message.test(e.message) && e.hint.length > 10,
      );
    });
  }
  it('a 10 MB field is read whole', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tb-big-')), 'big.csv');
    const big = 'x'.repeat(10 * 1024 * 1024);
    writeFileSync(file, `input,expected\n"${big}",a\nsmall,b\n`);
    const d = await loadDataset(file);
    assert.equal(d.cases[0]?.vars.input?.length, big.length);
    assert.equal(d.cases[1]?.line, 3);
  });
});

describe('fuzz: mutated valid files parse or are refused with file:line — nothing else', () => {
  const bases = [`${ROOT}datasets/support-tickets.csv`, fixture('bom-crlf-quoted.csv'), fixture('tickets.jsonl'), fixture('array.json')];
  const inserts = ['"', ',', '\n', '\r\n', '{', '}', '[', ']', '\t', '\u0000', '""', '\\', ':', '\uFEFF'].map((s) => Buffer.from(s));
  const dir = mkdtempSync(join(tmpdir(), 'tb-fuzz-'));
  const random = rng(4242);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  function mutate(original: Buffer): Buffer {
    let b = Buffer.from(original);
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * Math.max(1, b.length));
      switch (Math.floor(random() * 6)) {
        case 0:
          b[at] = Math.floor(random() * 256);
          break; // flip a byte (invalid UTF-8 too)
        case 1:
          b = Buffer.concat([b.subarray(0, at), pick(inserts), b.subarray(at)]);
          break;
        case 2:
          b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(random() * 40)))]);
          break;
        case 3:
          b = b.subarray(0, at);
          break; // truncate
        case 4: {
          // duplicate a line
          const start = b.lastIndexOf(10, at) + 1;
          const end = b.indexOf(10, at);
          if (end > start) b = Buffer.concat([b.subarray(0, end + 1), b.subarray(start, end + 1), b.subarray(end + 1)]);
          break;
        }
        default:
          b = Buffer.concat([b, Buffer.from(pick(['garbage', '\n\n', '{"x":', ',,,\n']))]);
      }
    }
    return b;
  }

  it('600 mutations', async () => {
    let refusedCount = 0;
    for (let i = 0; i < 600; i++) {
      const base = bases[i % bases.length]!;
      const file = join(dir, `m${i}${extname(base)}`);
      const head = readFileSync(base).subarray(0, 4000);
      writeFileSync(file, mutate(head));
      try {
        const d = await loadDataset(file);
        assert.ok(d.cases.length > 0 && d.cases.every((c) => c.expected !== ''));
      } catch (err) {
        refusedCount++;
        assert.ok(err instanceof TierbenchError, `mutation ${i} (${file}) threw ${String((err as Error)?.stack ?? err)}`);
        assert.equal(err.exitCode, 2);
        assert.ok(err.message.startsWith(file), `mutation ${i}: "${err.message}" does not start with the file`);
        assert.ok(err.hint.length > 10);
      }
    }
    assert.ok(refusedCount > 50 && refusedCount < 590, `${refusedCount} refused: both outcomes happen`);
  });
  it('through the CLI: exit 2 with one line, or a run (exit 3 here: no server), never a stack trace', async () => {
    for (let i = 0; i < 8; i++) {
      const file = join(dir, `cli${i}.csv`);
      writeFileSync(file, mutate(readFileSync(`${ROOT}datasets/support-tickets.csv`).subarray(0, 1500)));
      const r = await runCli(['run', '-m', 'haiku', '--max-retries', '0', '--quiet', file], {
        ANTHROPIC_API_KEY: 'k',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      });
      assert.ok(r.code === 2 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      if (r.code === 2) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
