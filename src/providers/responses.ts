// OpenAI's Responses API (`POST /responses`): the only way to some models (the -pro and -codex
// lines), and OpenAI's newer interface. The request, and a Reading of a Response object or of its
// typed stream events (`response.output_text.delta` … `response.completed`).
import type { ChatRequest, Message, ModelSpec, Usage } from '../types.js';
import { openAIBatches } from './batch.js';
import { Adapter, addText, addToolCall, type CallContext, emptyParsed, type Parsed, type Reading, type Wire } from './call.js';
import { bodyError } from './failures.js';
import { imageUrl, openAIContext } from './openai.js';
import type { RawToolCall } from './tool-calls.js';

/** Input items: a user turn's parts as input_text and input_image; an assistant turn as its text (it holds no image). */
function input(messages: readonly Message[]): Array<Record<string, unknown>> {
  return messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : m.role === 'assistant'
          ? m.content.map((p) => (p.type === 'text' ? p.text : '')).join('')
          : m.content.map((p) =>
              p.type === 'text' ? { type: 'input_text', text: p.text } : { type: 'input_image', image_url: imageUrl(p.image), detail: 'auto' },
            ),
  }));
}

/**
 * Tools as the Responses API takes them: flat `{type: 'function', name, parameters}`, with
 * `strict: false`: the API's default is strict, which refuses a schema without
 * `additionalProperties: false` and every property required (FunctionTool in the SDK's types).
 */
function responsesTools(request: ChatRequest): Record<string, unknown> {
  if (request.tools === undefined) return {};
  const choice = request.toolChoice;
  return {
    tools: request.tools.map((t) => ({
      type: 'function',
      name: t.name,
      ...(t.description !== undefined && { description: t.description }),
      parameters: t.parameters,
      strict: false,
    })),
    ...(choice !== undefined && { tool_choice: typeof choice === 'string' ? choice : { type: 'function', name: choice.name } }),
  };
}

import type { ProviderOptions, SentSettings } from './provider.js';
import { notStrictNote, responsesFormat } from './structured.js';

interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** input_tokens includes the cached tokens; ours does not. */
function responsesUsage(u: ResponsesUsage): Usage {
  const cacheRead = u.input_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = u.input_tokens_details?.cache_write_tokens ?? 0;
  const reasoning = u.output_tokens_details?.reasoning_tokens;
  return {
    input: Math.max(0, (u.input_tokens ?? 0) - cacheRead - cacheWrite),
    output: u.output_tokens ?? 0,
    cacheWrite,
    cacheRead,
    ...(typeof reasoning === 'number' && reasoning > 0 && { reasoning }),
  };
}

export class ResponsesReading implements Reading {
  private readonly p: Parsed = emptyParsed();
  private done = false;
  /** Streamed argument pieces, by output index: they time the first token; the calls are read from the final response. */
  private readonly streamed = new Map<number, RawToolCall>();

  /** A whole Response: the final one of a stream (its text came as deltas), or the plain answer. */
  private final(r: Wire | undefined): void {
    if (typeof r !== 'object' || r === null) {
      this.p.error = { kind: 'invalid_response', message: 'a final event without its response' };
      return;
    }
    if (r.status === 'failed' || r.error != null) {
      this.p.error = bodyError({ error: r.error ?? { message: 'the response failed' } }, 'the response failed');
      return;
    }
    const output: Wire[] = Array.isArray(r.output) ? r.output : [];
    // The final response holds every call whole, streamed or not.
    this.p.toolCalls = output
      .filter((item) => item?.type === 'function_call' && typeof item.name === 'string')
      .map((item) => ({ name: item.name as string, arguments: String(item.arguments ?? '') }));
    if (this.p.text === '') {
      for (const item of output) {
        if (item?.type !== 'message') continue;
        for (const part of Array.isArray(item.content) ? item.content : []) {
          if (part?.type === 'output_text' && typeof part.text === 'string') this.p.text += part.text;
          if (part?.type === 'refusal') this.p.refused = true;
        }
      }
    }
    const reason = r.incomplete_details?.reason;
    this.p.stopReason = typeof reason === 'string' ? reason : typeof r.status === 'string' ? r.status : null;
    if (reason === 'max_output_tokens') this.p.truncated = true;
    if (reason === 'content_filter') this.p.refused = true;
    if (r.usage) this.p.usage = responsesUsage(r.usage);
    this.done = r.status === 'completed' || r.status === 'incomplete';
  }

  json(value: unknown): void {
    const r = value as Wire;
    if (r?.object !== 'response') {
      this.p.error = bodyError(value, 'the server answered 200 with an error instead of a response');
      return;
    }
    this.final(r);
  }

  event(event: string | undefined, data: unknown, now: number): void {
    const d = data as Wire;
    switch (d?.type ?? event) {
      case 'response.output_text.delta':
        addText(this.p, d.delta, now);
        break;
      case 'response.refusal.delta':
        this.p.refused = true;
        break;
      case 'response.function_call_arguments.delta':
        addToolCall(emptyParsed(), this.streamed, Number(d.output_index), undefined, d.delta, now);
        this.p.firstTextAt ??= now;
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.final(d.response);
        break;
      case 'error':
        this.p.error = bodyError(data, 'error event mid-stream');
        break;
      // created, in_progress, output items, content parts, reasoning summaries: nothing to keep.
    }
  }

  result(): Parsed {
    return { ...this.p, complete: this.done };
  }
}

export class ResponsesProvider extends Adapter {
  readonly sent: SentSettings;
  protected readonly path = '/responses';
  private readonly sendTemperature: boolean;

  private constructor(ctx: CallContext, spec: ModelSpec, options: ProviderOptions) {
    super(ctx, spec, options);
    // Reasoning models reject any temperature but 1 (api-notes).
    this.sendTemperature = spec.reasons !== true && spec.reasoning === undefined;
    this.sent = {
      promptCache: false,
      logprobs: false,
      ...(options.temperature !== undefined && this.sendTemperature && { temperature: options.temperature }),
      ...(options.structured !== undefined && { structured: JSON.stringify(responsesFormat(options.structured)) }),
    };
    if (options.structured?.notStrict !== undefined) this.notes.push(notStrictNote(options.structured, spec.name));
    if (options.temperature !== undefined && !this.sendTemperature)
      this.notes.push(`temperature not sent to ${spec.name}: reasoning models accept only the default`);
    if (options.logprobs) this.notes.push(`log-probabilities not requested from ${spec.name}: not read from the Responses API`);
  }

  static async create(spec: ModelSpec, options: ProviderOptions): Promise<ResponsesProvider> {
    const { ctx, batches } = await openAIContext(spec, options);
    const provider = new ResponsesProvider(ctx, spec, options);
    if (batches !== undefined) provider.supportBatch(openAIBatches(batches, '/v1/responses', [options.apiKey]));
    return provider;
  }

  protected body(request: ChatRequest): Record<string, unknown> {
    return {
      model: this.spec.id,
      input: input(request.messages),
      ...responsesTools(request),
      ...(request.system !== undefined && { instructions: request.system }),
      max_output_tokens: this.spec.maxTokens,
      ...(this.spec.reasoning?.effort !== undefined && { reasoning: { effort: this.spec.reasoning.effort } }),
      ...(request.temperature !== undefined && this.sendTemperature && { temperature: request.temperature }),
      ...(this.options.structured !== undefined && { text: { format: responsesFormat(this.options.structured) } }),
      // A benchmark call is not a conversation to continue: nothing is kept on OpenAI's side.
      store: false,
    };
  }

  protected reading(): Reading {
    return new ResponsesReading();
  }
}
