// "haiku", "openai:gpt-5-mini", "openrouter:anthropic/claude-haiku-4.5", "local:llama3" → ModelSpec.
import { DEFAULT_MAX_TOKENS, REASONING_MAX_TOKENS } from '../defaults.js';
import { closest, UsageError } from '../errors.js';
import type { ApiFamily, Config, Effort, EndpointConfig, ModelSpec, PriceEntry, Reasoning, WireOptions } from '../types.js';
import { retirement } from './lifecycle.js';
import { cacheAtInput, listPrice, PRICES } from './prices.js';

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

/**
 * Short names for current models. The bare tier names follow the newest generation: Claude 5.5,
 * and OpenAI's GPT-6 / 6.1 lines (luna the smallest, astra the largest). The GPT-5 and 4.x names
 * stay until their models retire (models/lifecycle.ts), then they are refused with the successor.
 */
export const ALIASES: Readonly<Record<string, string>> = {
  haiku: 'anthropic:claude-haiku-5-5',
  sonnet: 'anthropic:claude-sonnet-5-5',
  opus: 'anthropic:claude-opus-5-5',
  luna: 'openai:gpt-6-luna',
  terra: 'openai:gpt-6.1-terra',
  sol: 'openai:gpt-6.1-sol',
  astra: 'openai:gpt-6-astra',
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
  /** --max-tokens, when given. */
  maxTokens?: number;
  /** --openai-api: OpenAI's own models through Chat Completions or the Responses API; auto by default. */
  openaiApi?: 'chat' | 'responses';
  /** Today: a built-in provider's model retired by then is refused. */
  today: Date;
}

/** `{ wire }` when the endpoint sets any wire option, else nothing. */
function wireOf(e: EndpointConfig): { wire?: WireOptions } {
  const wire: WireOptions = {
    ...(e.maxTokensParam !== undefined && { maxTokensParam: e.maxTokensParam }),
    ...(e.streamOptions !== undefined && { streamOptions: e.streamOptions }),
    ...(e.apiVersion !== undefined && { apiVersion: e.apiVersion }),
  };
  return Object.keys(wire).length === 0 ? {} : { wire };
}

const OPENAI_EFFORTS: readonly Effort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];
const EFFORTS: Readonly<Record<ApiFamily, readonly Effort[]>> = {
  anthropic: ['none', 'low', 'medium', 'high', 'xhigh', 'max'],
  openai: OPENAI_EFFORTS,
  'openai-responses': OPENAI_EFFORTS,
};

/** OpenAI models served only by the Responses API (the -pro and -codex lines). */
const RESPONSES_ONLY = /^(gpt-|o)\d[\w.-]*-(pro|codex)(-|$)/;

/** Models that think before answering unless told not to (api-notes: Claude 5.x, OpenAI's o- and GPT-5+ lines). */
const REASONS_BY_DEFAULT = /^(o\d|gpt-5|gpt-6|claude-(haiku|sonnet|opus)-5)/;

/**
 * `haiku@low`, `gpt-5-mini@minimal`, `opus@off`, `sonnet@8k` / `sonnet@8192` (a thinking budget).
 * An `@` followed by anything else stays part of the id (Vertex spells versions `model@20250929`).
 */
function splitReasoning(name: string): { base: string; setting?: string } {
  const at = name.lastIndexOf('@');
  if (at <= 0) return { base: name };
  const setting = name.slice(at + 1).toLowerCase();
  const known = setting === 'off' || (EFFORTS.openai as readonly string[]).includes(setting) || /^\d{1,6}k?$/.test(setting);
  return known ? { base: name.slice(0, at), setting } : { base: name };
}

function reasoningFor(name: string, setting: string, api: ApiFamily): Reasoning {
  const budget = /^(\d+)(k?)$/.exec(setting);
  if (budget) {
    const tokens = Number(budget[1]) * (budget[2] ? 1000 : 1);
    if (api !== 'anthropic' || tokens < 1024) {
      throw new UsageError(
        'E_REASONING',
        `--models ${name}: ${api !== 'anthropic' ? 'a thinking budget in tokens is an Anthropic setting' : 'a thinking budget is at least 1024 tokens'}`,
        api !== 'anthropic' ? `write an effort: ${EFFORTS.openai.join(', ')}` : 'e.g. @2048 or @8k',
      );
    }
    return { budgetTokens: tokens };
  }
  const effort = (setting === 'off' ? 'none' : setting) as Effort;
  if (!EFFORTS[api].includes(effort)) {
    throw new UsageError(
      'E_REASONING',
      `--models ${name}: ${api === 'anthropic' ? 'Anthropic' : 'OpenAI-format'} models take no effort \`${setting}\``,
      `use one of ${EFFORTS[api].join(', ')}${api === 'anthropic' ? ', off, or a thinking budget such as @8k' : ', or off'}`,
    );
  }
  return { effort };
}

function resolveOne(name: string, options: ResolveOptions): ModelSpec {
  const { base, setting } = splitReasoning(name);
  const located = locate(base, options);
  const reasoning = setting === undefined ? undefined : reasoningFor(name, setting, located.api);
  const bare = located.id.slice(located.id.lastIndexOf('/') + 1).replace(/(\d)\.(\d)/g, '$1-$2');
  const reasons = reasoning === undefined ? REASONS_BY_DEFAULT.test(bare) : reasoning.effort !== 'none';
  const budget = reasoning?.budgetTokens;
  const maxTokens =
    options.maxTokens ?? (budget !== undefined ? Math.max(REASONING_MAX_TOKENS, budget + 4096) : reasons ? REASONING_MAX_TOKENS : DEFAULT_MAX_TOKENS);
  if (budget !== undefined && budget >= maxTokens) {
    throw new UsageError(
      'E_REASONING',
      `--models ${name}: the thinking budget (${budget}) must be below --max-tokens (${maxTokens})`,
      `raise --max-tokens above ${budget}, or lower the budget`,
    );
  }
  return { ...located, name, maxTokens, ...(reasoning !== undefined && { reasoning }), ...(reasons && { reasons: true as const }) };
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
  const key = own[name] !== undefined ? name : own[`${endpoint}:${id}`] !== undefined ? `${endpoint}:${id}` : id;
  const configured = own[key];
  const listed = ENDPOINTS[endpoint] ? listPrice(id) : undefined;
  if (configured && listed) return { ...listed, ...configured, source: `${configured.source} over ${listed.source}` };
  if (configured) {
    const { input, output } = configured;
    if (input === undefined || output === undefined) {
      throw new UsageError(
        'E_CONFIG',
        `${configured.source}: prices.${key}.${input === undefined ? 'input' : 'output'} is missing, and ${endpoint}:${id} has no list price to take it from`,
        'give at least input and output, in USD per million tokens',
      );
    }
    return cacheAtInput({ ...configured, input, output });
  }
  if (listed) return listed;
  if (options.allowUnpriced) return null;
  throw new UsageError(
    'E_UNPRICED',
    `--models: no price known for \`${name}\` (${endpoint}:${id})`,
    `add it to "prices" in ${options.config.path ?? 'tierbench.config.json'} as {"${name}": {"input": USD_per_Mtok, "output": USD_per_Mtok}}, or pass --allow-unpriced ${endpoint === 'openrouter' ? "to take each call's cost from what OpenRouter reports charging" : 'to report its cost as unknown'}`,
  );
}

/** Where the model is and what it costs: the part of a spec the name before any `@` decides. */
type Located = Omit<ModelSpec, 'maxTokens' | 'reasoning' | 'reasons'>;

function locate(name: string, options: ResolveOptions): Located {
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
    const retires = retirement(name, id, options.today, true);
    const baseURL = env[builtin.baseUrlEnv] || builtin.defaultBaseURL;
    const responses = endpoint === 'openai' && (options.openaiApi === 'responses' || (options.openaiApi !== 'chat' && RESPONSES_ONLY.test(id)));
    return {
      name,
      id,
      api: responses ? 'openai-responses' : builtin.api,
      endpoint,
      apiKeyEnv: builtin.apiKeyEnv,
      ...(baseURL !== undefined && { baseURL }),
      ...(retires !== undefined && { retires }),
      prices: price(name, endpoint, id, options),
    };
  }
  if (custom) {
    const retires = retirement(name, id, options.today, false);
    return {
      name,
      id,
      api: custom.api,
      endpoint,
      baseURL: custom.baseURL,
      ...(retires !== undefined && { retires }),
      ...(custom.apiKeyEnv !== undefined && { apiKeyEnv: custom.apiKeyEnv }),
      ...wireOf(custom),
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
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('E_NO_MODELS', '--models is empty', 'name at least one model, e.g. --models haiku,sonnet');
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) throw new UsageError('E_DUP_MODEL', `--models names \`${name}\` twice`, 'list each model once');
    seen.add(name);
    return resolveOne(name, options);
  });
}
