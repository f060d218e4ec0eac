// "haiku", "openai:gpt-5-mini", "openrouter:anthropic/claude-haiku-4.5", "local:llama3" → ModelSpec.
import { UsageError, closest } from '../errors.js';
import type { ApiFamily, Config, ModelSpec, PriceEntry } from '../types.js';
import { PRICES, listPrice } from './prices.js';

interface BuiltinEndpoint {
  api: ApiFamily;
  apiKeyEnv: string;
  baseUrlEnv: string;
  defaultBaseURL?: string;
}

/** Base URLs come from the same variables the SDKs read, so a proxy set for one works for both. */
export const ENDPOINTS: Readonly<Record<string, BuiltinEndpoint>> = {
  anthropic: { api: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseUrlEnv: 'ANTHROPIC_BASE_URL' },
  openai: { api: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseUrlEnv: 'OPENAI_BASE_URL' },
  openrouter: { api: 'openai', apiKeyEnv: 'OPENROUTER_API_KEY', baseUrlEnv: 'OPENROUTER_BASE_URL', defaultBaseURL: 'https://openrouter.ai/api/v1' },
};

/** Short names for current models. The bare tier names follow the newest generation in the SDK's model list. */
export const ALIASES: Readonly<Record<string, string>> = {
  haiku: 'anthropic:claude-haiku-5-5',
  sonnet: 'anthropic:claude-sonnet-5-5',
  opus: 'anthropic:claude-opus-5-5',
  'haiku-4.5': 'anthropic:claude-haiku-4-5',
  'sonnet-4.6': 'anthropic:claude-sonnet-4-6',
  'opus-4.8': 'anthropic:claude-opus-4-8',
  'gpt-5': 'openai:gpt-5',
  'gpt-5-mini': 'openai:gpt-5-mini',
  'gpt-5-nano': 'openai:gpt-5-nano',
  'gpt-4.1': 'openai:gpt-4.1',
  'gpt-4.1-mini': 'openai:gpt-4.1-mini',
  'gpt-4o-mini': 'openai:gpt-4o-mini',
};

export interface ResolveOptions {
  config: Config;
  env: Readonly<Record<string, string | undefined>>;
  allowUnpriced: boolean;
}

function guessEndpoint(id: string): string | undefined {
  if (id.startsWith('claude-')) return 'anthropic';
  if (/^(gpt-|o\d|chatgpt-)/.test(id)) return 'openai';
  return undefined;
}

function unknownModel(name: string, config: Config): UsageError {
  const known = [...Object.keys(ALIASES), ...Object.keys(config.aliases), ...Object.keys(PRICES)];
  const guess = closest(name, known);
  return new UsageError(
    'E_UNKNOWN_MODEL',
    `--models: unknown model \`${name}\`${guess ? ` — did you mean \`${guess}\`?` : ''}`,
    'run `tierbench models` for the list, or write provider:id (anthropic:…, openai:…, openrouter:…, or an endpoint from the config file)',
  );
}

function price(name: string, endpoint: string, id: string, options: ResolveOptions): PriceEntry | null {
  const own = options.config.prices;
  const configured = own[name] ?? own[`${endpoint}:${id}`] ?? own[id];
  if (configured) return configured;
  const listed = ENDPOINTS[endpoint] ? listPrice(id) : undefined;
  if (listed) return listed;
  if (options.allowUnpriced) return null;
  throw new UsageError(
    'E_UNPRICED',
    `--models: no price known for \`${name}\` (${endpoint}:${id})`,
    `add it to "prices" in ${options.config.path ?? 'tierbench.config.json'} as {"${name}": {"input": USD_per_Mtok, "output": USD_per_Mtok}}, or pass --allow-unpriced to report its cost as unknown`,
  );
}

function resolveOne(name: string, options: ResolveOptions): ModelSpec {
  const { config, env } = options;
  const target = config.aliases[name] ?? ALIASES[name] ?? name;
  const colon = target.indexOf(':');
  let endpoint: string | undefined;
  let id: string;
  if (colon > 0) {
    endpoint = target.slice(0, colon);
    id = target.slice(colon + 1);
  } else {
    id = target;
    endpoint = guessEndpoint(id);
  }
  if (endpoint === undefined || id === '') throw unknownModel(name, config);
  const builtin = ENDPOINTS[endpoint];
  const custom = config.endpoints[endpoint];
  if (builtin) {
    const baseURL = env[builtin.baseUrlEnv] || builtin.defaultBaseURL;
    return {
      name, id, api: builtin.api, endpoint, apiKeyEnv: builtin.apiKeyEnv,
      ...(baseURL !== undefined && { baseURL }),
      prices: price(name, endpoint, id, options),
    };
  }
  if (custom) {
    return {
      name, id, api: custom.api, endpoint, baseURL: custom.baseURL,
      ...(custom.apiKeyEnv !== undefined && { apiKeyEnv: custom.apiKeyEnv }),
      prices: price(name, endpoint, id, options),
    };
  }
  const endpoints = [...Object.keys(ENDPOINTS), ...Object.keys(config.endpoints)];
  throw new UsageError(
    'E_UNKNOWN_ENDPOINT',
    `--models: unknown provider \`${endpoint}\` in \`${name}\``,
    `use one of ${endpoints.join(', ')}, or add "endpoints": {"${endpoint}": {"baseURL": "http://…/v1", "api": "openai"}} to the config file`,
  );
}

export function resolveModels(list: string, options: ResolveOptions): ModelSpec[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('E_NO_MODELS', '--models is empty', 'name at least one model, e.g. --models haiku,sonnet');
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) throw new UsageError('E_DUP_MODEL', `--models names \`${name}\` twice`, 'list each model once');
    seen.add(name);
    return resolveOne(name, options);
  });
}
