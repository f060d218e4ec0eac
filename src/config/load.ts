// tierbench.config.json → Config. Every complaint names the key path and the fix.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { regularFile } from '../files.js';
import { cacheAtInput } from '../models/prices.js';
import type { Config, EndpointConfig, PriceOverride, Prices, Rates } from '../types.js';

const CONFIG_FILE = 'tierbench.config.json';

type Json = Record<string, unknown>;

const ENDPOINT_KEYS = ['baseURL', 'api', 'apiKeyEnv', 'maxTokensParam', 'streamOptions', 'apiVersion'];

/** Variables that hold a key, by their name. */
const KEY_VARIABLE = /(_KEY|_TOKEN)$/;

/** The built-in providers' key variables, and the only host each may be sent to from a config file. */
const PROVIDER_KEYS: Readonly<Record<string, string>> = {
  ANTHROPIC_API_KEY: 'api.anthropic.com',
  OPENAI_API_KEY: 'api.openai.com',
  OPENROUTER_API_KEY: 'openrouter.ai',
};

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(file: string, key: string, what: string, fix: string): UsageError {
  return new UsageError('E_CONFIG', `${file}: ${key} ${what}`, fix);
}

function section(file: string, raw: Json, key: string): Json {
  const value = raw[key] ?? {};
  if (!isObject(value)) throw bad(file, key, 'must be an object', `write "${key}": { … }`);
  return value;
}

function endpoint(file: string, name: string, raw: unknown): EndpointConfig {
  const key = `endpoints.${name}`;
  if (!isObject(raw)) throw bad(file, key, 'must be an object', `write "${name}": {"baseURL": "http://localhost:8000/v1", "api": "openai"}`);
  const { baseURL, api = 'openai', apiKeyEnv, maxTokensParam, streamOptions, apiVersion } = raw;
  for (const field of Object.keys(raw)) {
    if (!ENDPOINT_KEYS.includes(field)) throw bad(file, `${key}.${field}`, 'is not a known key', `the keys are ${ENDPOINT_KEYS.join(', ')}`);
  }
  if (typeof baseURL !== 'string' || !/^https?:\/\//.test(baseURL))
    throw bad(file, `${key}.baseURL`, 'must be an http(s) URL', 'e.g. "http://localhost:11434/v1" (OpenAI-compatible servers include /v1)');
  if (api !== 'openai' && api !== 'anthropic' && api !== 'openai-responses')
    throw bad(
      file,
      `${key}.api`,
      `is ${JSON.stringify(api)}`,
      'use "openai" (OpenAI-compatible Chat Completions), "openai-responses" (the Responses API) or "anthropic"',
    );
  if (maxTokensParam !== undefined && maxTokensParam !== 'max_tokens' && maxTokensParam !== 'max_completion_tokens') {
    throw bad(
      file,
      `${key}.maxTokensParam`,
      `is ${JSON.stringify(maxTokensParam)}`,
      'use "max_tokens" (most compatible servers) or "max_completion_tokens" (OpenAI, Azure reasoning deployments)',
    );
  }
  if (streamOptions !== undefined && typeof streamOptions !== 'boolean')
    throw bad(file, `${key}.streamOptions`, 'must be true or false', 'false for a server that rejects stream_options');
  if (apiVersion !== undefined && (typeof apiVersion !== 'string' || apiVersion === ''))
    throw bad(file, `${key}.apiVersion`, 'must be a string', 'e.g. "2025-04-01-preview" (Azure OpenAI)');
  if (apiKeyEnv !== undefined && (typeof apiKeyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv))) {
    throw bad(file, `${key}.apiKeyEnv`, 'must be the name of an environment variable', 'e.g. "VLLM_API_KEY" — the key itself never goes in the file');
  }
  // Whatever variable is named is sent to baseURL: only one that holds a key (not PATH, not HOME).
  if (apiKeyEnv !== undefined && !KEY_VARIABLE.test(apiKeyEnv)) {
    throw bad(
      file,
      `${key}.apiKeyEnv`,
      `is ${apiKeyEnv}, which does not look like a key variable (its value is sent to ${baseURL})`,
      'name a variable ending in _KEY, _API_KEY or _TOKEN',
    );
  }
  // A provider's own key goes only to that provider: a config file (a cloned repository's) must not send it elsewhere.
  const owner = apiKeyEnv === undefined ? undefined : PROVIDER_KEYS[apiKeyEnv];
  if (owner !== undefined && new URL(baseURL).hostname !== owner) {
    throw bad(
      file,
      `${key}.apiKeyEnv`,
      `is ${apiKeyEnv}, the key for ${owner}, but baseURL is ${new URL(baseURL).host}`,
      `give this endpoint a variable of its own, e.g. "${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY"`,
    );
  }
  return {
    baseURL,
    api,
    ...(apiKeyEnv !== undefined && { apiKeyEnv }),
    ...(maxTokensParam !== undefined && { maxTokensParam }),
    ...(streamOptions !== undefined && { streamOptions }),
    ...(apiVersion !== undefined && { apiVersion }),
  };
}

const RATE_KEYS = ['input', 'output', 'cacheWrite', 'cacheWrite1h', 'cacheRead'] as const;
const PRICE_KEYS = [...RATE_KEYS, 'longPrompt', 'batch', 'flex'];

/** The rates given in `raw` (USD per million tokens), each checked. */
function ratesOf(file: string, key: string, raw: Json): Partial<Rates> {
  const rates: Partial<Rates> = {};
  for (const field of RATE_KEYS) {
    const v = raw[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw bad(file, `${key}.${field}`, `is ${JSON.stringify(v)}`, 'give a number ≥ 0, in USD per million tokens');
    rates[field] = v;
  }
  return rates;
}

function priceOverride(file: string, name: string, raw: unknown): PriceOverride {
  const key = `prices.${name}`;
  if (!isObject(raw)) throw bad(file, key, 'must be an object', 'write {"input": 1, "output": 5} in USD per million tokens');
  for (const field of Object.keys(raw)) {
    if (!PRICE_KEYS.includes(field)) throw bad(file, `${key}.${field}`, 'is not a known key', `the keys are ${PRICE_KEYS.join(', ')}`);
  }
  const fraction = (field: 'batch' | 'flex'): { batch?: number } | { flex?: number } => {
    const v = raw[field];
    if (v === undefined) return {};
    if (typeof v !== 'number' || !(v > 0 && v <= 1))
      throw bad(file, `${key}.${field}`, `is ${JSON.stringify(v)}`, 'give the share of the standard rates it costs, e.g. 0.5 for half price');
    return { [field]: v };
  };
  let longPrompt: Prices['longPrompt'];
  if (raw.longPrompt !== undefined) {
    const band = raw.longPrompt;
    const at = `${key}.longPrompt`;
    if (!isObject(band))
      throw bad(
        file,
        at,
        'must be an object',
        'write {"above": 200000, "input": 6, "output": 22.5}: the rates for a whole request whose prompt is above that many tokens',
      );
    for (const field of Object.keys(band)) {
      if (field !== 'above' && !(RATE_KEYS as readonly string[]).includes(field))
        throw bad(file, `${at}.${field}`, 'is not a known key', `the keys are above, ${RATE_KEYS.join(', ')}`);
    }
    if (typeof band.above !== 'number' || !Number.isInteger(band.above) || band.above <= 0)
      throw bad(
        file,
        `${at}.above`,
        band.above === undefined ? 'is missing' : `is ${JSON.stringify(band.above)}`,
        'give the prompt size in tokens above which the band applies, e.g. 200000',
      );
    const rates = ratesOf(file, at, band);
    if (rates.input === undefined || rates.output === undefined)
      throw bad(file, `${at}.${rates.input === undefined ? 'input' : 'output'}`, 'is missing', 'a band gives at least input and output');
    longPrompt = { above: band.above, ...cacheAtInput({ ...rates, input: rates.input, output: rates.output }) };
  }
  return { ...ratesOf(file, key, raw), ...(longPrompt && { longPrompt }), ...fraction('batch'), ...fraction('flex'), source: file };
}

/** The --config file (relative to `cwd`, the run's folder, not the process's), or ./tierbench.config.json when it exists, or nothing. */
export async function loadConfig(path: string | undefined, cwd: string): Promise<Config> {
  const file = path === undefined ? join(cwd, CONFIG_FILE) : resolve(cwd, path);
  let text: string;
  if (path !== undefined || existsSync(file)) await regularFile(file, path === undefined ? CONFIG_FILE : '--config');
  try {
    text = await readFile(file, 'utf8');
  } catch {
    if (path === undefined) return { endpoints: {}, prices: {}, aliases: {} };
    throw new UsageError('E_CONFIG', `--config ${path}: file not found`, 'check the path');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError('E_CONFIG', `${file}: not valid JSON (${(err as Error).message})`, 'fix the JSON syntax');
  }
  if (!isObject(raw)) throw bad(file, '(top level)', 'must be an object', 'write { "endpoints": {…}, "prices": {…}, "aliases": {…} }');
  for (const key of Object.keys(raw)) {
    if (!['endpoints', 'prices', 'aliases', '$schema'].includes(key)) throw bad(file, key, 'is not a known key', 'the keys are endpoints, prices and aliases');
  }
  const endpoints: Record<string, EndpointConfig> = {};
  for (const [name, value] of Object.entries(section(file, raw, 'endpoints'))) endpoints[name] = endpoint(file, name, value);
  const prices: Record<string, PriceOverride> = {};
  for (const [name, value] of Object.entries(section(file, raw, 'prices'))) prices[name] = priceOverride(file, name, value);
  const aliases: Record<string, string> = {};
  for (const [name, value] of Object.entries(section(file, raw, 'aliases'))) {
    if (typeof value !== 'string') throw bad(file, `aliases.${name}`, 'must be a string', 'e.g. "fast": "openai:gpt-5-nano"');
    aliases[name] = value;
  }
  return { path: file, endpoints, prices, aliases };
}
