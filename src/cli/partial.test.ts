// Issue 14, exit codes that tell the truth: a model stopped by a bad key, no credit or a wrong id
// makes the run exit 3, the recommendation says it is over the other models only, and once the
// cause is fixed --resume makes only the stopped model's missing calls.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
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
const profiles: Profile[] = ['claude-haiku-4-5', 'gpt-4o-mini'].map((id) => ({ ids: [id], accuracy: 0.9, ttftMs: 1, tokensPerSec: 0 }));

describe('a model stopped early', () => {
  it('exit 3, a caveat on the recommendation, the journal kept; --resume with the key fixed makes only the missing calls', async () => {
    await withEmulator({ profiles, key, apiKeys: ['good-key'] }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-partial-'));
      const env = (anthropicKey: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_API_KEY: anthropicKey, OPENAI_API_KEY: 'good-key' });
      const args = ['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '12', '--quiet', '-o', 'r.json', TICKETS];
      const r = await runCli(args, env('bad-key'), cwd);
      assert.equal(r.code, 3, r.stderr);
      const id = /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
      assert.match(r.stderr, /^haiku-4\.5 stopped early \(see the notes\): exit 3; fix the cause, then `tierbench run --resume \S+` makes only the missing calls$/m);
      const partial = readValidReport(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'partial');
      assert.equal(partial.recommendation.caveats[0], 'haiku-4.5 stopped early: the recommendation is over the other models only');
      assert.equal(partial.summaries[1]?.scored, 12);
      assert.ok(existsSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`)), 'the journal is kept');
      const gptCalls = e.stats('gpt-4o-mini').requests;

      const resumed = await runCli(['run', '--resume', id, '--quiet'], env('good-key'), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const full = readValidReport(join(cwd, 'r.json'));
      assert.equal(full.run.status, 'complete');
      assert.deepEqual(full.summaries.map((s) => [s.model, s.scored, s.errors.total]), [['haiku-4.5', 12, 0], ['gpt-4o-mini', 12, 0]]);
      assert.equal(e.stats('gpt-4o-mini').requests, gptCalls, 'nothing paid twice');
      assert.equal(readdirSync(join(cwd, '.tierbench', 'runs')).length, 0, 'the journal is removed once complete');
    });
  });
});
