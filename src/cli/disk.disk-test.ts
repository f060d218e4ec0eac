// Issue 14, disk faults as data, on real file systems: a read-only tmpfs and a tmpfs that fills up.
// Mounting needs root, so this runs in CI (`npm run test:disk`, from .ci/run), not in `npm test`;
// there the same code paths meet a real ENOSPC from /dev/full (execute/storage.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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
const profiles: Profile[] = ['claude-haiku-4-5', 'claude-sonnet-4-6'].map((id) => ({ ids: [id], accuracy: 0.9, ttftMs: 1, tokensPerSec: 0 }));
const MODELS = 'haiku-4.5,sonnet-4.6';
const CONCURRENCY = 4;

const mounts: string[] = [];
/** A tmpfs of `size` mounted on a new folder (read-only with `ro`). */
function tmpfs(size: string, ro = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `${ro ? 'ro,' : ''}size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`this test mounts tmpfs file systems and needs root (CI runs it as root): ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
  }
  mounts.push(dir);
  return dir;
}
after(() => {
  for (const dir of mounts) execFileSync('umount', [dir]);
});

/** Fills the file system holding `dir` with one file, removed by the function returned. */
function fill(dir: string): () => void {
  const filler = join(dir, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // dd stops with an error at the end of the space: that is the point.
  }
  return () => rmSync(filler);
}

const env = (url: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' });
const oneLine = (stderr: string): void => {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
};

describe('disk faults on real file systems', () => {
  it('a read-only file system: -o there, or the run folder there, is refused in one line before any call', async () => {
    const ro = tmpfs('64k', true);
    await withEmulator({ profiles, key }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-disk-cwd-'));
      const r = await runCli(['run', '-m', MODELS, '--limit', '4', '--quiet', '-o', join(ro, 'r.json'), TICKETS], env(url), cwd);
      assert.equal(r.code, 2);
      oneLine(r.stderr);
      assert.match(r.stderr, /^error: -o \S+r\.json: cannot write \S+r\.json: the file system is read-only — choose a folder on a writable disk$/m);
      const inRo = await runCli(['run', '-m', MODELS, '--limit', '4', '--quiet', '-o', join(cwd, 'r.json'), TICKETS], env(url), ro);
      assert.equal(inRo.code, 2);
      oneLine(inRo.stderr);
      assert.match(inRo.stderr, /cannot write the run journal in \S+: the file system is read-only/);
      assert.equal(e.stats().requests, 0, 'nothing was paid for');
    });
  });

  it('a full disk under the report: exit 3, the earlier report whole, the journal kept; --resume writes it without a call', async () => {
    const full = tmpfs('256k');
    const out = join(full, 'r.json');
    await withEmulator({ profiles, key }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-disk-cwd-'));
      const args = ['run', '-m', MODELS, '--limit', '30', '--quiet', '-o', out, TICKETS];
      assert.equal((await runCli(args, env(url), cwd)).code, 0);
      const earlier = readFileSync(out, 'utf8');
      const free = fill(full);
      const r = await runCli(args, env(url), cwd);
      assert.equal(r.code, 3, r.stderr);
      oneLine(r.stderr);
      const id = /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
      assert.match(
        r.stderr,
        /^error: -o \S+r\.json: cannot write \S+r\.json: the disk is full — free some space, then `tierbench run --resume \S+` writes it without a call \(the run journal is kept\)$/m,
      );
      assert.equal(readFileSync(out, 'utf8'), earlier, 'the earlier report is whole');
      assert.deepEqual(readdirSync(full).sort(), ['filler', 'r.json'], 'no temporary file left behind');
      assert.ok(existsSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`)), 'the journal is kept');
      const paid = e.stats().requests;
      free();
      const resumed = await runCli(['run', '--resume', id, '--quiet'], env(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(e.stats().requests, paid, 'nothing paid twice');
      const report = readValidReport(out);
      assert.equal(report.run.id, id);
      assert.deepEqual(
        report.summaries.map((s) => s.scored),
        [30, 30],
      );
    });
  });

  it('a disk that fills under the journal stops new calls; every answer paid is in the report, and --resume finishes the run', async () => {
    const full = tmpfs('32k');
    const cwd = join(full, 'project');
    mkdirSync(cwd);
    await withEmulator({ profiles, key }, async (url, e) => {
      const out = join(mkdtempSync(join(tmpdir(), 'tb-disk-out-')), 'r.json');
      const r = await runCli(['run', '-m', MODELS, '-c', String(CONCURRENCY), '--no-cache', '--quiet', '-o', out, TICKETS], env(url), cwd);
      assert.equal(r.code, 3, r.stderr);
      oneLine(r.stderr);
      assert.match(
        r.stderr,
        /^error: stopped: cannot write the run journal \S+\.journal\.jsonl: the disk is full \(the answers paid are in the report\) — free some space; \d+ of 420 calls done\. Continue with: tierbench run --resume \S+$/m,
      );
      const id = /--resume (\S+)$/m.exec(r.stderr)?.[1] ?? '';
      const partial = readValidReport(out);
      assert.equal(partial.run.status, 'disk');
      const served = e.stats().succeeded;
      assert.ok(served < 420, `stopped early: ${served} calls`);
      assert.equal(partial.results.length, served, 'every answer paid is in the report');

      rmSync(out);
      // Room again: the tmpfs grows (a user would free space).
      execFileSync('mount', ['-o', 'remount,size=4m', cwd.replace(/\/project$/, '')]);
      const resumed = await runCli(['run', '--resume', id, '--quiet', '-o', out], env(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const report = readValidReport(out);
      const keys = new Set(report.results.map((x) => `${x.model}:${x.caseIndex}`));
      assert.equal(keys.size, 420, 'every case × model exactly once');
      const repeated = e.stats().succeeded - 420;
      assert.ok(repeated <= CONCURRENCY, `paid twice: ${repeated} (at most the calls in flight when the journal failed)`);
    });
  });

  it('a full disk under the response cache: the run goes on uncached, and a note says so', async () => {
    const full = tmpfs('16k');
    await withEmulator({ profiles, key }, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-disk-cwd-'));
      const r = await runCli(['run', '-m', MODELS, '--limit', '60', '--quiet', '--cache-dir', full, '-o', 'r.json', TICKETS], env(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const report = readValidReport(join(cwd, 'r.json'));
      assert.deepEqual(
        report.summaries.map((s) => s.scored),
        [60, 60],
      );
      assert.ok(
        report.notes.some((n) => /^the response cache in \S+ could not be written \(the disk is full\): answers from then on were not cached$/.test(n)),
        report.notes.join('\n'),
      );
    });
  });
});
