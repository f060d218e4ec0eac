// Anthropic Messages: the request, and a Reading of its answer as JSON or as SSE events (with or
// without `event:` lines, as proxies send them).

import type { Anthropic } from '@anthropic-ai/sdk';
import type { ChatRequest, Message, ModelSpec, Reasoning, ToolChoice, Usage } from '../types.js';
import { anthropicBatches } from './batch.js';
import { Adapter, addText, addToolCall, type CallContext, callContext, clientOptions, emptyParsed, type Parsed, type Reading, type Wire } from './call.js';
import { bodyError } from './failures.js';
import type { PromptCaching, ProviderOptions, SentSettings } from './provider.js';
import type { StructuredOutput } from './structured.js';
import type { RawToolCall } from './tool-calls.js';

/** From this API version on, temperature / top_p / top_k are rejected (api-notes). */
const SAMPLING_REJECTED_FROM = '2026-10-21';
/** Stop reasons that mean the answer was cut by a limit, not finished. */
const TRUNCATED = new Set(['max_tokens', 'model_context_window_exceeded']);

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
}

/** Anthropic's input_tokens already excludes the cached parts. `message_delta` counts are cumulative: they replace. */
function mergeUsage(into: Usage | null, u: AnthropicUsage | undefined): Usage | null {
  if (u === undefined || u === null) return into;
  const out: Usage = into ?? { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  if (typeof u.input_tokens === 'number') out.input = u.input_tokens;
  if (typeof u.output_tokens === 'number') out.output = u.output_tokens;
  if (typeof u.cache_creation_input_tokens === 'number') out.cacheWrite = u.cache_creation_input_tokens;
  if (typeof u.cache_read_input_tokens === 'number') out.cacheRead = u.cache_read_input_tokens;
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number' && thinking > 0) out.reasoning = thinking;
  const hour = u.cache_creation?.ephemeral_1h_input_tokens;
  if (typeof hour === 'number' && hour > 0) out.cacheWrite1h = hour;
  return out;
}

/** Structured outputs on Anthropic: `output_config.format` (every object already closed). */
const anthropicFormat = (s: StructuredOutput): Record<string, unknown> => ({ type: 'json_schema', schema: s.schema });

/** The request fields for a reasoning setting: a budget turns extended thinking on, an effort is sent as asked. */
function thinking(r: Reasoning | undefined): Record<string, unknown> {
  if (r === undefined) return {};
  if (r.budgetTokens !== undefined) return { thinking: { type: 'enabled', budget_tokens: r.budgetTokens } };
  if (r.effort === 'none') return { thinking: { type: 'disabled' } };
  return r.effort === undefined ? {} : { output_config: { effort: r.effort } };
}

/** Messages in Anthropic's shape: images as base64 or URL sources (MessageParam, ImageBlockParam). */
function anthropicMessages(messages: readonly Message[]): Anthropic.MessageParam[] {
  return messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : m.content.map((p): Anthropic.ContentBlockParam => {
            if (p.type === 'text') return { type: 'text', text: p.text };
            const { image } = p;
            return {
              type: 'image',
              source:
                image.data !== undefined ? { type: 'base64', media_type: image.mediaType, data: image.data } : { type: 'url', url: image.url ?? image.source },
            };
          }),
  }));
}

/** A cache breakpoint; the 5-minute TTL is the API's default, sent without `ttl` as production code writes it. */
const mark = ({ ttl }: PromptCaching): { type: 'ephemeral'; ttl?: '1h' } => (ttl === '1h' ? { type: 'ephemeral', ttl } : { type: 'ephemeral' });

/**
 * The first user message split after the template's shared text, that text ending in a cache
 * breakpoint: the cases' prefix (system prompt, then this) is cached once and read by every case.
 * A message that does not start with it (a conversation of the case's own) is sent as it is.
 */
function markedMessages(messages: Anthropic.MessageParam[], cached: PromptCaching): Anthropic.MessageParam[] {
  const prefix = cached.userPrefix;
  const first = messages[0];
  if (prefix.trim() === '' || first === undefined || first.role !== 'user') return messages;
  const blocks: Anthropic.ContentBlockParam[] = typeof first.content === 'string' ? [{ type: 'text', text: first.content }] : first.content;
  const head = blocks[0];
  // A text block must not be empty: a message that is the prefix and nothing more is left whole.
  if (head?.type !== 'text' || !head.text.startsWith(prefix) || head.text.length === prefix.length) return messages;
  const split: Anthropic.ContentBlockParam[] = [
    { type: 'text', text: prefix, cache_control: mark(cached) },
    { type: 'text', text: head.text.slice(prefix.length) },
    ...blocks.slice(1),
  ];
  return [{ ...first, content: split }, ...messages.slice(1)];
}

/** `required` is Anthropic's `any`. */
const CHOICE: Record<Exclude<ToolChoice, { name: string }>, string> = { auto: 'auto', required: 'any', none: 'none' };

function tools(request: ChatRequest): Record<string, unknown> {
  if (request.tools === undefined) return {};
  const choice = request.toolChoice;
  return {
    tools: request.tools.map((t) => ({ name: t.name, ...(t.description !== undefined && { description: t.description }), input_schema: t.parameters })),
    ...(choice !== undefined && { tool_choice: typeof choice === 'string' ? { type: CHOICE[choice] } : { type: 'tool', name: choice.name } }),
  };
}

export class AnthropicReading implements Reading {
  private readonly p: Parsed = emptyParsed();
  private sawStop = false;
  /** Tool calls being streamed, by content block index. */
  private readonly calls = new Map<number, RawToolCall>();

  private stop(reason: unknown): void {
    if (typeof reason !== 'string') return;
    this.p.stopReason = reason;
    this.p.truncated = TRUNCATED.has(reason);
    this.p.refused = reason === 'refusal';
  }

  json(value: unknown): void {
    const m = value as Wire;
    if (m?.type !== 'message') {
      this.p.error = bodyError(value, 'the server answered 200 with an error instead of a message');
      return;
    }
    // A whole answer has no first token to time: TTFT stays unknown.
    for (const block of Array.isArray(m.content) ? m.content : []) {
      if (block?.type === 'text' && typeof block.text === 'string') this.p.text += block.text;
      if (block?.type === 'tool_use' && typeof block.name === 'string')
        this.p.toolCalls.push({ name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    this.stop(m.stop_reason);
    this.p.usage = mergeUsage(null, m.usage);
    this.sawStop = true;
  }

  event(event: string | undefined, data: unknown, now: number): void {
    const d = data as Wire;
    // The data's own type first: proxies send `event: message` or an empty event line.
    switch (d?.type ?? event) {
      case 'message_start':
        this.p.usage = mergeUsage(this.p.usage, d.message?.usage);
        break;
      case 'content_block_start':
        if (d.content_block?.type === 'text') addText(this.p, d.content_block.text, now);
        // The input starts as {} and arrives as input_json_delta pieces.
        if (d.content_block?.type === 'tool_use') addToolCall(this.p, this.calls, Number(d.index), d.content_block.name, undefined, now);
        break;
      case 'content_block_delta':
        if (d.delta?.type === 'text_delta') addText(this.p, d.delta.text, now);
        if (d.delta?.type === 'input_json_delta') addToolCall(this.p, this.calls, Number(d.index), undefined, d.delta.partial_json, now);
        break;
      case 'message_delta':
        this.stop(d.delta?.stop_reason);
        this.p.usage = mergeUsage(this.p.usage, d.usage);
        break;
      case 'message_stop':
        this.sawStop = true;
        break;
      case 'error':
        this.p.error = bodyError(data, 'error event mid-stream');
        break;
      // ping, thinking and signature deltas, and events added later: nothing to keep.
    }
  }

  result(): Parsed {
    // A proxy may drop message_stop; a stop reason already says the answer is whole.
    return { ...this.p, complete: this.sawStop || this.p.stopReason !== null };
  }
}

export class AnthropicProvider extends Adapter {
  readonly sent: SentSettings;
  protected readonly path = '/v1/messages';
  private readonly sendTemperature: boolean;

  private constructor(
    ctx: CallContext,
    spec: ModelSpec,
    options: ProviderOptions,
    private readonly counter: Anthropic['messages'],
  ) {
    super(ctx, spec, options);
    this.sendTemperature = options.anthropicVersion !== undefined && options.anthropicVersion < SAMPLING_REJECTED_FROM;
    this.sent = {
      promptCache: options.promptCache?.ttl ?? false,
      logprobs: false,
      ...(options.temperature !== undefined && this.sendTemperature && { temperature: options.temperature }),
      ...(options.anthropicVersion !== undefined && { anthropicVersion: options.anthropicVersion }),
      ...(options.structured !== undefined && { structured: JSON.stringify(anthropicFormat(options.structured)) }),
    };
    if (options.temperature !== undefined && !this.sendTemperature) {
      this.notes.push(
        `temperature not sent to ${spec.name}: anthropic-version ${SAMPLING_REJECTED_FROM} rejects it (pin an older one with --anthropic-version)`,
      );
    }
  }

  static async create(spec: ModelSpec, options: ProviderOptions): Promise<AnthropicProvider> {
    const sdk = await import('@anthropic-ai/sdk');
    const pinned = options.anthropicVersion;
    const client = new sdk.Anthropic({
      ...(await clientOptions(options)),
      authToken: null,
      baseURL: spec.baseURL ?? null,
      // No spans: tierbench measures calls itself, and tracing cost CPU on every call.
      openTelemetry: false,
      // Older API versions authenticate with x-api-key instead of a bearer token.
      ...(pinned !== undefined && { defaultHeaders: { 'anthropic-version': pinned, 'x-api-key': options.apiKey, Authorization: null } }),
    });
    const provider = new AnthropicProvider(callContext(client, sdk, options), spec, options, client.messages);
    provider.supportBatch(anthropicBatches(client.messages.batches, [options.apiKey]));
    return provider;
  }

  /** POST /v1/messages/count_tokens: free, with its own rate limit; the system prompt and messages as sent. Best effort: one retry, 10 s. */
  async countTokens(request: ChatRequest): Promise<number> {
    const counted = await this.counter.countTokens(
      {
        model: this.spec.id,
        messages: anthropicMessages(request.messages),
        ...(request.system !== undefined && { system: request.system }),
        ...(tools(request) as Pick<Anthropic.MessageCountTokensParams, 'tools' | 'tool_choice'>),
      },
      { maxRetries: 1, timeout: Math.min(this.options.timeoutMs, 10_000) },
    );
    return counted.input_tokens;
  }

  protected body(request: ChatRequest): Record<string, unknown> {
    const reasoning = thinking(this.spec.reasoning);
    const cached = this.options.promptCache;
    const format = this.options.structured === undefined ? undefined : anthropicFormat(this.options.structured);
    return {
      model: this.spec.id,
      max_tokens: this.spec.maxTokens,
      ...reasoning,
      // One output_config for an effort and a format together.
      ...(format !== undefined && { output_config: { ...(reasoning.output_config as object | undefined), format } }),
      messages: cached === undefined ? anthropicMessages(request.messages) : markedMessages(anthropicMessages(request.messages), cached),
      ...tools(request),
      ...(request.system !== undefined && {
        system: cached?.system === true ? [{ type: 'text', text: request.system, cache_control: mark(cached) }] : request.system,
      }),
      ...(request.temperature !== undefined && this.sendTemperature && { temperature: request.temperature }),
    };
  }

  protected reading(): Reading {
    return new AnthropicReading();
  }
}
