// What the providers list themselves: Anthropic's models endpoint gives each model's lifecycle
// (GET /v1/models; retired models only when asked for); OpenAI's lists the ids a key can use and
// nothing about lifecycles. Read by `tierbench models --check --providers`, with the user's keys.
import { redact } from './failures.js';
import { proxyFromEnv, transport } from './transport.js';

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

async function anthropic(env: Env): Promise<Catalog> {
  const key = env.ANTHROPIC_API_KEY;
  const baseURL = env.ANTHROPIC_BASE_URL || undefined;
  const where = host(baseURL, 'api.anthropic.com');
  if (!key) return { provider: 'Anthropic', host: where, skipped: 'ANTHROPIC_API_KEY is not set' };
  const sdk = await import('@anthropic-ai/sdk');
  const client = new sdk.Anthropic({ apiKey: key, authToken: null, baseURL: baseURL ?? null, logLevel: 'off', fetch: await transport(proxyFromEnv(env)) });
  try {
    const models: Listed[] = [];
    for await (const m of client.models.list({ lifecycle: ['active', 'deprecated', 'retired'] })) {
      models.push({ id: m.id, lifecycle: m.lifecycle, ...(m.retires_at !== null && { retiresOn: m.retires_at.slice(0, 10) }) });
    }
    return { provider: 'Anthropic', host: where, models };
  } catch (err) {
    return { provider: 'Anthropic', host: where, failed: redact((err as Error).message, [key]) };
  }
}

async function openai(env: Env): Promise<Catalog> {
  const key = env.OPENAI_API_KEY;
  const baseURL = env.OPENAI_BASE_URL || undefined;
  const where = host(baseURL, 'api.openai.com');
  if (!key) return { provider: 'OpenAI', host: where, skipped: 'OPENAI_API_KEY is not set' };
  const sdk = await import('openai');
  const client = new sdk.OpenAI({ apiKey: key, organization: null, project: null, ...(baseURL !== undefined && { baseURL }), logLevel: 'off', fetch: await transport(proxyFromEnv(env)) });
  try {
    const models: Listed[] = [];
    for await (const m of client.models.list()) models.push({ id: m.id });
    return { provider: 'OpenAI', host: where, models };
  } catch (err) {
    return { provider: 'OpenAI', host: where, failed: redact((err as Error).message, [key]) };
  }
}

/** Both providers' lists, each on its own: one without a key, or failing, does not stop the other. */
export const catalogs = (env: Env): Promise<Catalog[]> => Promise.all([anthropic(env), openai(env)]);
