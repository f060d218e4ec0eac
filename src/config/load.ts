// tierbench.config.json → Config. Every complaint names the key path and the fix.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { UsageError } from '../errors.js';
import { regularFile } from '../files.js';
import { cacheAtInput } from '../models/prices.js';
import type { PriceOverride } from '../types.js';
import { dictionary, pathOf, says, strict, validate } from '../validate.js';

const CONFIG_FILE = 'tierbench.config.json';

/** Variables that hold a key, by their name. */
const KEY_VARIABLE = /(_KEY|_TOKEN)$/;

/** The built-in providers' key variables, and the only host each may be sent to from a config file. */
const PROVIDER_KEYS: Readonly<Record<string, string>> = {
  ANTHROPIC_API_KEY: 'api.anthropic.com',
  OPENAI_API_KEY: 'api.openai.com',
  OPENROUTER_API_KEY: 'openrouter.ai',
};

const URL_FIX = says('e.g. "http://localhost:11434/v1" (OpenAI-compatible servers include /v1)', 'must be an http(s) URL');
const KEY_ENV_FIX = says('e.g. "VLLM_API_KEY" — the key itself never goes in the file', 'must be the name of an environment variable');
const API_VERSION_FIX = says('e.g. "2025-04-01-preview" (Azure OpenAI)', 'must be a string');

const ENDPOINT = strict(
  {
    baseURL: v.pipe(v.string(URL_FIX), v.regex(/^https?:\/\//, URL_FIX)),
    api: v.optional(
      v.picklist(
        ['openai', 'anthropic', 'openai-responses'],
        says('use "openai" (OpenAI-compatible Chat Completions), "openai-responses" (the Responses API) or "anthropic"'),
      ),
      'openai',
    ),
    apiKeyEnv: v.optional(v.pipe(v.string(KEY_ENV_FIX), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, KEY_ENV_FIX))),
    maxTokensParam: v.optional(
      v.picklist(
        ['max_tokens', 'max_completion_tokens'],
        says('use "max_tokens" (most compatible servers) or "max_completion_tokens" (OpenAI, Azure reasoning deployments)'),
      ),
    ),
    streamOptions: v.optional(v.boolean(says('false for a server that rejects stream_options', 'must be true or false'))),
    apiVersion: v.optional(v.pipe(v.string(API_VERSION_FIX), v.minLength(1, API_VERSION_FIX))),
  },
  'write {"baseURL": "http://localhost:8000/v1", "api": "openai"}',
  { baseURL: 'give its http(s) URL, e.g. "http://localhost:11434/v1" (OpenAI-compatible servers include /v1)' },
);

/** An OpenAI- or Anthropic-compatible server named in the config file (vLLM, Ollama, a gateway). */
export type EndpointConfig = v.InferOutput<typeof ENDPOINT>;

const RATE_FIX = says('give a number ≥ 0, in USD per million tokens');
const rate = v.pipe(v.number(RATE_FIX), v.minValue(0, RATE_FIX));
const RATES = { input: v.optional(rate), output: v.optional(rate), cacheWrite: v.optional(rate), cacheWrite1h: v.optional(rate), cacheRead: v.optional(rate) };
const ABOVE_FIX = 'give the prompt size in tokens above which the band applies, e.g. 200000';
const BAND_FIX = 'a band gives at least input and output';
const LONG_PROMPT = v.pipe(
  strict(
    { above: v.pipe(v.number(says(ABOVE_FIX)), v.integer(says(ABOVE_FIX)), v.gtValue(0, says(ABOVE_FIX))), ...RATES, input: rate, output: rate },
    'write {"above": 200000, "input": 6, "output": 22.5}: the rates for a whole request whose prompt is above that many tokens',
    { above: ABOVE_FIX, input: BAND_FIX, output: BAND_FIX },
  ),
  v.transform(({ above, ...rates }) => ({ above, ...cacheAtInput(rates) })),
);
const SHARE_FIX = says('give the share of the standard rates it costs, e.g. 0.5 for half price');
const share = v.pipe(v.number(SHARE_FIX), v.gtValue(0, SHARE_FIX), v.maxValue(1, SHARE_FIX));
// What the rest of tierbench reads a price entry as (PriceOverride, the source added below).
const PRICE = strict(
  { ...RATES, longPrompt: v.optional(LONG_PROMPT), batch: v.optional(share), flex: v.optional(share) },
  'write {"input": 1, "output": 5} in USD per million tokens',
) satisfies v.GenericSchema<unknown, Omit<PriceOverride, 'source'>>;

const section = <S extends v.GenericSchema>(name: string, value: S) => v.optional(dictionary(value, `write "${name}": { … }`), {});

/** The file as written. */
const CONFIG_FILE_SCHEMA = strict(
  {
    $schema: v.optional(v.string()),
    endpoints: section('endpoints', ENDPOINT),
    prices: section('prices', PRICE),
    aliases: section('aliases', v.string(says('e.g. "fast": "openai:gpt-5-nano"', 'must be a string'))),
  },
  'write { "endpoints": {…}, "prices": {…}, "aliases": {…} }',
);

/** The config file (`tierbench.config.json`), validated. */
export interface Config {
  /** Where it was read from; undefined when there was none. */
  path?: string;
  endpoints: Record<string, EndpointConfig>;
  /** Prices by model name, `endpoint:id` or API id: any field overrides the built-in entry's. */
  prices: Record<string, PriceOverride>;
  /** Extra aliases: short name → model spec (`fast` → `openai:gpt-5-nano`). */
  aliases: Record<string, string>;
}

function bad(file: string, key: string, what: string, fix: string): UsageError {
  return new UsageError('E_CONFIG', `${file}: ${key} ${what}`, fix);
}

/** Whatever variable is named is sent to baseURL: only one that holds a key, and a provider's own key only to that provider. */
function checkKeyGoesHome(file: string, name: string, { apiKeyEnv, baseURL }: EndpointConfig): void {
  if (apiKeyEnv === undefined) return;
  const key = `endpoints.${name}.apiKeyEnv`;
  // Not PATH, not HOME.
  if (!KEY_VARIABLE.test(apiKeyEnv)) {
    throw bad(
      file,
      key,
      `is ${apiKeyEnv}, which does not look like a key variable (its value is sent to ${baseURL})`,
      'name a variable ending in _KEY, _API_KEY or _TOKEN',
    );
  }
  // A config file (a cloned repository's) must not send a provider's own key elsewhere.
  const owner = PROVIDER_KEYS[apiKeyEnv];
  if (owner !== undefined && new URL(baseURL).hostname !== owner) {
    throw bad(
      file,
      key,
      `is ${apiKeyEnv}, the key for ${owner}, but baseURL is ${new URL(baseURL).host}`,
      `give this endpoint a variable of its own, e.g. "${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY"`,
    );
  }
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
  const checked = validate(CONFIG_FILE_SCHEMA, raw);
  if (!checked.ok) throw bad(file, pathOf(checked.problem.at), checked.problem.what, checked.problem.fix);
  const { endpoints, prices, aliases } = checked.value;
  for (const [name, endpoint] of Object.entries(endpoints)) checkKeyGoesHome(file, name, endpoint);
  return {
    path: file,
    endpoints,
    prices: Object.fromEntries(Object.entries(prices).map(([name, price]) => [name, { ...price, source: file }])),
    aliases,
  };
}
