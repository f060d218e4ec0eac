// A local stand-in for the Anthropic and OpenAI APIs: real HTTP, real wire formats, simulated
// models. Used by the demo, the end-to-end tests and the benchmarks; never a mock inside the SDK.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { minCacheableTokens } from '../models/prompt-cache.js';
import { SIMULATED_HEADER } from '../providers/provider.js';
import { quantileSorted } from '../stats/percentiles.js';
import { handleAnthropic, listAnthropicModels } from './anthropic.js';
import { Batches, type BatchOptions } from './batches.js';
import { handleEmbeddings } from './embeddings.js';
import { judgeReply } from './judge.js';
import { RateLimits, type Shape } from './limits.js';
import { handleOpenAI, listOpenAIModels } from './openai.js';
import { handleResponses } from './responses.js';
import { NO_TOOL_TEXT, type SimToolCall, toolCallOf } from './shaped.js';
import {
  type AnswerKey,
  answer,
  countTokens,
  DEFAULT_PROFILES,
  type Fault,
  faultFor,
  type Profile,
  promptTokensOf,
  type Quirk,
  type ThinkingRequest,
  thinkingFor,
} from './simulated.js';
import { conform } from './structured.js';

export interface EmulatorOptions {
  profiles?: Profile[];
  key?: AnswerKey;
  /** Keys accepted; any non-empty key when absent. */
  apiKeys?: string[];
  seed?: string;
  /** Shortest prefix, in tokens, that prompt caching will store, for every model; default: each model's own (Anthropic's 1,024–4,096, OpenAI's 1,024). */
  minCacheTokens?: number;
  /** The clock prompt-cache entries expire by, in ms (tests move it); default Date.now. */
  now?: () => number;
  /** Models deprecated or retired, by id, as Anthropic's models endpoint lists them; the others are active. Default: Sonnet 4.5's. */
  lifecycles?: Record<string, Lifecycle>;
  /** Files served at `GET /files/<name>`, as a web server would: images that cases name by URL, which the APIs download. */
  files?: Record<string, Buffer>;
  /**
   * How much of a per-minute limit may be spent at once: both providers enforce "over shorter
   * intervals" (60 RPM as 1 request per second). Default 1,000 ms.
   */
  burstMs?: number;
  /** Every `POST /v1/embeddings` answers this HTTP error (500, 503, 429): an embeddings endpoint that fails. */
  embeddingStatus?: 429 | 500 | 503;
  /** The simulated latencies (first token, thinking, generation) times this: 0.05 is twenty times faster (`demo --fast`). */
  timeScale?: number;
  /** How the batch APIs process a batch: how soon, how many at once, when its window closes. */
  batches?: BatchOptions;
}

/** A model's stage, as Anthropic's `GET /v1/models` gives it (RFC 3339 times). */
export interface Lifecycle {
  lifecycle: 'deprecated' | 'retired';
  deprecated_at: string;
  retires_at: string;
}

export interface ModelStats {
  requests: number;
  /** Requests that were SDK retries (X-Stainless-Retry-Count > 0). */
  retries: number;
  byStatus: Record<string, number>;
  /** Usage billed on successful responses, normalised: `input` excludes cached tokens. */
  usage: { input: number; output: number; cacheWrite: number; cacheRead: number };
  /** Successful answers that were right according to the key. */
  correct: number;
  succeeded: number;
  /**
   * How long the emulator itself took to answer complete 200s, from starting to answer to the last
   * byte handed to the OS (its most recent 100,000): what a client's latency should be compared to.
   */
  servedMs?: { count: number; p50: number; p99: number };
}

/** As Anthropic lists it; the day of the announcement is a stand-in (the table does not record it). */
const DEFAULT_LIFECYCLES: Record<string, Lifecycle> = {
  'claude-sonnet-4-5': { lifecycle: 'deprecated', deprecated_at: '2026-08-31T00:00:00Z', retires_at: '2026-11-30T00:00:00Z' },
};

/** Served times kept per model: enough for a benchmark run, bounded for a long-lived emulator. */
const SERVED_KEPT = 100_000;

/** What one simulated call produced, before an API formats it. */
export interface Simulation {
  model: string;
  text: string;
  ttftMs: number;
  generationMs: number;
  truncated: boolean;
  /** The simulated model's confidence in its answer, in (0, 1). */
  confidence: number;
  /** A broken-response fault to act out while answering. */
  fault?: NonNullable<Fault['kind']>;
  quirks: ReadonlySet<Quirk>;
  /** Total prompt tokens, and the cached part of them. */
  promptTokens: number;
  cacheWrite: number;
  cacheRead: number;
  /** Visible output tokens; thinking tokens are billed as output too. */
  outputTokens: number;
  thinkingTokens: number;
  /** How long the thinking took, before the first visible token. */
  thinkingMs: number;
  headers: Record<string, string>;
  /** The response has ended: its rate-limit reservation becomes what it used (answering calls it). */
  settle(): void;
  /** The answer is this tool call (then `text` is empty). */
  toolCall?: SimToolCall;
}

export interface SimulateInput {
  model: string;
  system: string;
  /** The prompt up to the last block marked for caching (Anthropic), or the system text's cacheable part (OpenAI's automatic caching). */
  cachePrefix: string;
  /** Anthropic: the prompt up to each earlier breakpoint, looked up too (a hit on a shorter prefix is read, the rest written). */
  cacheMarks?: string[];
  /** How long an entry lives after its last use (Anthropic's 5 minutes or 1 hour); absent: for the emulator's life. */
  cacheTtlMs?: number;
  messages: Array<{ role: string; content: string }>;
  maxTokens: number;
  attempt: number;
  /** The reasoning setting the request carried. */
  thinking: ThinkingRequest;
  /** As sent; at 0 the same prompt gets the same answer every time, as near enough with the real APIs. */
  temperature?: number;
  /** The names of the tools offered: an answer that is a call to one of them is made as a tool call. */
  tools?: readonly string[];
  /** A structured-output schema the request carried (already accepted): the answer follows it. */
  format?: Record<string, unknown>;
}

export type SimResult =
  | { kind: 'ok'; sim: Simulation }
  | { kind: 'not_found' }
  /** The input contains the profile's `flag`: the provider's moderation blocks it. */
  | { kind: 'flagged'; quirks: ReadonlySet<Quirk> }
  /** A 429 that means a spend limit or no quota. */
  | { kind: 'spend_limit' }
  | { kind: 'fault'; fault: Fault & { status: NonNullable<Fault['status']> }; headers: Record<string, string> }
  | { kind: 'rate_limited'; retryAfterS: number; which: string; headers: Record<string, string> };

export class Emulator {
  private server: Server | undefined;
  private readonly profiles: Map<string, Profile>;
  /** Prompt-cache entries by model and prefix: when each can first be read, and when it expires (refreshed by every read, as Anthropic's are). */
  private readonly cache = new Map<string, { ready: number; expires: number }>();
  private readonly limits: RateLimits;
  private readonly modelStats = new Map<string, ModelStats>();
  /** Answers given so far per model and prompt: the sample index of the next one. */
  private readonly sightings = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly served = new Map<string, { times: Float64Array; count: number }>();
  /** Requests seen per model and prompt: faults are drawn per request, so any retry gets a fresh draw. */
  private readonly requestsSeen = new Map<string, number>();
  private readonly watchers = new Set<(model: string) => void>();
  readonly seed: string;
  /** Anthropic's Message Batches and OpenAI's Batch API (with its files); `batches.counts` for tests. */
  readonly batches: Batches;
  private base = '';

  constructor(readonly options: EmulatorOptions = {}) {
    this.profiles = new Map();
    for (const p of options.profiles ?? DEFAULT_PROFILES) for (const id of p.ids) this.profiles.set(id, p);
    this.seed = options.seed ?? 'tierbench';
    this.limits = new RateLimits(options.burstMs ?? 1000);
    this.batches = new Batches(this, options.batches ?? {}, () => this.base);
  }

  /** Gateways spell ids `vendor/model-4.5`; the emulator serves them under the bare id. */
  profileFor(model: string): Profile | undefined {
    const bare = model.slice(model.lastIndexOf('/') + 1);
    return this.profiles.get(model) ?? this.profiles.get(bare) ?? this.profiles.get(bare.replace(/(\d)\.(\d)/g, '$1-$2'));
  }

  /** Every model id served, in the order the profiles name them. */
  modelIds(): string[] {
    return [...this.profiles.keys()];
  }

  /** A model's stage as Anthropic lists it; undefined: active. */
  lifecycleOf(id: string): Lifecycle | undefined {
    return (this.options.lifecycles ?? DEFAULT_LIFECYCLES)[id];
  }

  authorized(key: string | undefined): boolean {
    if (key === undefined || key === '') return false;
    return this.options.apiKeys === undefined || this.options.apiKeys.includes(key);
  }

  stats(model?: string): ModelStats {
    if (model !== undefined) return this.statsFor(model);
    const all: ModelStats = { requests: 0, retries: 0, byStatus: {}, usage: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }, correct: 0, succeeded: 0 };
    for (const s of this.modelStats.values()) {
      all.requests += s.requests;
      all.retries += s.retries;
      all.correct += s.correct;
      all.succeeded += s.succeeded;
      for (const [k, v] of Object.entries(s.byStatus)) all.byStatus[k] = (all.byStatus[k] ?? 0) + v;
      for (const k of ['input', 'output', 'cacheWrite', 'cacheRead'] as const) all.usage[k] += s.usage[k];
    }
    return all;
  }

  allStats(): Record<string, ModelStats> {
    return Object.fromEntries(
      [...this.modelStats].map(([model, s]) => {
        const served = this.served.get(model);
        if (served === undefined) return [model, s];
        const sorted = served.times.slice(0, Math.min(served.count, SERVED_KEPT)).sort();
        return [model, { ...s, servedMs: { count: sorted.length, p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99) } }];
      }),
    );
  }

  /** Forget all counts (`DELETE /_emulator/stats`): a benchmark's next run starts from zero. */
  resetStats(): void {
    this.modelStats.clear();
    this.served.clear();
  }

  private statsFor(model: string): ModelStats {
    let s = this.modelStats.get(model);
    if (!s) {
      s = { requests: 0, retries: 0, byStatus: {}, usage: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }, correct: 0, succeeded: 0 };
      this.modelStats.set(model, s);
    }
    return s;
  }

  /** A request is being answered until its response closes: the concurrency limit counts it. */
  answering(model: string, res: ServerResponse, sim: Pick<Simulation, 'fault' | 'settle'>): void {
    const started = performance.now();
    this.inFlight.set(model, (this.inFlight.get(model) ?? 0) + 1);
    res.once('close', () => {
      this.inFlight.set(model, (this.inFlight.get(model) ?? 1) - 1);
      sim.settle();
    });
    if (sim.fault !== undefined) return;
    res.once('finish', () => {
      let served = this.served.get(model);
      if (served === undefined) {
        served = { times: new Float64Array(SERVED_KEPT), count: 0 };
        this.served.set(model, served);
      }
      served.times[served.count++ % SERVED_KEPT] = performance.now() - started;
    });
  }

  /**
   * Calls `fn` with the model as each request is counted, before it is answered: a test can act at
   * a known point of a run (the 20th request, say) instead of polling. Returns the unsubscribe.
   */
  onRequest(fn: (model: string) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /**
   * Prompt caching as the APIs do it: the longest live prefix among the breakpoints is read (and
   * its TTL refreshed), the prompt up to the last breakpoint beyond it is written; a prefix shorter
   * than the model's minimum is neither, silently. An entry can be read once the response that
   * writes it has begun (`readyInMs`): calls sent together before then each write it, and pay for it.
   */
  /** `commit` false: what a request would read, nothing stored or refreshed (a request the rate limit turns away changes nothing). */
  private promptCache(input: SimulateInput, density: number, readyInMs: number, commit = true): { cacheWrite: number; cacheRead: number } {
    const min = this.options.minCacheTokens ?? minCacheableTokens(input.model);
    const now = (this.options.now ?? Date.now)();
    const ttl = input.cacheTtlMs ?? Number.POSITIVE_INFINITY;
    const marks = [...(input.cacheMarks ?? []), input.cachePrefix]
      .map((prefix) => ({ prefix, tokens: countTokens(prefix, density) }))
      .filter((m) => m.tokens >= min);
    let read = 0;
    for (const m of [...marks].reverse()) {
      const entry = this.cache.get(`${input.model}|${m.prefix}`);
      if (entry !== undefined && entry.ready <= now && entry.expires > now) {
        read = m.tokens;
        if (commit) entry.expires = now + ttl;
        break;
      }
    }
    const last = marks.at(-1);
    if (!commit) return { cacheWrite: 0, cacheRead: read };
    if (last === undefined || last.tokens <= read) return { cacheWrite: 0, cacheRead: read };
    for (const m of marks) {
      if (m.tokens <= read) continue;
      const key = `${input.model}|${m.prefix}`;
      const live = this.cache.get(key);
      // A write already in flight for a live entry stays the one that makes it readable.
      const ready = live !== undefined && live.expires > now ? Math.min(live.ready, now + readyInMs) : now + readyInMs;
      this.cache.set(key, { ready, expires: now + ttl });
    }
    return { cacheWrite: last.tokens - read, cacheRead: read };
  }

  /** Count a request and its outcome: an HTTP status, or the broken-response fault acted out. */
  record(model: string, attempt: number, status: number | string, sim?: Simulation, correct?: boolean): void {
    const s = this.statsFor(model);
    s.requests++;
    if (attempt > 0) s.retries++;
    s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
    // These answered in full, and are billed; the other faults broke the answer.
    if (sim && (sim.fault === undefined || sim.fault === 'empty' || sim.fault === 'refusal')) {
      s.succeeded++;
      if (correct) s.correct++;
      s.usage.input += sim.promptTokens - sim.cacheWrite - sim.cacheRead;
      s.usage.output += sim.outputTokens + sim.thinkingTokens;
      s.usage.cacheWrite += sim.cacheWrite;
      s.usage.cacheRead += sim.cacheRead;
    }
    for (const w of this.watchers) w(model);
  }

  /** Count an embeddings request: its status, and the input tokens billed when it succeeded. */
  recordEmbedding(model: string, attempt: number, status: number, inputTokens: number): void {
    const s = this.statsFor(model);
    s.requests++;
    if (attempt > 0) s.retries++;
    s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
    if (status === 200) {
      s.succeeded++;
      s.usage.input += inputTokens;
    }
    for (const w of this.watchers) w(model);
  }

  simulate(input: SimulateInput, shape: Shape): SimResult & { correct?: boolean } {
    const profile = this.profileFor(input.model);
    if (!profile) return { kind: 'not_found' };
    const density = profile.tokenDensity ?? 1;
    const promptTokens = promptTokensOf(input.system, input.messages, density);
    // Cache reads do not count against Anthropic's input-token limit.
    const reads = this.promptCache(input, density, 0, false).cacheRead;
    const admission = this.limits.admit(input.model, profile, shape, { input: promptTokens - reads, maxTokens: input.maxTokens });
    const headers = profile.quirks?.includes('no-rate-headers') ? {} : admission.headers;
    if (!admission.ok) return { kind: 'rate_limited', retryAfterS: admission.retryAfterS, which: admission.which, headers };
    // Anything but an answer ends now: the output reserved is given back.
    const settleNow = (): void => admission.settle(0);
    if (profile.maxConcurrent !== undefined && (this.inFlight.get(input.model) ?? 0) >= profile.maxConcurrent) {
      settleNow();
      return { kind: 'fault', fault: { status: 429, rate: 1, retryAfterMs: 50 }, headers };
    }
    const prompt = input.messages.map((m) => m.content).join('\n');
    const seen = `${input.model}\u0000${prompt}`;
    const nth = this.requestsSeen.get(seen) ?? 0;
    this.requestsSeen.set(seen, nth + 1);
    if (profile.flag !== undefined && prompt.includes(profile.flag)) {
      settleNow();
      return { kind: 'flagged', quirks: new Set(profile.quirks) };
    }
    const fault = faultFor(profile, input.model, prompt, this.seed, nth);
    if (fault?.kind === 'spend-limit') {
      settleNow();
      return { kind: 'spend_limit' };
    }
    if (fault?.status !== undefined) {
      settleNow();
      return { kind: 'fault', fault: { ...fault, status: fault.status }, headers };
    }

    const sample = input.temperature === 0 ? 0 : (this.sightings.get(seen) ?? 0);
    this.sightings.set(seen, sample + 1);
    const offered = input.tools ?? [];
    const simulated = answer(profile, input.model, this.options.key, prompt, this.seed, input.attempt, sample, input.system, offered.length > 0);
    const verdict = judgeReply(profile, input.model, this.options.key, input.messages, this.seed);
    const a = verdict === undefined ? simulated : { ...simulated, text: verdict, correct: false };
    const faultKind = fault?.kind ?? (profile.refuses !== undefined && a.text === profile.refuses ? 'refusal' : undefined);
    let text = faultKind === 'empty' || faultKind === 'refusal' ? '' : input.format === undefined ? a.text : conform(a.text, input.format);
    const toolCall = toolCallOf(text, offered);
    // The key's {"name": null}: deciding no tool is needed, said in words.
    if (offered.length > 0 && /^\{\s*"name"\s*:\s*null/.test(text)) text = NO_TOOL_TEXT;
    if (toolCall !== undefined) text = toolCall.arguments;
    // Thinking comes first and counts against the token limit: what it leaves is the answer's.
    const thinkingTokens = Math.min(thinkingFor(profile, input.thinking), input.maxTokens);
    const room = input.maxTokens - thinkingTokens;
    let outputTokens = countTokens(text, density);
    let truncated = false;
    if (outputTokens > room || (thinkingTokens > 0 && room === 0)) {
      text = text.slice(0, Math.floor((room * 4) / density));
      outputTokens = room;
      truncated = true;
    }
    const scale = this.options.timeScale ?? 1;
    const thinkingMs = profile.tokensPerSec > 0 ? (thinkingTokens / profile.tokensPerSec) * 1000 * scale : 0;
    const { cacheWrite, cacheRead } = this.promptCache(input, density, a.ttftMs);
    return {
      kind: 'ok',
      correct: a.correct,
      sim: {
        model: input.model,
        // A call's arguments were counted and cut as its output; the call carries them.
        text: toolCall === undefined ? text : '',
        ...(toolCall !== undefined && { toolCall: { name: toolCall.name, arguments: text } }),
        ttftMs: a.ttftMs * scale,
        generationMs: a.generationMs * scale,
        truncated,
        confidence: a.confidence,
        ...(faultKind && { fault: faultKind }),
        quirks: new Set(profile.quirks),
        promptTokens,
        cacheWrite,
        cacheRead,
        outputTokens,
        thinkingTokens,
        thinkingMs,
        headers,
        settle: () => admission.settle(outputTokens + thinkingTokens),
      },
    };
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      res.setHeader(SIMULATED_HEADER, '1');
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(err) } });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.base = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    return this.base;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/_emulator/stats') return sendJson(res, 200, this.allStats());
    if (req.method === 'DELETE' && url === '/_emulator/stats') {
      this.resetStats();
      return sendJson(res, 200, {});
    }
    const file = req.method === 'GET' && url?.startsWith('/files/') ? this.options.files?.[decodeURIComponent(url.slice(7))] : undefined;
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.length) });
      return void res.end(file);
    }
    // `/_redirect/308/v1/messages` → 308 to `/v1/messages`: a base URL that moved.
    const moved = /^\/_redirect\/(30[1278])(\/.*)$/.exec(url ?? '');
    if (moved) {
      res.writeHead(Number(moved[1]), { location: moved[2]!, 'content-length': '0' });
      return void res.end();
    }
    if (req.method === 'POST' && (url === '/v1/messages' || url === '/v1/messages/count_tokens'))
      return handleAnthropic(this, req, res, url, await readBody(req));
    // One path, two APIs: Anthropic's SDK sends anthropic-version.
    if (req.method === 'GET' && url === '/v1/models')
      return req.headers['anthropic-version'] === undefined ? listOpenAIModels(this, req, res) : listAnthropicModels(this, req, res);
    if (req.method === 'POST' && url === '/v1/chat/completions') return handleOpenAI(this, req, res, await readBody(req));
    if (req.method === 'POST' && url === '/v1/embeddings') return handleEmbeddings(this, req, res, await readBody(req));
    if (req.method === 'POST' && url === '/v1/responses') return handleResponses(this, req, res, await readBody(req));
    // Azure OpenAI: the deployment in the path, the version in the query, the key in `api-key`.
    const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url ?? '');
    if (req.method === 'POST' && deployment) {
      if (!new URL(req.url ?? '/', 'http://emulator').searchParams.get('api-version')) {
        return sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } });
      }
      return handleOpenAI(this, req, res, await readBody(req), deployment[1]);
    }
    if (url !== undefined && (await this.batches.route(req, res, url))) return;
    sendJson(res, 404, { error: { message: `the emulator does not serve ${req.method} ${url}`, type: 'not_found_error' } });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The key of an OpenAI-format request (`Authorization: Bearer …`). */
/** The request's temperature, when it sent one: every API names it `temperature`. */
export const temperatureOf = (body: Record<string, unknown>): { temperature?: number } =>
  typeof body.temperature === 'number' ? { temperature: body.temperature } : {};

export function bearer(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number): Promise<void> => (ms <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms)));

export function attemptOf(req: IncomingMessage): number {
  return Number(req.headers['x-stainless-retry-count'] ?? 0) || 0;
}

/** Wait until the client hangs up (a `hang` fault: the client's timeout ends it). */
export function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) resolve();
    else res.once('close', () => resolve());
  });
}

export function faultHeaders(fault: Fault): Record<string, string> {
  return {
    ...(fault.retryAfterS !== undefined && { 'retry-after': String(fault.retryAfterS) }),
    ...(fault.retryAfterMs !== undefined && { 'retry-after-ms': String(fault.retryAfterMs) }),
  };
}
