// Issue 20, batch mode: `tierbench run --batch` through Anthropic's Message Batches and OpenAI's
// Batch API, end to end on the emulator through both SDKs. The same figures as a live run at half
// the price; Ctrl-C after the batches are submitted, then --resume, with the emulator's counters
// showing nothing submitted or paid twice; errored lines; expiry and resubmitting only what expired.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import type { BatchOptions } from '../emulator/batches.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { money } from '../format.js';
import { runCli, startCli } from '../test-support/inprocess.js';
import { readValidReport } from '../test-support/report.js';
import { quick, sdkEnv, TICKETS } from '../test-support/tickets.js';
import type { Report } from '../types.js';

const CASES = 12;
const MODELS = 'haiku-4.5,gpt-4o-mini';
const IDS = ['claude-haiku-4-5', 'gpt-4o-mini'];
const key = await (async () => {
  const d = await loadDataset(TICKETS);
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();

/** A fresh emulator (the same seed: the same answers to the same prompts) for the length of `fn`. */
async function withBatches<T>(
  batches: BatchOptions,
  fn: (url: string, e: Emulator) => Promise<T>,
  profiles: Profile[] = IDS.map((id) => quick(id)),
  apiKeys?: string[],
): Promise<T> {
  const e = new Emulator({ profiles, key, batches: { startMs: 1, ...batches }, ...(apiKeys !== undefined && { apiKeys }) });
  const url = await e.listen();
  try {
    return await fn(url, e);
  } finally {
    await e.close();
  }
}

const run = (extra: string[]): string[] => ['run', '-m', MODELS, '--limit', String(CASES), '--quiet', '--no-cache', '-o', 'r.json', ...extra, TICKETS];
const batchRun = (extra: string[] = []): string[] => run(['--batch', '--batch-poll', '0.01', ...extra]);
const byModel = (r: Report) => Object.fromEntries(r.summaries.map((s) => [s.model, s]));

describe('--batch', () => {
  it("gives the live run's accuracy at half its cost, through both SDKs, with latency not measured in every format", async () => {
    const live = await withBatches({}, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-live-'));
      const r = await runCli(run([]), sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      return readValidReport(join(cwd, 'r.json'));
    });
    await withBatches({}, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-'));
      const r = await runCli(batchRun(['--report', 'md,html,junit,csv', '--junit-cases']), sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const batch = readValidReport(join(cwd, 'r.json'));
      assert.equal(batch.settings.batch, true);
      assert.equal(batch.settings.stream, false);
      assert.equal(batch.run.simulated, true);
      for (const [name, s] of Object.entries(byModel(batch))) {
        const l = byModel(live)[name]!;
        assert.deepEqual([s.accuracy, s.scored, s.errors.total], [l.accuracy, l.scored, l.errors.total], name);
        assert.ok(Math.abs(s.cost!.total - l.cost!.total / 2) < 1e-12, `${name}: ${s.cost!.total} is half of ${l.cost!.total}`);
        assert.equal(s.latencyMs, null, `${name}: no latency`);
      }
      assert.ok(batch.results.every((x) => x.latencyMs === null && x.ttftMs === null && x.paid === 1));
      assert.deepEqual(batch.recommendation.recommended, live.recommendation.recommended);
      const total = batch.summaries.reduce((n, s) => n + s.cost!.total, 0);
      const saving = batch.notes.find((n) => n.startsWith('batch mode: '));
      assert.match(saving ?? '', /^batch mode: \$\S+ paid at the batch rates; the same tokens at the live rates: \$\S+ \(saved \$\S+, 50 %\)$/);
      assert.ok(saving?.includes(money(total)), `${saving} names ${money(total)}`);
      // One batch per model (an OpenAI input file holds one model), each request submitted and answered once.
      assert.deepEqual(e.batches.counts, { batches: 2, requests: 2 * CASES, canceled: 0 });
      for (const id of IDS) assert.equal(e.stats(id).requests, CASES, id);
      // Every view says "not measured", none shows 0 ms.
      const md = readFileSync(join(cwd, 'r.md'), 'utf8');
      assert.match(md, /\| not measured \| not measured \|/);
      assert.match(readFileSync(join(cwd, 'r.html'), 'utf8'), /<td class="num">not measured<\/td>/);
      const junit = readFileSync(join(cwd, 'r.junit.xml'), 'utf8');
      assert.match(junit, /<property name="latency" value="not measured \(batch mode\)"\/>/);
      assert.doesNotMatch(junit, /name="case [^"]*" time=/);
      const csv = readFileSync(join(cwd, 'r.csv'), 'utf8').split('\n');
      const at = csv[0]!.split(',').indexOf('latency_ms');
      assert.equal(csv[1]!.split(',')[at], 'not measured');
    });
  });

  it('prints "not measured" in the terminal table, and says what batch mode priced', async () => {
    await withBatches({}, async (url) => {
      const r = await runCli(
        ['run', '-m', 'haiku-4.5', '--limit', '3', '--no-cache', '--batch', '--batch-poll', '0.01', '--explain', '-o', 'r.json', TICKETS],
        sdkEnv(url),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /│ +Latency │/);
      assert.match(r.stdout, /│ +not measured │/);
      assert.match(r.stdout, /Batch mode: .* batch rates \(half price\); latency not measured/);
      assert.match(r.stdout, /the costs are the real batch rates of the tokens/);
      assert.match(r.stdout, /Latency: not measured: a batch \(--batch\) answers within 24 hours/);
      assert.doesNotMatch(r.stdout, /p50 \/ p95 ms|tok\/s/);
    });
  });

  it('Ctrl-C after submitting leaves the batches running; --resume re-attaches to them and pays nothing twice', async () => {
    await withBatches({ hold: true }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-resume-'));
      const started = startCli(batchRun(), sdkEnv(url), cwd);
      await started.until(e.batches.created(2));
      started.interrupt();
      const stopped = await started.done;
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.match(stopped.stderr, /the batches keep running at the provider .*`tierbench run --resume (\S+)` picks them up/);
      const id = /--resume (\S+)`/.exec(stopped.stderr)?.[1] ?? '';
      const journal = readFileSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`), 'utf8');
      assert.equal(journal.split('\n').filter((l) => l.includes('"type":"batch"')).length, 2, 'both batch ids journaled');
      // Nothing was answered yet; the provider goes on with the batches while tierbench is away.
      assert.deepEqual(
        IDS.map((m) => e.stats(m).requests),
        [0, 0],
      );
      e.batches.release();

      const resumed = await runCli(['run', '--resume', id, '--quiet', '--batch-poll', '0.01'], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const report = readValidReport(join(cwd, 'r.json'));
      assert.equal(report.run.status, 'complete');
      for (const s of report.summaries) assert.deepEqual([s.model, s.scored, s.errors.total], [s.model, CASES, 0]);
      assert.deepEqual(e.batches.counts, { batches: 2, requests: 2 * CASES, canceled: 0 }, 'no batch submitted again');
      for (const m of IDS) assert.equal(e.stats(m).requests, CASES, `${m}: each request run (and billed) once`);
      assert.equal(readdirSync(join(cwd, '.tierbench', 'runs')).length, 0, 'the journal is removed once complete');
    });
  });

  it('errored lines are failures of their kind, counted as wrong; the other answers are kept', async () => {
    const faulty = IDS.map((id) => quick(id, { faults: [{ status: 500, rate: 0.3 }] }));
    await withBatches(
      {},
      async (url) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-errored-'));
        const r = await runCli(batchRun(['--max-retries', '0']), sdkEnv(url), cwd);
        assert.equal(r.code, 0, r.stderr);
        const report = readValidReport(join(cwd, 'r.json'));
        for (const s of report.summaries) {
          assert.equal(s.n, CASES, s.model);
          assert.ok(s.errors.total > 0 && s.errors.total < CASES, `${s.model}: ${s.errors.total} errored`);
          assert.equal(s.errors.byKind.server, s.errors.total, `${s.model}: server errors`);
        }
        const failed = report.results.filter((x) => x.error !== undefined);
        assert.ok(failed.every((x) => x.cost === null && x.paid === 0 && /500|api_error|server_error/.test(x.error!.message)));
      },
      faulty,
    );
  });

  it('requests the batch never ran (expired) end the run partial; --resume submits only those', async () => {
    await withBatches({ expireAfter: 5 }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-expired-'));
      const r = await runCli(batchRun(), sdkEnv(url), cwd);
      assert.equal(r.code, 3, r.stderr);
      const id = /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
      const partial = readValidReport(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'partial');
      for (const s of partial.summaries) assert.deepEqual([s.errors.total, s.errors.byKind.expired], [CASES - 5, CASES - 5], s.model);
      assert.ok(
        partial.notes.some((n) => /^haiku-4\.5: 7 requests expired in the batch before being run \(not billed\): --resume submits only those$/.test(n)),
      );
      assert.ok(partial.results.filter((x) => x.error?.kind === 'expired').every((x) => x.cost === null && x.paid === 0));

      e.batches.settings.expireAfter = undefined;
      const resumed = await runCli(['run', '--resume', id, '--quiet', '--batch-poll', '0.01'], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const full = readValidReport(join(cwd, 'r.json'));
      for (const s of full.summaries) assert.deepEqual([s.scored, s.errors.total], [CASES, 0], s.model);
      assert.deepEqual(e.batches.counts, { batches: 4, requests: 2 * CASES + 2 * (CASES - 5), canceled: 0 }, 'only the expired ones again');
      for (const m of IDS) assert.equal(e.stats(m).requests, CASES, `${m}: each case run once in all`);
    });
  });

  it('a model whose endpoint has no batch API is refused before anything is paid', async () => {
    await withBatches({}, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-local-'));
      writeFileSync(join(cwd, 'tierbench.config.json'), JSON.stringify({ endpoints: { local: { baseURL: `${url}/v1`, api: 'openai' } } }));
      const r = await runCli(
        ['run', '-m', 'haiku-4.5,local:gpt-4o-mini', '--allow-unpriced', '--limit', '3', '--batch', '-o', 'r.json', TICKETS],
        sdkEnv(url),
        cwd,
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--batch: local:gpt-4o-mini \(endpoint local\) has no batch API: only Anthropic's and OpenAI's own APIs do/);
      assert.deepEqual([e.batches.counts.batches, e.stats().requests], [0, 0]);
    });
  });

  it('batch answers go to the response cache as live ones do, and a cached answer is not submitted', async () => {
    await withBatches({}, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-cache-'));
      const args = (limit: number, batch: boolean) => [
        'run',
        '-m',
        MODELS,
        '--limit',
        String(limit),
        '--quiet',
        '-o',
        'r.json',
        ...(batch ? ['--batch', '--batch-poll', '0.01'] : []),
        TICKETS,
      ];
      assert.equal((await runCli(args(4, true), sdkEnv(url), cwd)).code, 0);
      assert.deepEqual(e.batches.counts, { batches: 2, requests: 8, canceled: 0 });
      // Live, the same cases: every answer from the cache, no call.
      const live = await runCli(args(4, false), sdkEnv(url), cwd);
      assert.equal(live.code, 0, live.stderr);
      for (const m of IDS) assert.equal(e.stats(m).requests, 4, m);
      assert.ok(readValidReport(join(cwd, 'r.json')).results.every((r) => r.cached === true));
      // In batch again with two more cases: only those two are submitted.
      assert.equal((await runCli(args(6, true), sdkEnv(url), cwd)).code, 0);
      assert.deepEqual(e.batches.counts, { batches: 4, requests: 12, canceled: 0 });
      for (const m of IDS) assert.equal(e.stats(m).requests, 6, m);
    });
  });

  it("OpenAI's Responses API goes in batches to /v1/responses", async () => {
    await withBatches({}, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-responses-'));
      const r = await runCli(
        [
          'run',
          '-m',
          'gpt-4o-mini',
          '--openai-api',
          'responses',
          '--limit',
          '5',
          '--quiet',
          '--no-cache',
          '--batch',
          '--batch-poll',
          '0.01',
          '-o',
          'r.json',
          TICKETS,
        ],
        sdkEnv(url),
        cwd,
      );
      assert.equal(r.code, 0, r.stderr);
      const report = readValidReport(join(cwd, 'r.json'));
      assert.deepEqual([report.summaries[0]!.scored, report.summaries[0]!.errors.total], [5, 0]);
      assert.deepEqual(e.batches.counts, { batches: 1, requests: 5, canceled: 0 });
    });
  });

  it('--resume RUN --cancel-batches cancels the batches still running, keeps what they answered, and a later --resume submits the rest', async () => {
    await withBatches({ hold: true }, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-cancel-'));
      const started = startCli(batchRun(), sdkEnv(url), cwd);
      await started.until(e.batches.created(2));
      started.interrupt();
      const id = /--resume (\S+)`/.exec((await started.done).stderr)?.[1] ?? '';

      const canceled = await runCli(['run', '--resume', id, '--cancel-batches', '--quiet', '--batch-poll', '0.01'], sdkEnv(url), cwd);
      assert.equal(canceled.code, 3, canceled.stderr);
      assert.match(
        canceled.stderr,
        /^canceling 2 batches of run \S+: what they answered before the cancel is kept; `tierbench run --resume \S+` submits the rest again$/m,
      );
      assert.equal(e.batches.counts.canceled, 2);
      const partial = readValidReport(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'partial');
      for (const s of partial.summaries) assert.equal(s.errors.byKind.canceled, CASES, s.model);
      for (const m of IDS) assert.equal(e.stats(m).requests, 0, `${m}: nothing run, nothing billed`);

      e.batches.release();
      const resumed = await runCli(['run', '--resume', id, '--quiet', '--batch-poll', '0.01'], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      for (const s of readValidReport(join(cwd, 'r.json')).summaries) assert.deepEqual([s.scored, s.errors.total], [CASES, 0], s.model);
      assert.deepEqual(e.batches.counts, { batches: 4, requests: 4 * CASES, canceled: 2 });
    });
  });

  it('--cancel-batches is refused without --resume, and for a run that did not use --batch', async () => {
    const r = await runCli(['run', '-m', 'haiku-4.5', '--cancel-batches', TICKETS], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cancel-batches needs --resume RUN/);
  });

  it('a batch the provider refuses (a bad key) stops that model, nothing counted against it; --resume with the key fixed submits its cases', async () => {
    await withBatches(
      {},
      async (url, e) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-batch-refused-'));
        const r = await runCli(batchRun(), sdkEnv(url, { ANTHROPIC_API_KEY: 'bad-key', OPENAI_API_KEY: 'good-key' }), cwd);
        assert.equal(r.code, 3, r.stderr);
        const id = /--resume (\S+)`/.exec(r.stderr)?.[1] ?? '';
        const partial = readValidReport(join(cwd, 'r.json'));
        assert.equal(partial.run.status, 'partial');
        assert.ok(partial.notes.some((n) => /^haiku-4\.5 stopped after an auth error \(401\): submitting a batch failed: /.test(n)));
        assert.deepEqual(
          partial.summaries.map((s) => [s.model, s.n]),
          [
            ['haiku-4.5', 0],
            ['gpt-4o-mini', CASES],
          ],
        );
        const resumed = await runCli(
          ['run', '--resume', id, '--quiet', '--batch-poll', '0.01'],
          sdkEnv(url, { ANTHROPIC_API_KEY: 'good-key', OPENAI_API_KEY: 'good-key' }),
          cwd,
        );
        assert.equal(resumed.code, 0, resumed.stderr);
        for (const s of readValidReport(join(cwd, 'r.json')).summaries) assert.deepEqual([s.scored, s.errors.total], [CASES, 0], s.model);
        assert.deepEqual(e.batches.counts, { batches: 2, requests: 2 * CASES, canceled: 0 });
      },
      undefined,
      ['good-key'],
    );
  });
});
