// --sample, --shard and `tierbench merge`: the real CLI in-process, against the emulator over real HTTP.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import type { Report } from '../types.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;

let tmp: string;
let key: AnswerKey;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tierbench-shard-'));
  const d = await loadDataset(TICKETS);
  key = AnswerKey.fromCases(d.cases, d.inputColumn);
});

const steady = (id: string, accuracy: number): Profile => ({ ids: [id], accuracy, ttftMs: 1, ttftSpread: 0, tokensPerSec: 0 });
const PROFILES = [steady('claude-haiku-4-5', 0.8), steady('claude-sonnet-4-6', 0.9)];

const envFor = (url: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'test-anthropic-key' });

describe('--sample N --seed S', () => {
  it('runs a stratified sample, the same one again for the same seed, and records it', async () => {
    await withEmulator({ profiles: PROFILES, key }, async (url) => {
      const run = async (seed: string, name: string) => {
        const out = join(tmp, name);
        const r = await runCli(
          ['run', '-m', 'haiku-4.5', '--sample', '30', '--seed', seed, '--by', 'category', '--no-cache', '--quiet', '-o', out, TICKETS],
          envFor(url),
        );
        assert.equal(r.code, 0, r.stderr);
        return readValidReport(out);
      };
      const a = await run('3', 'a.json');
      const again = await run('3', 'again.json');
      const other = await run('4', 'other.json');
      assert.equal(a.dataset.cases, 30);
      assert.deepEqual(a.settings.sample, { size: 30, seed: '3' });
      assert.deepEqual(
        a.cases.map((c) => c.id),
        again.cases.map((c) => c.id),
      );
      assert.notDeepEqual(
        a.cases.map((c) => c.id),
        other.cases.map((c) => c.id),
      );
      // 210 tickets in five labels of 42: six of each.
      const perLabel = new Map<string, number>();
      for (const c of a.cases) perLabel.set(c.expected, (perLabel.get(c.expected) ?? 0) + 1);
      assert.deepEqual([...perLabel.values()], [6, 6, 6, 6, 6]);
      assert.ok(
        a.notes.some((n) => /--sample 30 --seed 3: 30 of 210 cases, stratified by category/.test(n)),
        a.notes.join('\n'),
      );
    });
  });

  it('a suite file sets sample and seed; --resume continues the same sample and makes only the missing calls', async () => {
    await withEmulator({ profiles: PROFILES, key }, async (url, emulator) => {
      const cwd = await mkdtemp(join(tmpdir(), 'tierbench-sample-suite-'));
      await writeFile(join(cwd, 'pilot.yaml'), `dataset: ${TICKETS}\nmodels: [sonnet-4.6]\nsample: 40\nseed: pilot\nby: category\n`);
      // The budget stops it part way (a few calls at Sonnet's price), as a closed laptop would.
      const stopped = await runCli(['run', 'pilot.yaml', '--max-cost', '0.001', '--yes', '-c', '2', '--no-cache', '--quiet', '-o', 'r.json'], envFor(url), cwd);
      assert.equal(stopped.code, 3, stopped.stderr);
      const partial = await readValidReport(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'budget');
      const paid = emulator.stats().requests;
      assert.ok(paid < 40, `${paid} calls before the stop`);
      const id = /--resume (\S+)/.exec(stopped.stderr)?.[1] ?? '';
      const refused = await runCli(['run', '--resume', id, '--seed', 'other'], envFor(url), cwd);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--seed would change what it measures/);
      const resumed = await runCli(['run', 'pilot.yaml', '--resume', id, '--max-cost', '5', '--quiet'], envFor(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const report = await readValidReport(join(cwd, 'r.json'));
      assert.equal(report.run.status, 'complete');
      assert.deepEqual(report.settings.sample, { size: 40, seed: 'pilot' });
      assert.deepEqual(
        report.cases.map((c) => c.id),
        partial.cases.map((c) => c.id),
      );
      assert.equal(emulator.stats().requests, 40, 'no call made twice');
    });
  });

  it("a suite file may not set the shard: the file is every job's", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tierbench-shard-suite-'));
    await writeFile(join(cwd, 'ci.yaml'), `dataset: ${TICKETS}\nmodels: [haiku]\nshard: 1/2\n`);
    const r = await runCli(['run', 'ci.yaml'], {}, cwd);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ci\.yaml:3: shard: is not for a suite file/);
  });

  it('--seed without --sample, and --sample with --limit, are refused', async () => {
    const seedOnly = await runCli(['run', '-m', 'haiku', '--seed', '1', TICKETS], {});
    assert.equal(seedOnly.code, 2);
    assert.match(seedOnly.stderr, /--seed does nothing without --sample/);
    const both = await runCli(['run', '-m', 'haiku', '--sample', '5', '--limit', '5', TICKETS], { ANTHROPIC_API_KEY: 'k' });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--sample and --limit both choose the cases/);
  });
});

/** A report without what differs between two runs of the same thing: ids, times, latencies, notes of the slices. */
function measured(r: Report) {
  const timing = new Set(['latencyMs', 'ttftMs', 'outputTokensPerSec']);
  const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k]) => !timing.has(k)));
  return {
    dataset: r.dataset,
    settings: r.settings,
    models: r.models.map((m) => ({ ...m, baseURL: undefined })),
    summaries: r.summaries.map(strip),
    recommendation: r.recommendation,
    routing: r.routing,
    cascade: r.cascade,
    projections: r.projections,
    gate: r.gate,
    cases: r.cases,
    results: r.results.map(strip),
  };
}

describe('--shard i/n and tierbench merge', () => {
  let whole: Report;
  let shards: string[];
  const flags = [
    '-m',
    'haiku-4.5,sonnet-4.6',
    '--sample',
    '120',
    '--by',
    'category',
    '--cascade',
    'haiku-4.5,sonnet-4.6',
    '--volume',
    '500/day',
    '--no-cache',
    '--quiet',
  ];

  before(async () => {
    await withEmulator({ profiles: PROFILES, key }, async (url) => {
      const all = join(tmp, 'whole.json');
      const r = await runCli(['run', ...flags, '-o', all, TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      whole = await readValidReport(all);
      shards = [];
      for (const i of [1, 2, 3]) {
        const out = join(tmp, `shard-${i}.json`);
        const s = await runCli(['run', ...flags, '--shard', `${i}/3`, '-o', out, TICKETS], envFor(url));
        assert.equal(s.code, 0, s.stderr);
        shards.push(out);
      }
    });
  });

  it('each shard runs a slice, and the slices cover the sample once', async () => {
    const slices = await Promise.all(shards.map((f) => readValidReport(f)));
    assert.deepEqual(
      slices.map((s) => s.settings.shard),
      [1, 2, 3].map((index) => ({ index, count: 3 })),
    );
    const ids = slices.flatMap((s) => s.cases.map((c) => c.id));
    assert.equal(ids.length, 120);
    assert.deepEqual([...ids].sort(), whole.cases.map((c) => c.id).sort());
    for (const s of slices) assert.ok(s.cases.length >= 25, `a shard of ${s.cases.length}`);
  });

  it('merged, the shards are the whole run: the same summaries, verdicts, recommendation, routing, cascade', async () => {
    const out = join(tmp, 'merged.json');
    // In any order: the cases go back to file order.
    const r = await runCli(['merge', shards[2]!, shards[0]!, shards[1]!, '--min-accuracy', '0.5', '--report', 'md,junit', '-o', out], {});
    assert.equal(r.code, 0, r.stderr);
    const merged = await readValidReport(out);
    const gated = await readValidReport(join(tmp, 'whole.json'));
    assert.deepEqual(measured({ ...merged, gate: undefined }), measured({ ...gated, gate: undefined }));
    assert.equal(merged.gate?.passed, true);
    assert.equal(merged.gate?.checks.length, 2);
    assert.match(merged.notes[0] ?? '', /^merged from 3 shards \(.*\), 120 cases in all$/);
    assert.match(r.stdout, /haiku-4\.5/);
    assert.match(await readFile(out.replace(/\.json$/, '.junit.xml'), 'utf8'), /min-accuracy/);
  });

  it('refuses a missing shard, a shard given twice, and shards of different runs, saying which', async () => {
    const missing = await runCli(['merge', shards[0]!, shards[1]!], {});
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /shard 3\/3 missing/);
    const twice = await runCli(['merge', shards[0]!, shards[1]!, shards[1]!], {});
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /shard 2\/3 is given twice/);
    const other = join(tmp, 'other-tolerance.json');
    const report = JSON.parse(await readFile(shards[2]!, 'utf8')) as Report;
    await writeFile(other, JSON.stringify({ ...report, settings: { ...report.settings, tolerancePp: 5 } }));
    const differ = await runCli(['merge', shards[0]!, shards[1]!, other], {});
    assert.equal(differ.code, 2);
    assert.match(differ.stderr, /other-tolerance\.json and \S+shard-1\.json differ in settings\.tolerancePp/);
    const unsharded = await runCli(['merge', join(tmp, 'whole.json'), shards[0]!], {});
    assert.equal(unsharded.code, 2);
    assert.match(unsharded.stderr, /whole\.json: not the report of a run with --shard/);
  });
});
