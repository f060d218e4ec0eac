// Issue 14, writes that cannot lie: a report that cannot be written is found before anything is
// paid for, said in one line with the path and the fix, and never reported as written.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;
const key = await (async () => {
  const d = await loadDataset(TICKETS);
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();
const profiles: Profile[] = [{ ids: ['claude-haiku-4-5'], accuracy: 0.9, ttftMs: 1, tokensPerSec: 0 }];
const env = (url: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' });

describe('outputs', () => {
  it('an -o that cannot be written is refused before any call: exit 2, one line with the path and the fix', async () => {
    await withEmulator({ profiles, key }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-out-'));
      writeFileSync(join(cwd, 'taken'), 'a file, not a folder');
      for (const [out, reason] of [
        ['taken/r.json', /a part of the path is a file, not a folder — give a path whose folders exist/],
        ['/dev/null', /it is not a regular file/],
      ] as const) {
        const r = await runCli(['run', '-m', 'haiku-4.5', '--limit', '4', '--quiet', '-o', out, TICKETS], env(url), cwd);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, reason);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
      const r = await runCli(
        ['run', '-m', 'haiku-4.5', '--limit', '4', '--quiet', '--report', 'md', '--routing-out', 'taken/map.json', '--by', 'category', TICKETS],
        env(url),
        cwd,
      );
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^error: --routing-out: cannot write/);
      assert.equal(e.stats().requests, 0, 'nothing was paid for');
      assert.ok(
        !existsSync(join(cwd, '.tierbench', 'runs')) || readdirSync(join(cwd, '.tierbench', 'runs')).length === 0,
        'no journal of a run that never started',
      );
    });
  });

  it('a working directory that cannot hold the run journal is refused before any call', async () => {
    await withEmulator({ profiles, key }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-out-'));
      mkdirSync(join(cwd, '.tierbench'));
      writeFileSync(join(cwd, '.tierbench', 'runs'), 'a file where the journal folder goes');
      const r = await runCli(['run', '-m', 'haiku-4.5', '--limit', '4', '--quiet', TICKETS], env(url), cwd);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /^error: cannot write the run journal in \S+runs: a part of the path is a file, not a folder — run tierbench from a folder you can write to/,
      );
      assert.equal(e.stats().requests, 0);
    });
  });

  it('-o naming a folder puts <run id>.json in it; a step summary in a folder not made yet is written', async () => {
    await withEmulator({ profiles, key }, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-out-'));
      mkdirSync(join(cwd, 'out'));
      const summary = join(cwd, 'not', 'yet', 'summary.md');
      for (const out of ['out', 'fresh/']) {
        const r = await runCli(['run', '-m', 'haiku-4.5', '--limit', '4', '--quiet', '-o', out, TICKETS], { ...env(url), GITHUB_STEP_SUMMARY: summary }, cwd);
        assert.equal(r.code, 0, r.stderr);
        const files = readdirSync(join(cwd, out)).filter((f) => f.endsWith('.json'));
        assert.equal(files.length, 1, out);
        assert.equal(readValidReport(join(cwd, out, files[0]!)).summaries[0]?.scored, 4);
      }
      assert.match(readFileSync(summary, 'utf8'), /## tierbench/);
    });
  });
});
