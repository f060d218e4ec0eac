// Issue 16: every price tier and band against costs worked out by hand, the config file over the
// table, and model lifecycles.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { costOf } from '../analysis/cost.js';
import { loadDataset } from '../cases/load.js';
import { loadConfig } from '../config/load.js';
import { AnswerKey } from '../emulator/simulated.js';
import type { UsageError } from '../errors.js';
import { densityNote, estimateCost, tokenDensities } from '../execute/budget.js';
import type { Target } from '../execute/fan-out.js';
import { perMtok } from '../format.js';
import { openAIUsage } from '../providers/openai.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { readValidReport } from '../test-support/report.js';
import type { Config, Usage } from '../types.js';
import { retirementNote } from './lifecycle.js';
import { listPrice, PRICES } from './prices.js';
import { resolveModels } from './registry.js';

const usage = (u: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0, ...u });
const near = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
const price = (id: string) => {
  const p = listPrice(id);
  assert.ok(p, id);
  return p;
};
const empty: Config = { endpoints: {}, prices: {}, aliases: {} };
const today = new Date('2026-11-26T12:00:00Z');

describe('prices: every tier and band', () => {
  it('Anthropic: input, output, 5-minute and 1-hour cache writes, cache reads', () => {
    // Haiku 4.5: $1 in, $5 out, writes $1.25 (5 min) and $2 (1 h), reads $0.10.
    near(
      costOf(usage({ input: 1000, output: 200, cacheWrite: 3000, cacheWrite1h: 1000, cacheRead: 5000 }), price('claude-haiku-4-5')),
      (1000 * 1 + 2000 * 1.25 + 1000 * 2 + 5000 * 0.1 + 200 * 5) / 1e6,
    );
  });
  it('Claude 5.5 cache reads are 0.05x input for Sonnet and Opus (not the derived 0.1x)', () => {
    assert.deepEqual([price('claude-sonnet-5-5').cacheRead, price('claude-opus-5-5').cacheRead], [0.1, 0.2]);
    // Derived rates print as the provider prints them, without float noise.
    assert.deepEqual([price('claude-haiku-5-5').cacheRead, price('claude-haiku-5-5').longPrompt?.cacheRead], [0.01, 0.05]);
    near(costOf(usage({ cacheRead: 1_000_000 }), price('claude-opus-5-5')), 0.2);
  });
  it('Haiku 5.5 bills the whole request at 5x once the prompt is above 100K tokens — cached parts count', () => {
    const p = price('claude-haiku-5-5');
    // 100,000 exactly is not above: base rates.
    near(costOf(usage({ input: 100_000, output: 1000 }), p), (100_000 * 0.1 + 1000 * 0.5) / 1e6);
    // 90,000 new + 20,000 read from the cache = 110,000: every token at 5x ($0.50 in, $2.50 out, $0.05 read).
    near(costOf(usage({ input: 90_000, cacheRead: 20_000, output: 1000 }), p), (90_000 * 0.5 + 20_000 * 0.05 + 1000 * 2.5) / 1e6);
    // A 1-hour write above the band: 2x the band's input.
    near(costOf(usage({ input: 100_001, cacheWrite: 10, cacheWrite1h: 10 }), p), (100_001 * 0.5 + 10 * 1.0) / 1e6);
  });
  it('OpenAI GPT-6.1: cache writes 1.25x input; above 272K prompt tokens 2x input and cache, 1.5x output', () => {
    const p = price('gpt-6.1-terra');
    near(costOf(usage({ input: 1000, cacheWrite: 2000, cacheRead: 4000, output: 100 }), p), (1000 * 1 + 2000 * 1.25 + 4000 * 0.05 + 100 * 5) / 1e6);
    near(costOf(usage({ input: 200_000, cacheRead: 72_001, output: 1000 }), p), (200_000 * 2 + 72_001 * 0.1 + 1000 * 7.5) / 1e6);
    assert.deepEqual([p.batch, p.flex], [0.5, 0.5]);
  });
  it('older OpenAI models: no write surcharge, no band, batch at half price', () => {
    const p = price('gpt-5-mini');
    assert.deepEqual([p.cacheWrite, p.longPrompt, p.batch, p.flex], [0.25, undefined, 0.5, undefined]);
  });
  it('every entry is dated and sourced, and says when only secondary sources were available', () => {
    for (const [id, p] of Object.entries(PRICES)) {
      assert.match(p.checked ?? '', /^\d{4}-\d{2}(-\d{2})?$/, id);
      assert.ok(p.source.length > 10, id);
      if (!p.secondary)
        assert.match(p.source, /^https:\/\/(platform\.claude\.com|developers\.openai\.com)\//, `${id}: a primary source is the provider's page`);
    }
  });
  it('prices print for people: cents, or the decimals the rate has, never float noise', () => {
    assert.deepEqual([0.1 + 0.2, 0.125, 0.005, 12.5, 1, 0.0125, 0.30000000000000004].map(perMtok), [
      '$0.30',
      '$0.125',
      '$0.005',
      '$12.50',
      '$1.00',
      '$0.0125',
      '$0.30',
    ]);
  });
});

describe('the config file over the table', () => {
  const configWith = async (prices: unknown): Promise<Config> => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-prices-'));
    await writeFile(join(dir, 'tierbench.config.json'), JSON.stringify({ prices }));
    return loadConfig(undefined, dir);
  };
  it('overrides any field of a listed model and keeps the rest', async () => {
    const config = await configWith({ haiku: { cacheRead: 0.005, longPrompt: { above: 200000, input: 0.3, output: 1.5 } }, 'gpt-6.1-terra': { flex: 0.4 } });
    const [haiku, terra] = resolveModels('haiku,terra', { config, env: {}, allowUnpriced: false, today });
    assert.deepEqual(
      [haiku?.prices?.input, haiku?.prices?.output, haiku?.prices?.cacheRead, haiku?.prices?.longPrompt],
      [0.1, 0.5, 0.005, { above: 200000, input: 0.3, output: 1.5, cacheWrite: 0.3, cacheRead: 0.3 }],
    );
    assert.match(haiku?.prices?.source ?? '', /tierbench\.config\.json over launch coverage/);
    assert.deepEqual([terra?.prices?.flex, terra?.prices?.batch], [0.4, 0.5]);
  });
  it('a model without a list price needs input and output; a wrong field is one line naming the key', async () => {
    const config = await configWith({ 'local:llama': { input: 0.1 } });
    assert.throws(
      () =>
        resolveModels('local:llama', {
          config: { ...config, endpoints: { local: { baseURL: 'http://127.0.0.1:1/v1', api: 'openai' } } },
          env: {},
          allowUnpriced: false,
          today,
        }),
      (e: UsageError) => /prices\.local:llama\.output is missing, and local:llama has no list price/.test(e.message),
    );
    for (const [bad, message] of [
      [{ haiku: { inptu: 1 } }, /prices\.haiku\.inptu is not a known key/],
      [{ haiku: { batch: 2 } }, /prices\.haiku\.batch is 2/],
      [{ haiku: { longPrompt: { input: 1, output: 2 } } }, /prices\.haiku\.longPrompt\.above is missing/],
      [{ haiku: { cacheRead: -1 } }, /prices\.haiku\.cacheRead is -1/],
    ] as const) {
      await assert.rejects(configWith(bad), (e: UsageError) => message.test(e.message), JSON.stringify(bad));
    }
  });
});

describe('model lifecycles', () => {
  const resolve = (list: string, on: Date) => resolveModels(list, { config: empty, env: {}, allowUnpriced: false, today: on });
  it('a deprecated model resolves, with its retirement and successor for the run to say once', () => {
    const [m] = resolve('gpt-5-mini', today);
    assert.deepEqual(m?.retires, { on: '2026-12-11', successor: 'gpt-6.1-terra' });
    assert.equal(
      retirementNote(m!),
      'gpt-5-mini is deprecated and retires on 2026-12-11: calls to it fail from that day; benchmark its successor, gpt-6.1-terra',
    );
    assert.equal(resolve('terra', today)[0]?.retires, undefined);
  });
  it('a retired model is refused from its day on, naming the successor; a dated or gateway spelling too', () => {
    for (const name of ['gpt-5-mini', 'openai:gpt-5-mini-2025-08-07', 'openrouter:openai/gpt-5-mini']) {
      assert.throws(
        () => resolve(name, new Date('2026-12-11T00:00:00Z')),
        (e: UsageError) =>
          e.code === 'E_RETIRED' && /was retired on 2026-12-11/.test(e.message) && e.hint === 'benchmark its successor instead: --models gpt-6.1-terra',
        name,
      );
    }
    assert.throws(() => resolve('sonnet-4.5', new Date('2026-12-01T00:00:00Z')), /unknown model/);
    assert.throws(
      () => resolve('anthropic:claude-sonnet-4-5', new Date('2026-12-01T00:00:00Z')),
      (e: UsageError) => e.hint === 'benchmark its successor instead: --models sonnet-4.6',
    );
  });
  it('a model on your own server or gateway is named as deprecated, never refused for its name', () => {
    const config: Config = { ...empty, endpoints: { gw: { baseURL: 'http://127.0.0.1:1/v1', api: 'openai' } } };
    const [m] = resolveModels('gw:gpt-5-mini', { config, env: {}, allowUnpriced: true, today: new Date('2027-06-01T00:00:00Z') });
    assert.deepEqual(m?.retires, { on: '2026-12-11', successor: 'gpt-6.1-terra' });
  });
});

describe('through the CLI, against the emulator', () => {
  it("a prompt that crosses Haiku 5.5's 100K band is billed at 5x, the whole request; a short one is not", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tb-band-'));
    // The emulator counts a token per four characters: 420,000 characters are 105,000 tokens.
    await writeFile(join(cwd, 'cases.csv'), `input,expected\nshort ticket about billing,Billing\n${'long '.repeat(84_000)}ticket,Technical\n`);
    const d = await loadDataset(join(cwd, 'cases.csv'));
    await withEmulator(
      { key: AnswerKey.fromCases(d.cases, d.inputColumn), profiles: [{ ids: ['claude-haiku-5-5'], accuracy: 1, ttftMs: 1, tokensPerSec: 0 }] },
      async (url) => {
        const r = await runCli(
          ['run', '-m', 'haiku', '--quiet', '--no-cache', '-o', 'r.json', 'cases.csv'],
          { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' },
          cwd,
        );
        assert.equal(r.code, 0, r.stderr);
        const report = await readValidReport(join(cwd, 'r.json'));
        const [short, long] = [0, 1].map((i) => report.results.find((x) => x.caseIndex === i)!);
        assert.ok(short?.usage && long?.usage);
        assert.ok(short.usage.input < 100_000 && long.usage.input > 100_000, `${short.usage.input} / ${long.usage.input}`);
        near(short.cost!, (short.usage.input * 0.1 + short.usage.output * 0.5) / 1e6);
        near(long.cost!, (long.usage.input * 0.5 + long.usage.output * 2.5) / 1e6);
      },
    );
  });
  it('a deprecated model warns once before anything is sent; a retired one is refused with its successor, exit 2', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tb-life-'));
    await writeFile(join(cwd, 'cases.csv'), 'input,expected\na,Billing\nb,Technical\nc,Billing\n');
    const d = await loadDataset(join(cwd, 'cases.csv'));
    await withEmulator(
      { key: AnswerKey.fromCases(d.cases, d.inputColumn), profiles: [{ ids: ['gpt-5-mini'], accuracy: 1, ttftMs: 1, tokensPerSec: 0 }] },
      async (url, e) => {
        const env = { OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'k' };
        const r = await runCli(['run', '-m', 'gpt-5-mini', '--quiet', '-o', 'r.json', 'cases.csv'], env, cwd, today);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr.match(/deprecated/g)?.length, 1, r.stderr);
        assert.match(
          r.stderr,
          /^warning: gpt-5-mini is deprecated and retires on 2026-12-11: calls to it fail from that day; benchmark its successor, gpt-6\.1-terra$/m,
        );
        assert.ok((await readValidReport(join(cwd, 'r.json'))).notes.some((n) => n.startsWith('gpt-5-mini is deprecated')));
        const sent = e.stats().requests;
        const retired = await runCli(['run', '-m', 'gpt-5-mini', '--quiet', 'cases.csv'], env, cwd, new Date('2026-12-12T00:00:00Z'));
        assert.equal(retired.code, 2);
        assert.equal(
          retired.stderr,
          'error: --models gpt-5-mini: gpt-5-mini was retired on 2026-12-11, so every call to it would fail — benchmark its successor instead: --models gpt-6.1-terra\n',
        );
        assert.equal(e.stats().requests, sent);
      },
    );
  });
  it("OpenRouter's reported charge is the cost of its calls, streamed or not, unpriced models included", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tb-charge-'));
    await writeFile(join(cwd, 'cases.csv'), 'input,expected\na,Billing\nb,Technical\nc,Billing\n');
    const d = await loadDataset(join(cwd, 'cases.csv'));
    const ids = ['anthropic/claude-haiku-4.5', 'qwen/qwen3-32b'];
    await withEmulator(
      { key: AnswerKey.fromCases(d.cases, d.inputColumn), profiles: [{ ids, accuracy: 1, ttftMs: 1, tokensPerSec: 0, quirks: ['gateway'] }] },
      async (url) => {
        const env = { OPENROUTER_BASE_URL: `${url}/v1`, OPENROUTER_API_KEY: 'k' };
        for (const stream of [[], ['--no-stream']]) {
          const r = await runCli(
            ['run', '-m', ids.map((id) => `openrouter:${id}`).join(','), '--allow-unpriced', '--quiet', '--no-cache', '-o', 'r.json', ...stream, 'cases.csv'],
            env,
            cwd,
          );
          assert.equal(r.code, 0, r.stderr);
          const report = await readValidReport(join(cwd, 'r.json'));
          // The emulator's OpenRouter charges $0.10 / $0.50 per Mtok, not Haiku 4.5's list $1 / $5.
          for (const x of report.results) near(x.cost!, (x.usage!.input * 0.1 + x.usage!.output * 0.5) / 1e6);
          assert.ok(report.results.every((x) => x.usage?.charged === x.cost));
          for (const s of report.summaries) {
            assert.equal(s.charged, 3);
            assert.ok(s.cost !== null && s.cost.total > 0, "the unpriced model's cost is known: every call was charged");
          }
          assert.ok(
            report.notes.includes(
              "the cost of 3 answers of openrouter:qwen/qwen3-32b is what OpenRouter reported charging (usage.cost), not the price table's",
            ),
            report.notes.join('\n'),
          );
        }
      },
    );
  });
  it("a BYOK call costs OpenRouter's fee and the provider's charge; a server that is not OpenRouter is not trusted", () => {
    const wire = { prompt_tokens: 1000, completion_tokens: 100, cost: 0.0001, is_byok: true, cost_details: { upstream_inference_cost: 0.002 } };
    near(openAIUsage(wire, true).charged!, 0.0021);
    near(openAIUsage({ ...wire, is_byok: false, cost_details: { upstream_inference_cost: 0.0001 } }, true).charged!, 0.0001);
    assert.equal(openAIUsage(wire, false).charged, undefined);
    assert.equal(openAIUsage({ ...wire, cost: null }, true).charged, undefined);
    assert.equal(openAIUsage({ ...wire, cost: -1 }, true).charged, undefined);
  });
});

describe('estimates that know the tokenizer', () => {
  it("--max-cost counts input tokens with Anthropic's count_tokens on a few of the run's requests", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tb-count-'));
    const rows = Array.from({ length: 40 }, (_, i) => `ticket ${i}: my invoice shows a charge I do not recognise ${'again '.repeat(i)},Billing`);
    await writeFile(join(cwd, 'cases.csv'), `input,expected\n${rows.join('\n')}\n`);
    const d = await loadDataset(join(cwd, 'cases.csv'));
    const profiles = [
      { ids: ['claude-haiku-5-5'], accuracy: 1, ttftMs: 1, tokensPerSec: 0, tokenDensity: 1.3 },
      { ids: ['gpt-6-luna'], accuracy: 1, ttftMs: 1, tokensPerSec: 0 },
    ];
    await withEmulator({ key: AnswerKey.fromCases(d.cases, d.inputColumn), profiles }, async (url) => {
      const env = { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k', OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'k' };
      const r = await runCli(['run', '-m', 'haiku,luna', '--max-cost', '0.000001', '--no-cache', 'cases.csv'], env, cwd);
      assert.equal(r.code, 2);
      // The emulator's Haiku 5.5 tokenizer counts 1.3x; its own framing (3 tokens a turn) makes the measured ratio a little more.
      const ratio =
        /haiku counted by the provider on 8 requests \((\d\.\d\d)x the 4-characters-a-token size\); the others at about 4 characters a token —/.exec(r.stderr);
      assert.ok(ratio, r.stderr);
      assert.ok(Number(ratio[1]) > 1.3 && Number(ratio[1]) < 1.45, ratio[1]);
    });
  });

  it("scales the estimate by each model's density; a failed count falls back to a known tokenizer, said", async () => {
    const resolved = resolveModels('haiku,haiku-4.5', { config: empty, env: {}, allowUnpriced: false, today });
    const failing: Target['provider'] = {
      complete: () => Promise.reject(new Error('unused')),
      countTokens: () => Promise.reject(new Error('404 not_found_error')),
    };
    const targets: Target[] = resolved.map((spec) => ({ spec, provider: failing, cost: (u) => costOf(u, spec.prices!) }));
    const cases = [{ index: 0, line: 2, input: 'x'.repeat(4000), expected: 'Billing', vars: {} }] as unknown as Parameters<typeof estimateCost>[0];
    const request = () => ({ messages: [{ role: 'user' as const, content: 'x'.repeat(4000) }] });
    const densities = await tokenDensities(targets, cases, request);
    assert.deepEqual(
      densities.map((x) => [x.factor, x.how]),
      [
        [1.3, 'known'],
        [1, 'assumed'],
      ],
    );
    assert.equal(
      densityNote(targets, densities),
      "input sizes: haiku at 1.30x the 4-characters-a-token size, its tokenizer's (counting failed: 404 not_found_error); haiku-4.5 at about 4 characters a token (counting failed: 404 not_found_error)",
    );
    const plain = estimateCost(cases, targets, request, () => false);
    const scaled = estimateCost(cases, targets, request, () => false, densities);
    // Haiku 5.5: 1,000 input tokens become 1,300, at $0.10/M; Haiku 4.5 unchanged.
    near(scaled.typical - plain.typical, (300 * 0.1 + (Math.ceil(2 * 2 * 1.3) - 2 * 2) * 0.5) / 1e6);
  });
});
