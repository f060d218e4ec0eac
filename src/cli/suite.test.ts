// Issue 19: `tierbench run suite.yaml` — a file drives the run end to end (both SDKs, the real CLI
// in-process, the emulator over real HTTP); the command line overrides it; --resume continues it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { requested } from '../test-support/emulator.js';
import { runCli, startCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import { assertComplete, quick, sdkEnv, TICKETS, withTickets } from '../test-support/tickets.js';

const PROFILES = [quick('claude-haiku-4-5', { accuracy: 0.95 }), quick('gpt-5-mini', { accuracy: 0.6 })];

/** A folder holding `name` with `text`, the tickets named relative to it. */
function suiteIn(name: string, text: (dataset: string) => string): { cwd: string; file: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'tb-suite-'));
  const dir = join(cwd, 'bench');
  mkdirSync(dir);
  const file = join('bench', name);
  writeFileSync(join(cwd, file), text(relative(dir, TICKETS)));
  return { cwd, file };
}

const YAML = (dataset: string): string => `# the support tickets, both API families
dataset: ${dataset}
expected-col: category
models:
  - anthropic:claude-haiku-4-5
  - openai:gpt-5-mini
scorer: exact
concurrency: 8
min-accuracy:
  anthropic:claude-haiku-4-5: 80%
report: [md, junit]
out: ../reports/
`;

describe('a suite file drives the run', () => {
  it('YAML: its models, scorer, gate and reports, paths relative to the file', async () => {
    await withTickets(PROFILES, async (url, e) => {
      const { cwd, file } = suiteIn('tickets.suite.yaml', YAML);
      const r = await runCli(['run', file], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /bench\/tickets\.suite\.yaml \(nothing overridden\) → \S*support-tickets\.csv: 210 cases/);
      const path = /report: (\S+)/.exec(r.stderr)?.[1] ?? '';
      assert.equal(dirname(path), join(cwd, 'reports'), 'out: ../reports/ is beside the bench folder: relative to the file');
      const report = readValidReport(path);
      assert.deepEqual(
        report.models.map((m) => m.name),
        ['anthropic:claude-haiku-4-5', 'openai:gpt-5-mini'],
      );
      assert.equal(report.settings.scorer, 'exact');
      assert.equal(report.settings.concurrency, 8);
      assert.deepEqual(report.settings.suite, { file: 'bench/tickets.suite.yaml', overridden: [] });
      assert.equal(report.gate?.passed, true);
      assert.equal(e.stats().requests, 420);
      for (const ext of ['.md', '.junit.xml']) assert.ok(existsSync(path.replace(/\.json$/, ext)), ext);
    });
  });

  it('the command line wins over the file, and the header says which flags did', async () => {
    await withTickets(PROFILES, async (url) => {
      const { cwd, file } = suiteIn('tickets.suite.yaml', YAML);
      const r = await runCli(['run', file, '--models', 'openai:gpt-5-mini', '--min-accuracy', '0.9', '-o', 'r.json', '--limit', '40'], sdkEnv(url), cwd);
      assert.equal(r.code, 1, `the stricter gate from the command line fails: ${r.stderr}`);
      assert.match(r.stderr, /the command line overrides --min-accuracy, --models, --out\)/);
      const report = readValidReport(join(cwd, 'r.json'));
      assert.deepEqual(
        report.models.map((m) => m.name),
        ['openai:gpt-5-mini'],
      );
      assert.equal(report.dataset.cases, 40);
      assert.deepEqual(report.settings.suite?.overridden, ['--min-accuracy', '--models', '--out']);
    });
  });

  it("--models over the file's: its per-model limits for the models left out are not applied, and it says so", async () => {
    await withTickets(PROFILES, async (url) => {
      const { cwd, file } = suiteIn('tickets.suite.yaml', YAML);
      const r = await runCli(['run', file, '--models', 'openai:gpt-5-mini', '-o', 'r.json', '--limit', '20'], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /note: bench\/tickets\.suite\.yaml:9: min-accuracy for anthropic:claude-haiku-4-5 not applied: not among --models/);
    });
  });

  it('a value the file gave that fails a check made after parsing is named by its line there', async () => {
    await withTickets(PROFILES, async (url, e) => {
      const { cwd, file } = suiteIn('tickets.suite.yaml', (dataset) => `${YAML(dataset)}reference: openai:gpt-4.1\n`);
      const r = await runCli(['run', file], sdkEnv(url), cwd);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error: bench\/tickets\.suite\.yaml:13: reference openai:gpt-4\.1/);
      const late = suiteIn('tickets.suite.yaml', (dataset) => YAML(dataset).replace('anthropic:claude-haiku-4-5: 80%', 'anthropic:claude-haiku-3: 80%'));
      const bad = await runCli(['run', late.file], sdkEnv(url), late.cwd);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /^error: bench\/tickets\.suite\.yaml:9: min-accuracy: anthropic:claude-haiku-3 is not one of the models/);
      assert.equal(e.stats().requests, 0);
    });
  });

  it('JSON: the same keys', async () => {
    await withTickets(PROFILES, async (url) => {
      const { cwd, file } = suiteIn('s.json', (dataset) =>
        JSON.stringify({ dataset, models: ['anthropic:claude-haiku-4-5'], limit: 20, stream: false, quiet: true, out: 'r.json' }, null, 2),
      );
      const r = await runCli(['run', file], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const report = readValidReport(join(cwd, 'bench', 'r.json'));
      assert.equal(report.settings.stream, false);
      assert.equal(report.dataset.cases, 20);
    });
  });

  it('--resume of a stopped suite run makes only the missing calls', async () => {
    await withTickets(PROFILES, async (url, e) => {
      const { cwd, file } = suiteIn('tickets.suite.yaml', (dataset) => `${YAML(dataset).replace('concurrency: 8', 'concurrency: 4')}`);
      const run = startCli(['run', file], sdkEnv(url), cwd);
      await run.until(requested(e, 30));
      run.interrupt();
      const stopped = await run.done;
      assert.equal(stopped.code, 130, stopped.stderr);
      const id = /--resume (\S+)/.exec(stopped.stderr)?.[1] ?? '';
      const before = e.stats().requests;
      const resumed = await runCli(['run', file, '--resume', id], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const report = readValidReport(/report: (\S+)/.exec(resumed.stderr)?.[1] ?? '');
      assertComplete(report);
      assert.equal(report.run.status, 'complete');
      assert.equal(e.stats().requests, 420, `no call made twice (${before} before the resume)`);
      assert.equal(report.gate?.passed, true, "the file's gate applies to the resumed run");
    });
  });
});

describe('tierbench init', () => {
  it('writes a starter that runs as written: offline, simulated, its gate passing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-init-'));
    const init = await runCli(['init'], {}, cwd);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /wrote tierbench\.suite\.yaml: run it with {2}tierbench run tierbench\.suite\.yaml/);
    // No key and no base URL in the environment: nothing real can be reached.
    const r = await runCli(['run', 'tierbench.suite.yaml', '--limit', '24'], {}, cwd);
    assert.equal(r.code, 0, r.stderr);
    const report = readValidReport(/report: (\S+)/.exec(r.stderr)?.[1] ?? '');
    assert.equal(report.run.simulated, true);
    assert.deepEqual(
      report.models.map((m) => m.name),
      ['haiku', 'sonnet', 'opus'],
    );
    assert.equal(report.gate?.passed, true);
    assert.equal(report.settings.suite?.file, 'tierbench.suite.yaml');
    assert.equal(existsSync(join(cwd, '.tierbench', 'cache')), false, 'simulated answers are not cached');
  });

  it('refuses to overwrite a file without --force', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-init-'));
    writeFileSync(join(cwd, 'tierbench.suite.yaml'), 'mine\n');
    const r = await runCli(['init'], {}, cwd);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'error: tierbench.suite.yaml already exists — pass --force to overwrite it, or name another file: tierbench init other.suite.yaml\n',
    );
    assert.equal((await runCli(['init', '--force'], {}, cwd)).code, 0);
  });
});

const LONG_SYSTEM = `You route customer-support tickets for a large online shop. ${'Read the ticket carefully, consider every category, and think about what the customer needs. '.repeat(12)}Reply with one of: Billing, Technical, Account, Shipping, Returns.`;

const VARIANTS = (dataset: string): string => `dataset: ${dataset}
expected-col: category
models: [anthropic:claude-haiku-4-5, openai:gpt-5-mini]
scorer: exact
system: Reply with one of Billing, Technical, Account, Shipping, Returns.
prompts:
  concise: "{{ticket}}"
  detailed:
    file: detailed.txt
    system: ${JSON.stringify(LONG_SYSTEM)}
min-accuracy:
  openai:gpt-5-mini: 0.99
max-error-rate: 0.05
report: [md, junit, html]
out: r.json
`;

describe('several prompts × several models', () => {
  it('each (model, prompt) is a contestant: journaled, cached and judged apart; the shorter prompt costs less', async () => {
    await withTickets(PROFILES, async (url, e) => {
      const { cwd, file } = suiteIn('variants.yaml', VARIANTS);
      writeFileSync(join(cwd, 'bench', 'detailed.txt'), 'Ticket from a customer:\n{{ticket}}\nWhich team should handle it?');
      const r = await runCli(['run', file, '--limit', '60'], sdkEnv(url), cwd);
      // gpt-5-mini answers 60 % right: its per-model limit, applied to both its contestants, fails.
      assert.equal(r.code, 1, r.stderr);
      const report = readValidReport(join(cwd, 'bench', 'r.json'));
      const names = ['anthropic:claude-haiku-4-5', 'openai:gpt-5-mini'].flatMap((m) => [`${m}/concise`, `${m}/detailed`]);
      assert.deepEqual(
        report.models.map((m) => [m.name, m.prompt]),
        names.map((n) => [n, n.split('/').at(-1)]),
      );
      assert.deepEqual(
        report.settings.prompts?.map((p) => p.name),
        ['concise', 'detailed'],
      );
      assert.equal(report.settings.prompts?.[1]?.prompt, 'Ticket from a customer:\n{{ticket}}\nWhich team should handle it?');
      assert.equal(e.stats().requests, 240, '60 cases × 2 models × 2 prompts');
      // What each contestant sent is what it was charged for: the long system prompt costs more.
      for (const m of ['anthropic:claude-haiku-4-5', 'openai:gpt-5-mini']) {
        const cost = (v: string): number => report.summaries.find((s) => s.model === `${m}/${v}`)?.cost?.per1kCases ?? NaN;
        assert.ok(cost('concise') < cost('detailed') / 2, `${m}: concise $${cost('concise')} vs detailed $${cost('detailed')} per 1k`);
      }
      // The verdicts pair every contestant with the dearer ones, prompts of one model included.
      const pairs = report.recommendation.comparisons.map((c) => `${c.model} vs ${c.reference}`);
      assert.ok(pairs.includes('anthropic:claude-haiku-4-5/concise vs anthropic:claude-haiku-4-5/detailed'), pairs.join('\n'));
      assert.match(report.recommendation.recommended ?? '', /\/(concise|detailed)$/);
      const failed = report.gate?.checks.filter((c) => c.status === 'fail').map((c) => c.model);
      assert.deepEqual(failed, ['openai:gpt-5-mini/concise', 'openai:gpt-5-mini/detailed']);
      for (const ext of ['.md', '.junit.xml', '.html']) {
        const text = readFileSync(join(cwd, 'bench', `r${ext}`), 'utf8');
        for (const n of names) assert.ok(text.includes(n), `${ext} names ${n}`);
      }
      // Answers are cached per contestant: the same run again asks nothing.
      const again = await runCli(['run', file, '--limit', '60', '-o', 'again.json'], sdkEnv(url), cwd);
      assert.equal(again.code, 1, again.stderr);
      assert.equal(e.stats().requests, 240, 'every answer came from the cache');
    });
  });

  it('--prompts on the command line overrides the file and names variants after their files', async () => {
    await withTickets(PROFILES, async (url, e) => {
      const { cwd, file } = suiteIn('variants.yaml', VARIANTS);
      writeFileSync(join(cwd, 'bench', 'detailed.txt'), '{{ticket}}');
      writeFileSync(join(cwd, 'short.txt'), '{{ticket}}');
      writeFileSync(join(cwd, 'polite.txt'), 'Please classify: {{ticket}}');
      const r = await runCli(['run', file, '--prompts', 'short.txt,kind=polite.txt', '--limit', '10', '--no-cache', '--min-accuracy', '0.5'], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /the command line overrides --min-accuracy, --prompts\)/);
      const report = readValidReport(join(cwd, 'bench', 'r.json'));
      assert.deepEqual(
        report.models.map((m) => m.name),
        ['anthropic:claude-haiku-4-5', 'openai:gpt-5-mini'].flatMap((m) => [`${m}/short`, `${m}/kind`]),
      );
      assert.equal(report.settings.prompts?.[1]?.prompt, 'Please classify: {{ticket}}');
      assert.equal(e.stats().requests, 40);
    });
  });
});

describe('the bundled example suite', () => {
  it('runs offline with --simulate: four contestants, its gate passing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-example-'));
    const r = await runCli(['run', join(ROOT, 'datasets', 'support-tickets.suite.yaml'), '--simulate', '--limit', '20', '--quiet', '-o', 'r.json'], {}, cwd);
    assert.equal(r.code, 0, r.stderr);
    const report = readValidReport(join(cwd, 'r.json'));
    assert.deepEqual(
      report.models.map((m) => m.name),
      ['haiku/concise', 'haiku/detailed', 'sonnet/concise', 'sonnet/detailed'],
    );
    assert.equal(report.gate?.passed, true);
  });
});
