// Scorers that compare an answer with a reference text (rouge-l, chrf, chrf++), end to end: the
// real CLI in-process, candidates answering through both SDKs from the emulator. A correct
// paraphrase of a summary scores 0 under `normalized` and well under these.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
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

const SUMMARIES = `${ROOT}datasets/summaries.csv`;

/** The first six documents' summaries, reworded: what a good model writes, never the reference's words in its order. */
const PARAPHRASES = [
  'Greenleaf Grocers is shutting its Harbour Street shop for a fortnight from 3 March to replace refrigeration, with Mill Lane fulfilling online orders.',
  'Corroded support cables have closed the Kessel river footbridge for six weeks or more, and a daytime shuttle bus links the banks.',
  'On Tuesday a payments outage of about 45 minutes made roughly 3% of card payments fail; nobody was charged twice and a second provider now takes over automatically.',
  'The city library will stay open until 9 pm on weekdays from April, paid for by a two-year regional arts grant.',
  'Fieldnote version 4.2 adds offline maps and checklist sharing, fixes battery drain from GPS tracking, and ends updates for Android 9 and older.',
  'Reservoirs are at their lowest level since 2011 after a dry winter; households are asked not to use hosepipes and a ban may follow.',
];

/** The emulator's models answer each document with its paraphrase (right) or another document's (wrong). */
async function paraphraseKey(): Promise<AnswerKey> {
  const d = await loadDataset(SUMMARIES, { limit: PARAPHRASES.length });
  return new AnswerKey(d.cases.map((c, i) => ({ needle: c.vars.document ?? '', expected: PARAPHRASES[i]! })));
}

const model = (id: string, accuracy: number): Profile => ({ ids: [id], accuracy, ttftMs: 1, tokensPerSec: 0 });

const envFor = (url: string): Record<string, string> => ({
  ANTHROPIC_BASE_URL: url,
  OPENAI_BASE_URL: `${url}/v1`,
  ANTHROPIC_API_KEY: 'test-anthropic-key',
  OPENAI_API_KEY: 'test-openai-key',
});

const MODELS = 'anthropic:claude-haiku-4-5,openai:gpt-5-mini,openai:gpt-4.1-mini';

describe('reference-based text scorers, end to end', () => {
  const reports = new Map<string, Report>();
  before(async () => {
    const key = await paraphraseKey();
    // Haiku (Anthropic SDK) and GPT-5 mini (OpenAI SDK) paraphrase every summary; GPT-4.1 mini gives another document's.
    const profiles = [model('claude-haiku-4-5', 1), model('gpt-5-mini', 1), model('gpt-4.1-mini', 0)];
    await withEmulator({ profiles, key }, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-ref-'));
      for (const scorer of ['normalized', 'rouge-l', 'chrf', 'chrf++']) {
        const out = join(cwd, `${scorer}.json`);
        const r = await runCli(['run', '-m', MODELS, '--scorer', scorer, '--limit', '6', '--no-cache', '-q', '-o', out, SUMMARIES], envFor(url), cwd);
        assert.equal(r.code, 0, r.stderr);
        reports.set(scorer, readValidReport(out));
      }
    });
  });

  const mean = (scorer: string, m: string): number => {
    const s = reports.get(scorer)?.summaries.find((x) => x.model === m);
    assert.ok(s?.accuracy !== null && s?.accuracy !== undefined, `${scorer} ${m}`);
    return s.accuracy;
  };

  it('a correct paraphrase scores 0 under normalized', () => {
    assert.equal(mean('normalized', 'anthropic:claude-haiku-4-5'), 0);
    assert.equal(mean('normalized', 'openai:gpt-5-mini'), 0);
  });

  it('and well under rouge-l, chrf and chrf++, through both SDKs, far above a summary of the wrong document', () => {
    for (const scorer of ['rouge-l', 'chrf', 'chrf++']) {
      for (const m of ['anthropic:claude-haiku-4-5', 'openai:gpt-5-mini']) {
        assert.ok(mean(scorer, m) > 0.4, `${scorer} ${m}: ${mean(scorer, m)}`);
        assert.ok(mean(scorer, m) > mean(scorer, 'openai:gpt-4.1-mini') + 0.2, `${scorer}: ${m} against the wrong summaries`);
      }
    }
  });

  it('the scores are graded: t intervals, the bootstrap for paired differences, the scorer recorded', () => {
    const report = reports.get('rouge-l')!;
    assert.equal(report.settings.scorer, 'rouge-l');
    const s = report.summaries.find((x) => x.model === 'openai:gpt-5-mini')!;
    assert.equal(s.interval?.method, 't');
    assert.ok(report.results.some((r) => r.score !== null && r.score > 0 && r.score < 1));
    const graded = report.recommendation.comparisons.find((d) => d.model === 'openai:gpt-4.1-mini');
    assert.equal(graded?.interval.method, 'bootstrap');
  });
});

describe('--scorer embedding, end to end (embeddings through the openai SDK)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'tb-emb-'));
  const profiles = [model('claude-haiku-4-5', 1), model('gpt-5-mini', 1), model('gpt-4.1-mini', 0)];
  const run = (url: string, out: string, ...extra: string[]) =>
    runCli(['run', '-m', MODELS, '--scorer', 'embedding', '--limit', '6', '-q', '-o', join(cwd, out), ...extra, SUMMARIES], envFor(url), cwd);
  let first: Report;
  let again: Report;
  let served: { first: number; again: number; tokens: number };

  before(async () => {
    const key = await paraphraseKey();
    await withEmulator({ profiles, key }, async (url, emulator) => {
      const r = await run(url, 'first.json');
      assert.equal(r.code, 0, r.stderr);
      first = readValidReport(join(cwd, 'first.json'));
      const stats = emulator.stats('text-embedding-3-small');
      served = { first: stats.requests, again: 0, tokens: stats.usage.input };
      const rerun = await run(url, 'again.json');
      assert.equal(rerun.code, 0, rerun.stderr);
      again = readValidReport(join(cwd, 'again.json'));
      served.again = emulator.stats('text-embedding-3-small').requests - served.first;
    });
  });

  it('a paraphrase scores well through both SDKs, far above a summary of the wrong document', () => {
    const mean = (m: string): number => first.summaries.find((s) => s.model === m)?.accuracy ?? Number.NaN;
    for (const m of ['anthropic:claude-haiku-4-5', 'openai:gpt-5-mini']) {
      assert.ok(mean(m) > 0.6, `${m}: ${mean(m)}`);
      assert.ok(mean(m) > mean('openai:gpt-4.1-mini') + 0.25, m);
    }
    assert.equal(first.settings.scorer, 'embedding');
  });

  it('reports the embedding calls apart, priced at the model rate, each distinct text embedded once', () => {
    const e = first.embedding;
    assert.ok(e);
    assert.equal(e.model, 'openai:text-embedding-3-small');
    // Six references, and the distinct answers: six paraphrases (the wrong model gives those too).
    assert.equal(e.texts, 6 + 6);
    assert.equal(e.cached, 0);
    assert.equal(e.tokens, served.tokens, 'the tokens the emulator billed');
    assert.equal(e.spentTokens, served.tokens);
    assert.ok(e.cost && Math.abs(e.cost.total - (served.tokens * 0.02) / 1e6) < 1e-15);
    assert.equal(e.requests, served.first);
    assert.ok(e.requests <= 2, `batched: ${e.requests} requests for ${e.texts} texts (references, then answers)`);
    // Not in the candidates' costs.
    for (const s of first.summaries) {
      const own = first.results.filter((r) => r.model === s.model).reduce((n, r) => n + (r.cost ?? 0), 0);
      assert.ok(Math.abs((s.cost?.total ?? 0) - own) < 1e-12, s.model);
    }
  });

  it('the terminal, Markdown and HTML reports say what the embeddings cost, apart', async () => {
    const { renderTable } = await import('../report/table.js');
    const { renderMarkdown } = await import('../report/markdown.js');
    const { renderHtml } = await import('../report/html.js');
    const line =
      /Scoring embeddings \(openai:text-embedding-3-small\): 12 texts, 0 from the response cache, \d+ tokens; \$[\d.e-]+, \$[\d.e-]+ of it spent in this run\. Not in the models' costs above\./;
    assert.match(renderTable(first), line);
    assert.match(renderMarkdown(first), line);
    assert.match(renderHtml(first), /id="embedding-cost">Scoring embeddings/);
  });

  it('a rerun with the cache pays for no embedding (and no answer)', () => {
    assert.equal(served.again, 0);
    assert.ok(again.embedding);
    assert.equal(again.embedding.cached, again.embedding.texts);
    assert.equal(again.embedding.spentTokens, 0);
    assert.equal(again.embedding.cost?.spent, 0);
    assert.equal(again.embedding.tokens, first.embedding?.tokens, 'what scoring this data costs, as before');
    assert.deepEqual(
      again.results.map((r) => r.score),
      first.results.map((r) => r.score),
    );
  });

  it('an Ollama-style endpoint (floats whatever was asked, no price) scores right, its cost unknown, not $0', async () => {
    const key = await paraphraseKey();
    await withEmulator({ profiles, key }, async (url) => {
      const config = join(cwd, 'ollama.json');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(config, JSON.stringify({ endpoints: { ollama: { baseURL: `${url}/v1`, api: 'openai' } } }));
      const r = await run(url, 'ollama.json.out', '--config', config, '--embedding-model', 'ollama:nomic-embed-text', '--allow-unpriced', '--no-cache');
      assert.equal(r.code, 0, r.stderr);
      const report = readValidReport(join(cwd, 'ollama.json.out'));
      assert.equal(report.embedding?.cost, null);
      const s = report.summaries.find((x) => x.model === 'openai:gpt-5-mini');
      assert.ok(s?.accuracy !== null && s?.accuracy !== undefined && s.accuracy > 0.6, `768 floats read as floats: ${s?.accuracy}`);
    });
  });

  it('an embedding model the server does not have, or an endpoint that is down: one line, before any candidate call', async () => {
    const key = await paraphraseKey();
    for (const [options, extra, message] of [
      [
        {},
        ['--embedding-model', 'openai:text-embedding-9', '--allow-unpriced'],
        /--embedding-model openai:text-embedding-9: the embeddings endpoint failed \(not_found 404\).*check the model id `text-embedding-9`/,
      ],
      [
        { embeddingStatus: 503 as const },
        ['--max-retries', '0'],
        /--embedding-model openai:text-embedding-3-small: the embeddings endpoint failed \(server 503\).*try again later/,
      ],
    ] as const) {
      await withEmulator({ profiles, key, ...options }, async (url, emulator) => {
        const r = await run(url, 'failed.json', '--no-cache', ...extra);
        assert.equal(r.code, 2, r.stderr);
        // One error line (the retiring GPT models are warned of on lines of their own).
        assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /nothing else was sent/);
        for (const id of ['claude-haiku-4-5', 'gpt-5-mini', 'gpt-4.1-mini']) assert.equal(emulator.stats(id).requests, 0, id);
      });
    }
  });

  it('an answer the endpoint refuses (past 8,192 tokens): one line naming the case, the answers kept for --resume', async () => {
    const d = await loadDataset(SUMMARIES, { limit: 2 });
    const huge = 'The summary goes on and on. '.repeat(1400);
    const key = new AnswerKey(d.cases.map((c, i) => ({ needle: c.vars.document ?? '', expected: i === 1 ? huge : PARAPHRASES[i]! })));
    await withEmulator({ profiles: [model('claude-haiku-4-5', 1)], key }, async (url) => {
      const dir = mkdtempSync(join(tmpdir(), 'tb-emb-long-'));
      const r = await runCli(
        ['run', '-m', 'anthropic:claude-haiku-4-5', '--scorer', 'embedding', '--limit', '2', '--max-tokens', '20000', '-q', SUMMARIES],
        envFor(url),
        dir,
      );
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(
        r.stderr,
        /scorer embedding failed on case S02 \(\S+summaries\.csv:3\): the embeddings endpoint failed \(bad_request 400\): 400 This model's maximum context length is 8192 tokens/,
      );
      assert.match(r.stderr, /tierbench run --resume \S+: the answers are kept, nothing is paid again/);
    });
  });
});

describe('--scorer embedding with --no-cache, stopped and resumed', () => {
  it('the embeddings paid before the stop are kept beside the journal: --resume pays only for the new answer, and counts the earlier ones as spent', async () => {
    const key = await paraphraseKey();
    await withEmulator({ profiles: [model('claude-haiku-4-5', 1)], key }, async (url, emulator) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-emb-resume-'));
      const args = ['run', '-m', 'anthropic:claude-haiku-4-5', '--scorer', 'embedding', '--limit', '6', '--no-cache', '-c', '1'];
      // The budget stops the candidate calls after five of six; the five answers are scored (embedded) all the same.
      const r0 = await runCli([...args, '--max-cost', '0.0012', '--yes', '-o', join(cwd, 'stopped.json'), SUMMARIES], envFor(url), cwd);
      assert.match(r0.stderr, /estimated cost \$[\d.]+ .* for 6 calls, \$[\d.]+ for scoring embeddings;/, 'the embeddings are in the estimate and the budget');
      const stopped = readValidReport(join(cwd, 'stopped.json'));
      assert.equal(stopped.run.status, 'budget');
      assert.equal(stopped.results.length, 5);
      assert.equal(stopped.embedding?.texts, 6 + 5);
      const before = emulator.stats('text-embedding-3-small').requests;

      const r = await runCli(['run', '--resume', stopped.run.id, '-q', '-o', join(cwd, 'resumed.json')], envFor(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const after = emulator.stats('text-embedding-3-small');
      const full = readValidReport(join(cwd, 'resumed.json'));
      assert.equal(full.results.length, 6);
      assert.equal(after.requests - before, 1, 'one request, for the sixth answer');
      assert.equal(full.embedding?.requests, 1);
      assert.equal(full.embedding?.texts, 12);
      assert.equal(full.embedding?.cached, 0, 'paid by this run, not held by a cache');
      assert.equal(full.embedding?.spentTokens, after.usage.input, 'every token the endpoint billed, before and after the stop');
      assert.deepEqual(readdirSync(join(cwd, '.tierbench', 'runs')), [], 'the journal and the embeddings beside it are gone once the run is complete');
    });
  });
});
