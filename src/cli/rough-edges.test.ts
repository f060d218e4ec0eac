// Issue 17: the rough edges a new user hit in an afternoon, each as the user met it, through the
// CLI in-process against the emulator. (The refusals — exit 2, one line — are in bad-input.test.ts.)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { loadDataset } from '../cases/load.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';

const fast = (ids: string[], accuracy: number, extra: Partial<Profile> = {}): Profile => ({ ids, accuracy, ttftMs: 1, tokensPerSec: 0, ...extra });
const HAIKU = ['claude-haiku-4-5', 'claude-haiku-5-5'];
const SONNET = ['claude-sonnet-4-6', 'claude-sonnet-5-5'];

/** A folder holding `files`, and the emulator keyed on the first of them. */
async function withData(
  files: Record<string, string>,
  profiles: Profile[],
  fn: (cwd: string, env: Record<string, string>, requests: () => number) => Promise<void>,
): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'tb-edges-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  const d = await loadDataset(join(cwd, Object.keys(files)[0]!), { promptColumns: ['q'] });
  await withEmulator({ profiles, key: AnswerKey.fromCases(d.cases, d.inputColumn) }, (url, e) =>
    fn(cwd, { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' }, () => e.stats().requests),
  );
}

const csv = (rows: string[][]): string => `${rows.map((r) => r.join(',')).join('\n')}\n`;
const NUMBERS = csv([['input', 'expected'], ...Array.from({ length: 12 }, (_, i) => [`sum ${i}`, ['-5', '1000', '7'][i % 3]!])]);

describe('issue 17: reports land where -o says', () => {
  it('-o an existing folder, -o newdir/, and --report md beside the report inside the folder', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1)], async (cwd, env) => {
      mkdirSync(join(cwd, 'out'));
      for (const [out, folder] of [
        ['out', 'out'],
        ['out/', 'out'],
        ['newdir/', 'newdir'],
      ] as const) {
        const r = await runCli(['run', '-m', 'haiku', '-q', '--report', 'md', '-o', out, 'cases.csv'], env, cwd);
        assert.equal(r.code, 0, r.stderr);
        const files = readdirSync(join(cwd, folder));
        assert.ok(files.some((f) => f.endsWith('.json')) && files.some((f) => f.endsWith('.md')), `${out}: ${files.join(', ')}`);
      }
      assert.ok(!existsSync(join(cwd, 'out.md')) && !existsSync(join(cwd, 'out2.md')), 'nothing beside the folder');
    });
  });

  it('GITHUB_STEP_SUMMARY in a folder not made yet: made, and the summary written', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1)], async (cwd, env) => {
      const r = await runCli(['run', '-m', 'haiku', '-q', '-o', 'r.json', 'cases.csv'], { ...env, GITHUB_STEP_SUMMARY: 'ci/step/summary.md' }, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(readFileSync(join(cwd, 'ci/step/summary.md'), 'utf8'), /## tierbench/);
    });
  });
});

describe('issue 17: what was read and how it is scored is said before the first call', () => {
  it('numbers get the number scorer (-5 is not 5, 1,000 is 1000), and the header line says so', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1)], async (cwd, env) => {
      const r = await runCli(['run', '-m', 'haiku', '-o', 'r.json', 'cases.csv'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /^cases\.csv: 12 cases; input `input`, expected `expected`; scorer number \(every expected value is a number; --scorer to change\)$/m,
      );
      assert.equal((await readValidReport(join(cwd, 'r.json'))).settings.scorer, 'number');
    });
  });

  it('JSON expected values get the json scorer; `source` is not taken for clusters, `type` is named as the category', async () => {
    const rows = csv([
      ['text', 'expected', 'source', 'type'],
      ...Array.from({ length: 6 }, (_, i) => [`doc ${i}`, `"{""name"": ""n${i}""}"`, 'synthetic', i % 2 ? 'a' : 'b']),
    ]);
    await withData({ 'cases.csv': rows }, [fast(HAIKU, 1)], async (cwd, env) => {
      const r = await runCli(['run', '-m', 'haiku', '-o', 'r.json', 'cases.csv'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /cases\.csv: 6 cases; input `text`, expected `expected`, category `type`; scorer json \(every expected value is JSON/);
      const report = await readValidReport(join(cwd, 'r.json'));
      assert.equal(report.dataset.clusterColumn, undefined);
      assert.equal(report.settings.scorer, 'json');
    });
  });

  it('a --prompt template over the columns works where there is no input column, as the error suggests', async () => {
    const rows = csv([
      ['q', 'context', 'answer'],
      ['What colour is the sky', 'weather', 'blue'],
      ['What colour is grass', 'plants', 'green'],
      ['What colour is snow', 'weather', 'white'],
    ]);
    await withData({ 'qa.csv': rows }, [fast(HAIKU, 1)], async (cwd, env) => {
      const refused = await runCli(['run', '-m', 'haiku', '-q', 'qa.csv'], env, cwd);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /or write a --prompt template that uses the columns, e\.g\. --prompt "\{\{q\}\} \{\{context\}\}"/);
      const r = await runCli(['run', '-m', 'haiku', '-o', 'r.json', '--prompt', '{{q}} ({{context}})', 'qa.csv'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /qa\.csv: 3 cases; prompt from `q`, `context`, expected `answer`/);
      assert.equal((await readValidReport(join(cwd, 'r.json'))).summaries[0]?.accuracy, 1);
    });
  });

  it('a prompt that shows the expected answer is warned about and noted', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1)], async (cwd, env) => {
      const r = await runCli(['run', '-m', 'haiku', '-o', 'r.json', '--prompt', '{{input}} = {{expected}}', 'cases.csv'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^warning: --prompt shows the model the expected-answer column `expected`: it is told the answer it is scored on/m);
      assert.ok((await readValidReport(join(cwd, 'r.json'))).notes.some((n) => n.includes('told the answer')));
    });
  });
});

describe('issue 17: the table', () => {
  it('empty answers and retries are in the Errors column; the emulator run says it was simulated; 80 columns fit', async () => {
    const profiles = [fast(HAIKU, 1, { faults: [{ kind: 'empty', rate: 0.3 }] }), fast(SONNET, 1, { faults: [{ status: 500, rate: 0.3, retryAfterMs: 1 }] })];
    await withData({ 'cases.csv': NUMBERS }, profiles, async (cwd, env) => {
      const r = await runCli(['run', '-m', 'haiku,sonnet', '-o', 'r.json', 'cases.csv'], { ...env, COLUMNS: '80' }, cwd);
      assert.equal(r.code, 0, r.stderr);
      const report = await readValidReport(join(cwd, 'r.json'));
      const [haiku, sonnet] = report.summaries;
      assert.ok(haiku!.empty > 0 && sonnet!.retries > 0, 'the faults happened');
      assert.match(r.stdout, new RegExp(`haiku\\s+│.*│\\s+${haiku!.empty} \\(empty ${haiku!.empty}\\)\\s+│`));
      assert.match(r.stdout, new RegExp(`sonnet\\s+│.*│\\s+\\d+[^│]* · ${sonnet!.retries} retr(y|ies)\\s+│`));
      const table = r.stdout.split('\n').filter((l) => /^[┌│└]/.test(l));
      assert.ok(
        table.every((l) => stripVTControlCharacters(l).length <= 80),
        table.join('\n'),
      );
      assert.match(r.stdout, /\(tok\/s, TTFT p50, .* left out to fit 80 columns/);
      assert.match(r.stdout, /the 95% CI column is each model on its own/);
      assert.match(r.stdout, /Simulated models \(tierbench's emulator\)/);
      assert.equal(report.run.simulated, true);
    });
  });

  it('--explain says what the figures mean', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1)], async (cwd, env) => {
      const r = await runCli(['run', '-m', 'haiku', '-q', '-o', 'r.json', '--explain', 'cases.csv'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      for (const term of ['95% CI', 'pp', 'Δ', 'discordant', 'TTFT', 'McNemar p']) assert.match(r.stdout, new RegExp(`^  ${term}: `, 'm'), term);
      assert.doesNotMatch(r.stdout, /oracle:/, 'cascade terms only with a cascade');
    });
  });
});

describe('issue 17: the response cache', () => {
  it('settings a model is never sent do not make its calls new: log-probs and temperature for Anthropic', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1), fast(SONNET, 1)], async (cwd, env, requests) => {
      assert.equal((await runCli(['run', '-m', 'haiku,sonnet', '-q', '-o', 'a.json', '--cascade', 'haiku,sonnet', 'cases.csv'], env, cwd)).code, 0);
      const before = requests();
      const r = await runCli(['run', '-m', 'haiku', '-q', '-o', 'b.json', '--temperature', '0.5', 'cases.csv'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(requests(), before, 'every answer came from the cache');
    });
  });

  it('cache stats says what it holds; .tierbench/ keeps itself out of git', async () => {
    await withData({ 'cases.csv': NUMBERS }, [fast(HAIKU, 1)], async (cwd, env) => {
      assert.equal((await runCli(['run', '-m', 'haiku', '-q', '-o', 'a.json', 'cases.csv'], env, cwd)).code, 0);
      const r = await runCli(['cache', 'stats'], {}, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^response cache \.tierbench\/cache\/responses-v1\.jsonl: \d+ KB\n {2}12 answers: 12 used by a run \(younger than --cache-ttl 30d\), 0 expired\n {2}stored \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d; [\d,]+ input and [\d,]+ output tokens a rerun does not pay for\n$/,
      );
      const later = await runCli(['cache', 'stats', '--cache-ttl', '1s'], {}, cwd, new Date(Date.now() + 60_000));
      assert.match(later.stdout, /12 answers: 0 used by a run \(younger than --cache-ttl 1s\), 12 expired/);
      assert.equal(
        readFileSync(join(cwd, '.tierbench', '.gitignore'), 'utf8')
          .split('\n')
          .at(-2),
        '*',
      );
    });
  });
});

describe('issue 17: other commands', () => {
  it('compare on two different datasets says they share no case, not "new model"', async () => {
    await withData(
      {
        'a.csv': NUMBERS,
        'b.csv': csv([
          ['input', 'expected'],
          ['other 1', '1'],
          ['other 2', '2'],
        ]),
      },
      [fast(HAIKU, 1)],
      async (cwd, env) => {
        for (const f of ['a', 'b']) assert.equal((await runCli(['run', '-m', 'haiku', '-q', '-o', `${f}.json`, `${f}.csv`], env, cwd)).code, 0);
        const r = await runCli(['compare', 'a.json', 'b.json'], {}, cwd);
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stdout, /new model/);
        assert.match(r.stdout, /the two runs share no case \(\S+a\.csv and \S+b\.csv\): nothing to pair/);
      },
    );
  });

  it('help shows --cache-ttl as 30d and --report without an empty default', async () => {
    const r = await runCli(['run', '--help']);
    assert.match(r.stdout, /--cache-ttl <duration>[\s\S]*?\(default: 30d\)/);
    assert.doesNotMatch(r.stdout, /default: ""/);
  });

  it('the demo, run outside the checkout, prices simulated calls as list-price estimates and ends with a command that works there', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-demo-'));
    // Every call at once: the simulated tiers' latencies are the demo's show, not what is checked here.
    const r = await runCli(['demo', '--fast', '--quiet', '--explain', '-c', '630', '-o', 'demo.json'], {}, cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SIMULATED/);
    for (const m of ['haiku', 'sonnet', 'opus']) assert.match(r.stdout, new RegExp(`│\\s+\\S*\\s*${m}\\s`));
    assert.match(r.stdout, /Use (haiku|sonnet|opus)/);
    assert.match(r.stdout, /tierbench run --models haiku,sonnet,opus/);
    assert.match(r.stdout, /nothing is billed/);
    assert.match(r.stdout, /the costs shown are what the same tokens would cost at the real models' list prices/);
    assert.match(
      r.stdout,
      /Cheaper still: the cascade haiku → opus \(escalating when haiku's confidence is below [\d.]+\) is within 3 pp of opus alone at \d+ % less than opus/,
    );
    assert.match(r.stdout, /^ {2}oracle: /m);
    assert.ok(r.stdout.includes(`${ROOT}datasets/support-tickets.csv\n`), 'the bundled file by its full path');
    assert.ok(existsSync(join(cwd, 'demo.json')), '-o is relative to the folder the demo runs in');
    const report = readValidReport(join(cwd, 'demo.json'));
    assert.equal(report.run.simulated, true);
    assert.equal(report.summaries.length, 3);
    assert.equal(report.dataset.cases, 210);
  });
});
