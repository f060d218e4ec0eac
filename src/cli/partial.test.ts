// Issue 14, exit codes that tell the truth: a model stopped by a bad key, no credit or a wrong id
// makes the run exit 3, the recommendation says it is over the other models only, and once the
// cause is fixed --resume makes only the stopped model's missing calls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
      const env = (anthropicKey: string): Record<string, string> => ({
        ANTHROPIC_BASE_URL: url,
        OPENAI_BASE_URL: `${url}/v1`,
        ANTHROPIC_API_KEY: anthropicKey,
        OPENAI_API_KEY: 'good-key',
      });
      const args = ['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '12', '--quiet', '-o', 'r.json', TICKETS];
      const r = await runCli(args, env('bad-key'), cwd);
      assert.equal(r.code, 3, r.stderr);
      const id = /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
      assert.match(
        r.stderr,
        /^haiku-4\.5 stopped early \(see the notes\): exit 3; fix the cause, then `tierbench run --resume \S+` makes only the missing calls$/m,
      );
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
      assert.deepEqual(
        full.summaries.map((s) => [s.model, s.scored, s.errors.total]),
        [
          ['haiku-4.5', 12, 0],
          ['gpt-4o-mini', 12, 0],
        ],
      );
      assert.equal(e.stats('gpt-4o-mini').requests, gptCalls, 'nothing paid twice');
      assert.equal(readdirSync(join(cwd, '.tierbench', 'runs')).length, 0, 'the journal is removed once complete');
    });
  });
});

describe('--resume continues the same run', () => {
  /** A run stopped by a bad key: a journal to resume. */
  async function stoppedRun(url: string, cwd: string): Promise<string> {
    const r = await runCli(
      ['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '6', '--quiet', '-o', 'r.json', TICKETS],
      { ANTHROPIC_BASE_URL: url, OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_API_KEY: 'bad', OPENAI_API_KEY: 'good-key' },
      cwd,
    );
    assert.equal(r.code, 3, r.stderr);
    return /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
  }

  it('flags that would change what it measures are refused, in one line; others are applied', async () => {
    await withEmulator({ profiles, key, apiKeys: ['good-key'] }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-resume-'));
      const id = await stoppedRun(url, cwd);
      const env = { ANTHROPIC_BASE_URL: url, OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_API_KEY: 'good-key', OPENAI_API_KEY: 'good-key' };
      const before = e.stats().requests;
      for (const [args, named] of [
        [['-m', 'sonnet'], '--models'],
        [['--no-stream', '--limit', '3'], '--limit, --no-stream'],
        [['--max-tokens', '5', TICKETS], `${TICKETS}, --max-tokens`],
      ] as const) {
        const r = await runCli(['run', '--resume', id, ...args], env, cwd);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(
          r.stderr,
          `error: --resume continues the run as it started: ${named} would change what it measures — drop them to continue it, or start a new run without --resume; --resume accepts -o, --report, --max-cost, --yes, -c, --rpm, --tpm, --batch-poll, --follow-up, --scorer-timeout, --scorer-concurrency and the gate flags\n`,
        );
      }
      const moved = await runCli(['run', '--resume', id], { ...env, ANTHROPIC_BASE_URL: 'http://user:pw@127.0.0.9:1' }, cwd);
      assert.equal(moved.code, 2);
      assert.match(
        moved.stderr,
        /haiku-4\.5 was called at http:\/\/127\.0\.0\.1:\d+, and ANTHROPIC_BASE_URL now says http:\/\/127\.0\.0\.9:1 — set ANTHROPIC_BASE_URL back/,
      );
      assert.equal(e.stats().requests, before, 'nothing was sent');
      const r = await runCli(['run', '--resume', id, '-c', '2', '-o', 'elsewhere.json', '--quiet'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      const report = readValidReport(join(cwd, 'elsewhere.json'));
      assert.deepEqual([report.run.status, report.settings.concurrency], ['complete', 2]);
    });
  });

  it("two processes never run one journal: a live owner is refused, a dead one's lock is taken over", async () => {
    await withEmulator({ profiles, key, apiKeys: ['good-key'] }, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-lock-'));
      const id = await stoppedRun(url, cwd);
      const lock = join(cwd, '.tierbench', 'runs', `${id}.lock`);
      const env = { ANTHROPIC_BASE_URL: url, OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_API_KEY: 'good-key', OPENAI_API_KEY: 'good-key' };
      const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
      try {
        writeFileSync(lock, String(owner.pid));
        const r = await runCli(['run', '--resume', id, '--quiet'], env, cwd);
        assert.equal(r.code, 2);
        assert.equal(
          r.stderr,
          `error: run ${id} is already running (process ${owner.pid}) — wait for it to finish or stop it; if no such process is running tierbench, remove ${lock}\n`,
        );
      } finally {
        owner.kill();
      }
      await new Promise((resolve) => owner.once('exit', resolve));
      const r = await runCli(['run', '--resume', id, '--quiet'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(lock), 'the lock is released');
    });
  });
});

describe('keys go only where they belong', () => {
  it("a config file cannot send a provider's key to another host, nor any variable that is not a key", async () => {
    await withEmulator({ profiles, key }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-keys-'));
      const env = { ANTHROPIC_API_KEY: 'the-real-anthropic-key', PATH: '/usr/bin' };
      for (const [endpoint, reason] of [
        [
          { baseURL: url, api: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY' },
          /apiKeyEnv is ANTHROPIC_API_KEY, the key for api\.anthropic\.com, but baseURL is 127\.0\.0\.1:\d+ — give this endpoint a variable of its own, e\.g\. "EVIL_API_KEY"/,
        ],
        [{ baseURL: url, api: 'anthropic', apiKeyEnv: 'PATH' }, /apiKeyEnv is PATH, which does not look like a key variable/],
      ] as const) {
        writeFileSync(
          join(cwd, 'tierbench.config.json'),
          JSON.stringify({
            endpoints: { evil: endpoint },
            aliases: { haiku: 'evil:claude-haiku-4-5' },
            prices: { 'evil:claude-haiku-4-5': { input: 1, output: 1 } },
          }),
        );
        const r = await runCli(['run', '-m', 'haiku', '--limit', '2', TICKETS], env, cwd);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, reason);
      }
      assert.equal(e.stats().requests, 0, 'nothing was sent');
    });
  });

  it('a config file from the working directory is announced; a key a server echoes in its answer is stored nowhere', async () => {
    const SECRET = 'sk-echo-0123456789abcdefSECRET';
    const cwd = mkdtempSync(join(tmpdir(), 'tb-echo-'));
    writeFileSync(join(cwd, 'cases.csv'), 'input,expected\nWhat is your key?,none\nAnd again?,none\n');
    // The simulated server answers both with the key it was sent.
    const echo = new AnswerKey([
      { needle: 'What is your key?', expected: SECRET },
      { needle: 'And again?', expected: SECRET },
    ]);
    await withEmulator({ profiles: [{ ids: ['local-model'], accuracy: 1, ttftMs: 1, tokensPerSec: 0 }], key: echo }, async (url) => {
      writeFileSync(
        join(cwd, 'tierbench.config.json'),
        JSON.stringify({
          endpoints: { local: { baseURL: `${url}/v1`, apiKeyEnv: 'LOCAL_API_KEY' } },
          prices: { 'local:local-model': { input: 1, output: 1 } },
        }),
      );
      const r = await runCli(
        ['run', '-m', 'local:local-model', '--quiet', '--report', 'md,csv,html', '-o', 'r.json', 'cases.csv'],
        { LOCAL_API_KEY: SECRET },
        cwd,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^using \S+tierbench\.config\.json: local → http:\/\/127\.0\.0\.1:\d+\/v1 \(key from LOCAL_API_KEY\)$/m);
      const report = readValidReport(join(cwd, 'r.json'));
      assert.deepEqual(
        report.results.map((x) => x.output),
        ['[redacted]', '[redacted]'],
      );
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
      for (const f of walk(cwd)) assert.ok(!readFileSync(f, 'utf8').includes('0123456789abcdefSECRET'), `${f} holds the key`);
      assert.ok(!r.stdout.includes('SECRET') && !r.stderr.includes('SECRET'));
    });
  });
});

describe('bounded input', () => {
  it("a dead endpoint stops its model after the SDK's retries, once, not once per case", async () => {
    // A port nothing listens on.
    const cwd = mkdtempSync(join(tmpdir(), 'tb-dead-'));
    const r = await runCli(
      ['run', '-m', 'haiku-4.5', '--limit', '20', '--max-retries', '1', '--quiet', '-o', 'r.json', TICKETS],
      { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', ANTHROPIC_API_KEY: 'k' },
      cwd,
    );
    assert.equal(r.code, 3);
    const report = readValidReport(join(cwd, 'r.json'));
    const s = report.summaries[0]!;
    assert.ok(s.n <= 8 && s.errors.byKind.unreachable === s.n, `stopped at once: ${JSON.stringify(s.errors)} over ${s.n} calls`);
    assert.ok(
      report.notes.some((n) =>
        /haiku-4\.5 stopped after an unreachable error: .*ECONNREFUSED.* — check that the server at http:\/\/127\.0\.0\.1:9 is running/.test(n),
      ),
      report.notes.join('\n'),
    );
    // The stored error names the address and the cause, not only the SDK's "Connection error."
    assert.match(report.results[0]!.error!.message, /^Connection error: connect ECONNREFUSED 127\.0\.0\.1:9$/);
    assert.match(r.stdout, /no model to test against/);
    assert.doesNotMatch(r.stdout, /against null/);
  });
});

describe('credentials in URLs', () => {
  it('a password in a base URL is never written to the journal, and a resume takes it from the environment again', async () => {
    await withEmulator({ profiles, key, apiKeys: ['good-key'] }, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-cred-'));
      const withPassword = url.replace('http://', 'http://user:pa55w0rd-xyz@');
      const env = (anthropicKey: string): Record<string, string> => ({
        ANTHROPIC_BASE_URL: withPassword,
        OPENAI_BASE_URL: `${url}/v1`,
        ANTHROPIC_API_KEY: anthropicKey,
        OPENAI_API_KEY: 'good-key',
      });
      const r = await runCli(['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '4', '--quiet', '-o', 'r.json', TICKETS], env('bad'), cwd);
      assert.equal(r.code, 3, r.stderr);
      const id = /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
      const journal = readFileSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`), 'utf8');
      assert.ok(!journal.includes('pa55w0rd'), 'no password in the journal');
      assert.ok(!readFileSync(join(cwd, 'r.json'), 'utf8').includes('pa55w0rd'), 'nor in the report');
      const resumed = await runCli(['run', '--resume', id, '--quiet'], env('good-key'), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(readValidReport(join(cwd, 'r.json')).summaries[0]?.scored, 4);
    });
  });
});
