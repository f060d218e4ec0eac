// OpenAI Chat Completions (and the servers that speak it: OpenRouter, vLLM, Ollama, LM Studio,
// gateways): the request, and a Reading of its answer as JSON or as SSE chunks.
import type { ChatRequest, ImageRef, Message, ModelSpec, Usage } from '../types.js';
import { type OpenAISdk, openAIBatches } from './batch.js';
import { Adapter, addText, addToolCall, type CallContext, callContext, clientOptions, emptyParsed, type Parsed, type Reading, type Wire } from './call.js';
import { bodyError } from './failures.js';
import type { ProviderOptions, SentSettings } from './provider.js';
import { chatFormat, notStrictNote } from './structured.js';
import type { RawToolCall } from './tool-calls.js';

/** An image as OpenAI takes it: its URL, or its bytes as a data: URL. */
export const imageUrl = (image: ImageRef): string => (image.data !== undefined ? `data:${image.mediaType};base64,${image.data}` : (image.url ?? image.source));

/** Messages in Chat Completions' shape: images as `image_url` parts (ChatCompletionContentPartImage). */
function chatMessages(messages: readonly Message[]): Array<Record<string, unknown>> {
  return messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : m.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: imageUrl(p.image) } })),
  }));
}

/** Tools as Chat Completions takes them: `{type: 'function', function}`, and the choice. */
function chatTools(request: ChatRequest): Record<string, unknown> {
  if (request.tools === undefined) return {};
  const choice = request.toolChoice;
  return {
    tools: request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: t.parameters },
    })),
    ...(choice !== undefined && { tool_choice: typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } } }),
  };
}

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek's name for the cached part. */
  prompt_cache_hit_tokens?: number;
  /** OpenRouter: what it charged, in USD; on a bring-your-own-key call only its fee, the provider billing the rest. */
  cost?: number | null;
  is_byok?: boolean | null;
  cost_details?: { upstream_inference_cost?: number | null } | null;
}

const amount = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined);

/** OpenRouter's charge for a call, the provider's own included on a BYOK key; undefined when it sent none. */
function charge(u: OpenAIUsage): number | undefined {
  const fee = amount(u.cost);
  if (fee === undefined) return undefined;
  // Without BYOK upstream_inference_cost repeats what `cost` already holds.
  return u.is_byok === true ? fee + (amount(u.cost_details?.upstream_inference_cost) ?? 0) : fee;
}

/**
 * OpenAI's prompt_tokens includes the cached tokens (and, at gateways that report them, the
 * tokens written to the cache); ours does not. `charges`: the server is OpenRouter, whose
 * `usage.cost` is the call's cost in USD (another server's field of that name is not trusted).
 */
export function openAIUsage(u: OpenAIUsage, charges = false): Usage {
  const cacheRead = u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0;
  const cacheWrite = u.prompt_tokens_details?.cache_write_tokens ?? 0;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  const charged = charges ? charge(u) : undefined;
  return {
    input: Math.max(0, (u.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output: u.completion_tokens ?? 0,
    cacheWrite,
    cacheRead,
    ...(typeof reasoning === 'number' && reasoning > 0 && { reasoning }),
    ...(charged !== undefined && { charged }),
  };
}

/**
 * The OpenAI SDK client and call context for a model, Azure's api-version and api-key header
 * included; and OpenAI's own Batch API, for a model at OpenAI itself (compatible servers, gateways
 * and Azure deployments do not have that one).
 */
export async function openAIContext(spec: ModelSpec, options: ProviderOptions): Promise<{ ctx: CallContext; batches?: OpenAISdk }> {
  const sdk = await import('openai');
  const azure = spec.wire?.apiVersion;
  const client = new sdk.OpenAI({
    ...(await clientOptions(options)),
    organization: null,
    project: null,
    ...(spec.baseURL !== undefined && { baseURL: spec.baseURL }),
    ...(azure !== undefined && { defaultQuery: { 'api-version': azure }, defaultHeaders: { 'api-key': options.apiKey, Authorization: null } }),
  });
  const ctx = callContext(client, sdk, options);
  return spec.endpoint === 'openai' && azure === undefined ? { ctx, batches: { client, toFile: sdk.toFile } } : { ctx };
}

function sumLogprobs(content: unknown): number | undefined {
  if (!Array.isArray(content) || content.length === 0) return undefined;
  let sum = 0;
  for (const t of content as Array<{ logprob?: number }>) sum += t.logprob ?? 0;
  return sum;
}

export class ChatReading implements Reading {
  private readonly p: Parsed = emptyParsed();
  private done = false;
  /** Tool calls being streamed, by their `index`. */
  private readonly calls = new Map<number, RawToolCall>();

  /** `charges`: the server reports each call's charge (OpenRouter). */
  constructor(private readonly charges = false) {}

  private finish(reason: unknown): void {
    if (typeof reason !== 'string') return;
    this.p.stopReason = reason;
    this.p.truncated = reason === 'length';
    if (reason === 'content_filter') this.p.refused = true;
  }

  private logprob(content: unknown): void {
    const more = sumLogprobs(content);
    if (more !== undefined) this.p.logprob = (this.p.logprob ?? 0) + more;
  }

  json(value: unknown): void {
    const c = value as Wire;
    const choice = c?.choices?.[0];
    // OpenRouter and others answer 200 with an error body, with no choice or a choice finished by "error".
    if (c?.error != null || choice === undefined || choice.finish_reason === 'error') {
      this.p.error = bodyError(value, 'the server answered 200 with an error instead of a completion');
      return;
    }
    // A whole answer has no first token to time: TTFT stays unknown.
    const text = choice.message?.content;
    if (typeof text === 'string') this.p.text = text;
    if (typeof choice.message?.refusal === 'string') this.p.refused = true;
    for (const call of Array.isArray(choice.message?.tool_calls) ? choice.message.tool_calls : []) {
      if (typeof call?.function?.name === 'string') this.p.toolCalls.push({ name: call.function.name, arguments: String(call.function.arguments ?? '') });
    }
    this.finish(choice.finish_reason);
    this.logprob(choice.logprobs?.content);
    if (c.usage) this.p.usage = openAIUsage(c.usage, this.charges);
    this.done = true;
  }

  event(_event: string | undefined, data: unknown, now: number): void {
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    const d = data as Wire;
    // A mid-stream error: OpenAI, vLLM and gateways send {error: {…}} (OpenRouter beside a choice finished by "error").
    if (d?.error !== undefined && d.error !== null) {
      this.p.error = bodyError(data, 'error event mid-stream');
      return;
    }
    const choice = d?.choices?.[0];
    const delta = choice?.delta;
    addText(this.p, delta?.content, now);
    if (typeof delta?.refusal === 'string' && delta.refusal !== '') this.p.refused = true;
    // The name comes with a call's first piece, the arguments in pieces after it, each with the call's index.
    for (const call of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) {
      addToolCall(this.p, this.calls, Number(call?.index ?? 0), call?.function?.name, call?.function?.arguments, now);
    }
    this.logprob(choice?.logprobs?.content);
    this.finish(choice?.finish_reason);
    if (d?.usage) this.p.usage = openAIUsage(d.usage, this.charges);
  }

  result(): Parsed {
    // Every complete stream says why it finished, or ends with [DONE]; one that does neither was cut short.
    return { ...this.p, complete: this.done || this.p.stopReason !== null };
  }
}

/** OpenRouter, as `openrouter:` or as an endpoint of the config file pointing at it. */
function reportsCharge(spec: ModelSpec): boolean {
  return spec.endpoint === 'openrouter' || (spec.baseURL !== undefined && URL.canParse(spec.baseURL) && new URL(spec.baseURL).hostname === 'openrouter.ai');
}

export class OpenAIProvider extends Adapter {
  readonly sent: SentSettings;
  protected readonly path = '/chat/completions';
  private readonly sendTemperature: boolean;
  private readonly logprobs: boolean;
  /** Decided once per model, not per call. */
  private readonly charges: boolean;

  private constructor(ctx: CallContext, spec: ModelSpec, options: ProviderOptions) {
    super(ctx, spec, options);
    this.charges = reportsCharge(spec);
    // Reasoning models reject any temperature but 1, and give no log-probabilities (api-notes).
    const reasoning = spec.reasons === true || spec.reasoning !== undefined;
    this.sendTemperature = !reasoning;
    this.logprobs = options.logprobs === true && !reasoning;
    // OpenAI caches long prompts by itself: --prompt-cache sends nothing here.
    this.sent = {
      promptCache: false,
      logprobs: this.logprobs,
      ...(options.temperature !== undefined && this.sendTemperature && { temperature: options.temperature }),
      ...(options.structured !== undefined && { structured: JSON.stringify(chatFormat(options.structured)) }),
    };
    if (options.structured?.notStrict !== undefined) this.notes.push(notStrictNote(options.structured, spec.name));
    if (options.logprobs && reasoning) this.notes.push(`log-probabilities not requested from ${spec.name}: reasoning models do not give them`);
    if (options.temperature !== undefined && !this.sendTemperature) {
      this.notes.push(`temperature not sent to ${spec.name}: reasoning models accept only the default`);
    }
  }

  static async create(spec: ModelSpec, options: ProviderOptions): Promise<OpenAIProvider> {
    const { ctx, batches } = await openAIContext(spec, options);
    const provider = new OpenAIProvider(ctx, spec, options);
    if (batches !== undefined) provider.supportBatch(openAIBatches(batches, '/v1/chat/completions', [options.apiKey]));
    return provider;
  }

  protected body(request: ChatRequest): Record<string, unknown> {
    return {
      model: this.spec.id,
      messages: [...(request.system !== undefined ? [{ role: 'system', content: request.system }] : []), ...chatMessages(request.messages)],
      ...chatTools(request),
      // OpenAI's reasoning models reject max_tokens; compatible servers (vLLM, Ollama, gateways)
      // have long accepted max_tokens and not always its successor. An endpoint may say which.
      [this.spec.wire?.maxTokensParam ?? (this.spec.endpoint === 'openai' ? 'max_completion_tokens' : 'max_tokens')]: this.spec.maxTokens,
      ...(this.spec.reasoning?.effort !== undefined && { reasoning_effort: this.spec.reasoning.effort }),
      ...(request.temperature !== undefined && this.sendTemperature && { temperature: request.temperature }),
      ...(this.logprobs && { logprobs: true }),
      ...(this.options.structured !== undefined && { response_format: chatFormat(this.options.structured) }),
      ...(this.options.stream && this.spec.wire?.streamOptions !== false && { stream_options: { include_usage: true } }),
    };
  }

  protected reading(): Reading {
    return new ChatReading(this.charges);
  }
}
