// Issue 15, item 8: following "about N more cases" is a second look (`run --follow-up PILOT`),
// tested at the error the pilot left, and refused before any call when it would not be the
// pilot's question asked again on more cases.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secondLookAlpha } from '../analysis/looks.js';
import { loadDataset } from '../cases/load.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { readValidReport } from '../test-support/report.js';

const labels = ['Billing', 'Technical', 'Account', 'Shipping'];
const row = (i: number): string => `c${i},Customer message ${i} about the order,${labels[i % 4]}`;
const csv = (rows: string[]): string => `id,input,expected\n${rows.join('\n')}\n`;
const cwd = mkdtempSync(join(tmpdir(), 'tb-follow-'));
const pilotRows = Array.from({ length: 120 }, (_, i) => row(i));
writeFileSync(join(cwd, 'pilot.csv'), csv(pilotRows));
// The pilot's file with new cases appended, as the advice says.
writeFileSync(join(cwd, 'more.csv'), csv([...pilotRows, ...Array.from({ length: 280 }, (_, i) => row(120 + i))]));
const key = await (async () => {
  const d = await loadDataset(join(cwd, 'more.csv'));
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();
// Two models that 120 cases cannot tell apart (on these cases: Δ 0, 15 % discordant).
const profiles: Profile[] = [
  { ids: ['claude-haiku-4-5'], accuracy: 0.85, ttftMs: 1, tokensPerSec: 0 },
  { ids: ['claude-sonnet-4-6'], accuracy: 0.92, ttftMs: 1, tokensPerSec: 0 },
];
const env = (url: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' });
const args = ['run', '-m', 'haiku-4.5,sonnet-4.6', '-c', '32'];

describe('run --follow-up: more cases as a second look', () => {
  it('a pilot says how many cases to add and how; the follow-up is decided at the α the pilot left; nothing is paid twice', async () => {
    await withEmulator({ profiles, key }, async (url, e) => {
      const pilot = await runCli([...args, '-o', 'pilot.json', 'pilot.csv'], env(url), cwd);
      assert.equal(pilot.code, 0, pilot.stderr);
      const first = await readValidReport(join(cwd, 'pilot.json'));
      assert.equal(first.recommendation.look.number, 1);
      assert.equal(first.recommendation.look.alpha.toFixed(9), '0.040000000');
      assert.equal(first.recommendation.comparisons[0]?.verdict, 'inconclusive');
      const more = first.recommendation.comparisons[0]?.moreCases;
      assert.ok(more !== null && more !== undefined && more > 0);
      assert.match(pilot.stdout, /paired 92 % intervals \(4\/5 of the 5 % error on this first look; a --follow-up gets the rest\)/);
      assert.match(
        pilot.stderr,
        new RegExp(
          `^to settle it: append about ${more.toLocaleString('en-US')} new cases to pilot\\.csv and run the same command with --follow-up pilot\\.json \\(the answers paid for now come from the response cache\\)$`,
          'm',
        ),
      );
      const paid = e.stats().requests;
      assert.equal(paid, 240);

      const second = await runCli([...args, '--follow-up', 'pilot.json', '-o', 'second.json', 'more.csv'], env(url), cwd);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(e.stats().requests - paid, 2 * 280, 'only the new cases were called');
      const report = await readValidReport(join(cwd, 'second.json'));
      assert.deepEqual(report.recommendation.look, { number: 2, alpha: secondLookAlpha(0.05, 120 / 400), pilotCases: 120 });
      assert.equal(report.recommendation.comparisons[0]?.interval.level, 1 - 2 * report.recommendation.look.alpha);
      assert.match(second.stdout, /\(the rest of the 5 % error, on this follow-up of a 120-case pilot\)/);
      assert.doesNotMatch(second.stderr, /to settle it/, 'a follow-up advises no third look');

      const plan = await runCli(['plan', '--from', 'second.json'], {}, cwd);
      assert.equal(plan.code, 2);
      assert.match(plan.stderr, /^error: --from second\.json: that run was itself a follow-up, and a third look is not offered/);

      // A third look is refused, before any call.
      const before = e.stats().requests;
      const third = await runCli([...args, '--follow-up', 'second.json', 'more.csv'], env(url), cwd);
      assert.equal(third.code, 2);
      assert.equal(
        third.stderr,
        'error: --follow-up second.json: that run was itself a follow-up, and a third look is not offered — decide on it as it is, or start a fresh benchmark on new cases (without --follow-up)\n',
      );
      assert.equal(e.stats().requests, before);
    });
  });

  it("is refused, in one line and before any call, when it would not ask the pilot's question again on more cases", async () => {
    await withEmulator({ profiles, key }, async (url, e) => {
      const pilot = await runCli([...args, '--quiet', '-o', 'p2.json', 'pilot.csv'], env(url), cwd);
      assert.equal(pilot.code, 0, pilot.stderr);
      const before = e.stats().requests;
      writeFileSync(
        join(cwd, 'changed.csv'),
        readFileSync(join(cwd, 'more.csv'), 'utf8').replace('c7,Customer message 7 about', 'c7,Customer message seven about'),
      );
      const cases: Array<[string[], RegExp]> = [
        [['--follow-up', 'p2.json', 'pilot.csv'], /^error: --follow-up p2\.json: this data has no case the pilot did not have — append new cases to the data/],
        [
          ['--follow-up', 'p2.json', 'changed.csv'],
          /^error: --follow-up p2\.json: 1 of the pilot's 120 cases are not in this data, or are sent differently \(first: \S*pilot\.csv:9\) — a follow-up keeps every pilot case, prompts unchanged, and adds new ones/,
        ],
        [
          ['--follow-up', 'p2.json', '--tolerance', '2', 'more.csv'],
          /^error: --follow-up p2\.json: the pilot was decided at --tolerance 3, this run at 2 — run with --tolerance 3/,
        ],
        [['--follow-up', 'nowhere.json', 'more.csv'], /^error: --follow-up \S*nowhere\.json: file not found/],
      ];
      for (const [extra, message] of cases) {
        const r = await runCli([...args, ...extra], env(url), cwd);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
      assert.equal(e.stats().requests, before, 'nothing was paid for');
    });
  });
});
