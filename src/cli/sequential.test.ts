// Issue 20, item 2: `run --sequential` runs the cases in a shuffled order, looks at the verdicts at
// 25, 50, 75 and 100 % of them, and stops once the recommendation is decided; what it spent and
// what stopping saved are in the report; a run stopped between looks resumes without paying twice.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sequentialAlpha } from '../analysis/looks.js';
import { loadDataset } from '../cases/load.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { readValidReport } from '../test-support/report.js';

const labels = ['Billing', 'Technical', 'Account', 'Shipping'];
const cwd = mkdtempSync(join(tmpdir(), 'tb-sequential-'));
// Sorted by label, as a file often is: the first quarter is all Billing.
const rows = Array.from({ length: 400 }, (_, i) => `c${i},Customer message ${i} about the order,${labels[Math.floor(i / 100)]}`);
writeFileSync(join(cwd, 'cases.csv'), `id,input,expected\n${rows.join('\n')}\n`);
const key = await (async () => {
  const d = await loadDataset(join(cwd, 'cases.csv'));
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();
const env = (url: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' });
const args = ['run', '-m', 'haiku-4.5,sonnet-4.6', '-c', '32', '--sequential'];
const profile = (haiku: number, sonnet: number): Profile[] => [
  { ids: ['claude-haiku-4-5'], accuracy: haiku, ttftMs: 1, tokensPerSec: 0 },
  { ids: ['claude-sonnet-4-6'], accuracy: sonnet, ttftMs: 1, tokensPerSec: 0 },
];
const fractions = [0.25, 0.5, 0.75, 1];

describe('run --sequential: stop as soon as the recommendation is decided', () => {
  it('stops at the first look when the cheap model is clearly worse, with fewer calls, and reports what it saved', async () => {
    await withEmulator({ profiles: profile(0.4, 0.97), key }, async (url, e) => {
      const r = await runCli([...args, '-o', 'worse.json', '--report', 'md,html', 'cases.csv'], env(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(e.stats().requests, 2 * 100, 'the first look: a quarter of the cases, both models');
      const report = await readValidReport(join(cwd, 'worse.json'));
      const s = report.sequential;
      assert.ok(s !== undefined);
      assert.deepEqual(
        { stoppedAt: s.stoppedAt, decided: s.decided, looks: s.looks, plannedCases: s.plannedCases, calls: s.calls },
        { stoppedAt: 1, decided: true, looks: [100, 200, 300, 400], plannedCases: 400, calls: { used: 200, full: 800 } },
      );
      assert.deepEqual(
        s.alphas,
        [1, 2, 3, 4].map((k) => sequentialAlpha(0.05, fractions, k)),
      );
      assert.ok(s.cost !== null && s.cost.used > 0);
      assert.equal(s.cost.full.toFixed(9), (s.cost.used * 4).toFixed(9));
      assert.equal(s.cost.saved.toFixed(9), (s.cost.used * 3).toFixed(9));
      assert.equal(report.dataset.cases, 100);
      assert.equal(report.summaries[0]?.n, 100);
      // The shuffled order: the first look is not the file's first 100 rows (all Billing).
      assert.ok(new Set(report.cases.map((c) => c.expected)).size === 4);
      const verdict = report.recommendation.comparisons[0];
      assert.equal(verdict?.verdict, 'worse');
      assert.equal(verdict?.look, 1);
      assert.equal(verdict?.interval.level, 1 - 2 * s.alphas[0]!);
      assert.equal(report.recommendation.recommended, 'sonnet-4.6');
      assert.match(
        r.stdout,
        /Sequential: stopped at look 1 of 4 \(100 of 400 cases\): decided\. 200 of 800 calls, \$[\d.]+ of \$[\d.]+ — saved \$[\d.]+ \(75 %\)/,
      );
      const md = await import('node:fs/promises').then((fs) => fs.readFile(join(cwd, 'worse.md'), 'utf8'));
      assert.match(md, /## Sequential decision\n\nStopped at look 1 of 4 \(100 of 400 cases\): decided\./);
      assert.match(md, /\| 1 \| 100 \| /);
      const html = await import('node:fs/promises').then((fs) => fs.readFile(join(cwd, 'worse.html'), 'utf8'));
      assert.match(html, /Sequential decision/);
    });
  });

  it('goes to the full size when the verdict stays open, and spends nothing beyond it', async () => {
    await withEmulator({ profiles: profile(0.85, 0.92), key }, async (url, e) => {
      const r = await runCli([...args, '--quiet', '-o', 'open.json', 'cases.csv'], env(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(e.stats().requests, 2 * 400);
      const report = await readValidReport(join(cwd, 'open.json'));
      assert.equal(report.sequential?.stoppedAt, 4);
      assert.equal(report.sequential?.decided, false);
      assert.deepEqual(report.sequential?.calls, { used: 800, full: 800 });
      assert.equal(report.sequential?.cost?.saved, 0);
      const verdict = report.recommendation.comparisons[0];
      assert.equal(verdict?.verdict, 'inconclusive');
      assert.equal(verdict?.moreCases, null, 'no "more cases" advice: the looks spent the error budget');
      assert.equal(verdict?.interval.level, 1 - 2 * sequentialAlpha(0.05, fractions, 4));
      assert.doesNotMatch(r.stderr, /to settle it/);
      // Its whole error is spent: no follow-up of it, nor a plan for one.
      const plan = await runCli(['plan', '--from', 'open.json'], {}, cwd);
      assert.equal(plan.code, 2);
      assert.match(plan.stderr, /^error: --from open\.json: that run was sequential, and spent its whole error budget over its looks/);
      const before = e.stats().requests;
      const follow = await runCli(['run', '-m', 'haiku-4.5,sonnet-4.6', '--follow-up', 'open.json', 'cases.csv'], env(url), cwd);
      assert.equal(follow.code, 2);
      assert.match(follow.stderr, /^error: --follow-up open\.json: that run was sequential/);
      assert.equal(e.stats().requests, before);
    });
  });

  it('a run stopped between looks resumes there: the looks made are replayed from the journal, nothing is paid twice', async () => {
    await withEmulator({ profiles: profile(0.85, 0.92), key }, async (url, e) => {
      const first = await runCli([...args, '--no-cache', '--quiet', '--max-cost', '0.02', '--yes', '-o', 'stopped.json', 'cases.csv'], env(url), cwd);
      assert.equal(first.code, 3, first.stderr);
      const stopped = await readValidReport(join(cwd, 'stopped.json'));
      assert.equal(stopped.run.status, 'budget');
      const paid = e.stats().requests;
      assert.ok(paid > 200 && paid < 800, `${paid}`);
      const resumed = await runCli(['run', '--resume', stopped.run.id, '--quiet', '--max-cost', '1', '-o', 'resumed.json'], env(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(e.stats().requests, 800, 'every case × model paid once');
      const report = await readValidReport(join(cwd, 'resumed.json'));
      assert.equal(report.sequential?.stoppedAt, 4);
      assert.deepEqual(report.sequential?.calls, { used: 800, full: 800 });
    });
  });

  it('refuses what it cannot decide with, in one line and before any call', async () => {
    const refusals: Array<[string[], RegExp]> = [
      [['--looks', '3'], /^error: --looks 3 needs --sequential — add --sequential, or drop --looks$/],
      [['--sequential', '--looks', '1'], /--looks.*expected a whole number from 2 to 20/],
      [['--sequential', '--by', 'expected'], /^error: --sequential and --by cannot go together/],
      [['--sequential', '--shard', '1/2'], /^error: --sequential and --shard cannot go together: each shard would stop on its own slice/],
    ];
    for (const [extra, message] of refusals) {
      const r = await runCli(['run', '-m', 'haiku-4.5,sonnet-4.6', ...extra, 'cases.csv'], { ANTHROPIC_API_KEY: 'k' }, cwd);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.trim(), message);
    }
  });
});
