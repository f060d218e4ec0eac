import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import type { UsageError } from '../errors.js';
import type { Config } from '../types.js';
import { listPrice } from './prices.js';
import { resolveModels } from './registry.js';

const empty: Config = { endpoints: {}, prices: {}, aliases: {} };
const today = new Date('2026-11-26T12:00:00Z');
const resolve = (list: string, config: Config = empty, env: Record<string, string> = {}, allowUnpriced = false) =>
  resolveModels(list, { config, env, allowUnpriced, today });

describe('model resolution', () => {
  it('aliases resolve to current ids and providers', () => {
    const [haiku, mini] = resolve('haiku,gpt-5-mini');
    assert.deepEqual([haiku?.id, haiku?.api, haiku?.apiKeyEnv], ['claude-haiku-5-5', 'anthropic', 'ANTHROPIC_API_KEY']);
    assert.deepEqual([mini?.id, mini?.api, mini?.endpoint], ['gpt-5-mini', 'openai', 'openai']);
    assert.equal(haiku?.prices?.input, 0.1);
  });
  it('provider prefixes and bare ids', () => {
    assert.equal(resolve('anthropic:claude-sonnet-4-6')[0]?.prices?.output, 15);
    assert.equal(resolve('claude-opus-4-8')[0]?.api, 'anthropic');
    assert.equal(resolve('openai:gpt-4o-mini')[0]?.prices?.cacheRead, 0.075);
  });
  it("Responses-only models go to the Responses API; --openai-api chooses for all of OpenAI's", () => {
    const [pro, codex, mini] = resolveModels('openai:gpt-5.6-pro,openai:gpt-6-codex-mini,gpt-5-mini', { config: empty, env: {}, allowUnpriced: true, today });
    assert.deepEqual([pro?.api, codex?.api, mini?.api], ['openai-responses', 'openai-responses', 'openai']);
    assert.equal(resolveModels('gpt-5-mini', { config: empty, env: {}, allowUnpriced: false, openaiApi: 'responses', today })[0]?.api, 'openai-responses');
    assert.equal(resolveModels('openai:gpt-5.6-pro', { config: empty, env: {}, allowUnpriced: true, openaiApi: 'chat', today })[0]?.api, 'openai');
    assert.equal(resolve('openrouter:openai/gpt-5-pro', empty, {}, true)[0]?.api, 'openai', 'a gateway keeps its own format');
  });
  it('per-endpoint wire settings come from the config file, checked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-wire-'));
    const file = join(dir, 'c.json');
    await writeFile(
      file,
      JSON.stringify({
        endpoints: {
          az: {
            baseURL: 'https://r.openai.azure.com/openai/deployments/d',
            apiVersion: '2025-04-01-preview',
            maxTokensParam: 'max_completion_tokens',
            streamOptions: false,
          },
        },
      }),
    );
    const config = await loadConfig(file, dir);
    assert.deepEqual(resolve('az:d', config, {}, true)[0]?.wire, {
      maxTokensParam: 'max_completion_tokens',
      streamOptions: false,
      apiVersion: '2025-04-01-preview',
    });
    for (const [bad, message] of [
      [{ maxTokensParam: 'max' }, /endpoints\.az\.maxTokensParam is "max"/],
      [{ streamOptions: 'no' }, /streamOptions must be true or false/],
      [{ apiVerison: 'x' }, /endpoints\.az\.apiVerison is not a known key/],
    ] as const) {
      await writeFile(file, JSON.stringify({ endpoints: { az: { baseURL: 'https://x/v1', ...bad } } }));
      await assert.rejects(loadConfig(file, dir), (e: UsageError) => message.test(e.message), JSON.stringify(bad));
    }
  });
  it('openrouter: OpenAI wire format, priced as the vendor model', () => {
    const [m] = resolve('openrouter:anthropic/claude-haiku-4.5');
    assert.deepEqual(
      [m?.api, m?.id, m?.baseURL, m?.apiKeyEnv, m?.prices?.input],
      ['openai', 'anthropic/claude-haiku-4.5', 'https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY', 1],
    );
  });
  it('base URLs follow the SDK variables', () => {
    const [a, o] = resolve('haiku,gpt-5', empty, { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', OPENAI_BASE_URL: 'http://127.0.0.1:2/v1' });
    assert.equal(a?.baseURL, 'http://127.0.0.1:1');
    assert.equal(o?.baseURL, 'http://127.0.0.1:2/v1');
  });
  it('unknown model: did you mean, and where to look', () => {
    assert.throws(
      () => resolve('haku'),
      (e: UsageError) => /unknown model `haku` — did you mean `haiku`\?/.test(e.message) && /tierbench models/.test(e.hint),
    );
  });
  it('a model without a price is refused with the way to give one, or allowed as unpriced', () => {
    assert.throws(
      () => resolve('openai:gpt-9'),
      (e: UsageError) => e.code === 'E_UNPRICED' && /"prices"/.test(e.hint) && /--allow-unpriced/.test(e.hint),
    );
    assert.equal(resolve('openai:gpt-9', empty, {}, true)[0]?.prices, null);
  });
  it('config endpoints, prices and aliases', () => {
    const config: Config = {
      endpoints: { local: { baseURL: 'http://localhost:11434/v1', api: 'openai' } },
      prices: { 'local:llama3': { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, source: 'cfg' } },
      aliases: { fast: 'local:llama3' },
    };
    const [m] = resolve('fast', config);
    assert.deepEqual(
      [m?.name, m?.endpoint, m?.id, m?.baseURL, m?.apiKeyEnv, m?.prices?.source],
      ['fast', 'local', 'llama3', 'http://localhost:11434/v1', undefined, 'cfg'],
    );
    assert.throws(
      () => resolve('nowhere:x', config),
      (e: UsageError) => /unknown provider `nowhere`/.test(e.message),
    );
  });
  it('refuses an empty or repeated list', () => {
    assert.throws(() => resolve(' , '), /--models is empty/);
    assert.throws(() => resolve('haiku,haiku'), /twice/);
  });
  it('list prices for snapshots and gateway spellings', () => {
    assert.equal(listPrice('claude-haiku-4-5-20251001')?.input, 1);
    assert.equal(listPrice('openai/gpt-5-mini')?.output, 2);
    assert.equal(listPrice('mystery'), undefined);
  });
});

describe('config file', () => {
  it('reads endpoints, prices (cache rates default to input) and aliases', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-'));
    await writeFile(
      join(dir, 'tierbench.config.json'),
      JSON.stringify({
        endpoints: { vllm: { baseURL: 'http://h:8000/v1', apiKeyEnv: 'VLLM_KEY' } },
        prices: { 'vllm:q': { input: 0.2, output: 0.4 } },
        aliases: { q: 'vllm:q' },
      }),
    );
    const c = await loadConfig(undefined, dir);
    assert.deepEqual(c.endpoints.vllm, { baseURL: 'http://h:8000/v1', api: 'openai', apiKeyEnv: 'VLLM_KEY' });
    // Without a list price to take them from, the cache rates default to input.
    assert.equal(resolveModels('q', { config: c, env: {}, allowUnpriced: false, today })[0]?.prices?.cacheRead, 0.2);
    assert.equal(c.aliases.q, 'vllm:q');
  });
  it("a relative --config is read from the run's folder, not the process's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-'));
    await writeFile(join(dir, 'mine.json'), JSON.stringify({ aliases: { q: 'openai:gpt-5-mini' } }));
    assert.equal((await loadConfig('mine.json', dir)).aliases.q, 'openai:gpt-5-mini');
  });
  it('no file is no config', async () => {
    const c = await loadConfig(undefined, await mkdtemp(join(tmpdir(), 'tb-')));
    assert.deepEqual(c, { endpoints: {}, prices: {}, aliases: {} });
  });
  it('names the bad key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-'));
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ prices: { x: { input: 'cheap', output: 1 } } }));
    await assert.rejects(loadConfig(file, dir), (e: UsageError) => /prices\.x\.input is "cheap"/.test(e.message));
    await writeFile(file, JSON.stringify({ endpoints: { x: { baseURL: 'localhost' } } }));
    await assert.rejects(loadConfig(file, dir), (e: UsageError) => /endpoints\.x\.baseURL must be an http\(s\) URL/.test(e.message));
    await writeFile(file, '{ nope');
    await assert.rejects(loadConfig(file, dir), (e: UsageError) => /not valid JSON/.test(e.message));
  });
});
