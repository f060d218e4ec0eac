// What the providers list themselves: Anthropic's models endpoint gives each model's lifecycle
// (GET /v1/models; retired models only when asked for); OpenAI's lists the ids a key can use and
// nothing about lifecycles. Read by `tierbench models --check --providers`, with the user's keys.
import { redact } from './failures.js';
import { type Fetch, proxyFromEnv, transport } from './transport.js';

export interface Listed {
  id: string;
  /** Anthropic only. */
  lifecycle?: 'active' | 'deprecated' | 'retired';
  /** YYYY-MM-DD; Anthropic only, and only once a retirement is scheduled. */
  retiresOn?: string;
}

export type Catalog =
  | { provider: 'Anthropic' | 'OpenAI'; host: string; models: Listed[] }
  | { provider: 'Anthropic' | 'OpenAI'; host: string; skipped: string }
  | { provider: 'Anthropic' | 'OpenAI'; host: string; failed: string };

type Env = Readonly<Record<string, string | undefined>>;

const host = (baseURL: string | undefined, fallback: string): string => (baseURL !== undefined && URL.canParse(baseURL) ? new URL(baseURL).host : fallback);

/** One provider's list with the key and base URL its variables hold: not asked without a key; a failure as data, the key redacted. */
async function read(
  provider: Catalog['provider'],
  vars: { key: string; baseURL: string; host: string },
  env: Env,
  list: (key: string, baseURL: string | undefined, fetch: Fetch) => Promise<Listed[]>,
): Promise<Catalog> {
  const key = env[vars.key];
  const baseURL = env[vars.baseURL] || undefined;
  const where = host(baseURL, vars.host);
  if (!key) return { provider, host: where, skipped: `${vars.key} is not set` };
  try {
    return { provider, host: where, models: await list(key, baseURL, await transport(proxyFromEnv(env))) };
  } catch (err) {
    return { provider, host: where, failed: redact((err as Error).message, [key]) };
  }
}

async function anthropic(key: string, baseURL: string | undefined, fetch: Fetch): Promise<Listed[]> {
  const sdk = await import('@anthropic-ai/sdk');
  const client = new sdk.Anthropic({ apiKey: key, authToken: null, baseURL: baseURL ?? null, logLevel: 'off', fetch });
  const models: Listed[] = [];
  for await (const m of client.models.list({ lifecycle: ['active', 'deprecated', 'retired'] })) {
    models.push({ id: m.id, lifecycle: m.lifecycle, ...(m.retires_at !== null && { retiresOn: m.retires_at.slice(0, 10) }) });
  }
  return models;
}

async function openai(key: string, baseURL: string | undefined, fetch: Fetch): Promise<Listed[]> {
  const sdk = await import('openai');
  const client = new sdk.OpenAI({ apiKey: key, organization: null, project: null, ...(baseURL !== undefined && { baseURL }), logLevel: 'off', fetch });
  const models: Listed[] = [];
  for await (const m of client.models.list()) models.push({ id: m.id });
  return models;
}

/** Both providers' lists, each on its own: one without a key, or failing, does not stop the other. */
export const catalogs = (env: Env): Promise<Catalog[]> =>
  Promise.all([
    read('Anthropic', { key: 'ANTHROPIC_API_KEY', baseURL: 'ANTHROPIC_BASE_URL', host: 'api.anthropic.com' }, env, anthropic),
    read('OpenAI', { key: 'OPENAI_API_KEY', baseURL: 'OPENAI_BASE_URL', host: 'api.openai.com' }, env, openai),
  ]);
