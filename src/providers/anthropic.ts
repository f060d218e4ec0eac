import type Anthropic from '@anthropic-ai/sdk';
import { performance } from 'node:perf_hooks';
import type { ChatRequest, ModelSpec, Outcome, Usage } from '../types.js';
import { latencyOf, timedFetch, trackAttempts } from './attempts.js';
import { aborted, classify, truncated } from './failures.js';
import type { Provider, ProviderOptions } from './provider.js';

/** From this API version on, temperature / top_p / top_k are rejected (api-notes). */
const SAMPLING_REJECTED_FROM = '2026-10-21';

export class AnthropicProvider implements Provider {
  readonly notes: string[] = [];
  private readonly sendTemperature: boolean;

  private constructor(private readonly client: Anthropic, private readonly spec: ModelSpec, private readonly options: ProviderOptions) {
    this.sendTemperature = options.anthropicVersion !== undefined && options.anthropicVersion < SAMPLING_REJECTED_FROM;
    if (options.temperature !== undefined && !this.sendTemperature) {
      this.notes.push(`temperature not sent to ${spec.name}: anthropic-version ${SAMPLING_REJECTED_FROM} rejects it (pin an older one with --anthropic-version)`);
    }
  }

  static async create(spec: ModelSpec, options: ProviderOptions): Promise<AnthropicProvider> {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const pinned = options.anthropicVersion;
    const client = new Anthropic({
      apiKey: options.apiKey,
      authToken: null,
      baseURL: spec.baseURL ?? null,
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      fetch: timedFetch,
      // Failures are reported as data; the SDK must not print its own lines on our stderr.
      logLevel: 'off',
      // No spans: tierbench measures calls itself, and tracing cost CPU on every call.
      openTelemetry: false,
      // Older API versions authenticate with x-api-key instead of a bearer token.
      ...(pinned !== undefined && { defaultHeaders: { 'anthropic-version': pinned, 'x-api-key': options.apiKey, Authorization: null } }),
    });
    return new AnthropicProvider(client, spec, options);
  }

  complete(request: ChatRequest, signal?: AbortSignal, observe?: (status: number, headers: Headers) => void): Promise<Outcome> {
    const params = {
      model: this.spec.id,
      max_tokens: request.maxTokens,
      messages: request.messages,
      ...(request.system !== undefined && {
        system: this.options.promptCache ? [{ type: 'text' as const, text: request.system, cache_control: { type: 'ephemeral' as const } }] : request.system,
      }),
      ...(request.temperature !== undefined && this.sendTemperature && { temperature: request.temperature }),
    };
    const secrets = [this.options.apiKey];
    const { attempts, fetchOptions } = trackAttempts(observe);
    return (async (): Promise<Outcome> => {
      try {
        if (!this.options.stream) {
          const message = await this.client.messages.create({ ...params, stream: false }, { signal: signal ?? null, fetchOptions });
          const latencyMs = latencyOf(attempts);
          const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
          return { ok: true, text, usage: usage(message.usage), latencyMs, ttftMs: null, retries: attempts.count - 1, stopReason: message.stop_reason ?? null };
        }
        const stream = await this.client.messages.create({ ...params, stream: true }, { signal: signal ?? null, fetchOptions });
        let text = '';
        let ttftMs: number | null = null;
        let tokens: Usage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
        let stopReason: string | null = null;
        let complete = false;
        for await (const event of stream) {
          if (event.type === 'message_stop') complete = true;
          else if (event.type === 'message_start') tokens = usage(event.message.usage);
          else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
            ttftMs ??= performance.now() - attempts.start;
            text += event.delta.text;
          } else if (event.type === 'message_delta') {
            tokens.output = event.usage.output_tokens;
            stopReason = event.delta.stop_reason ?? null;
          }
        }
        const latencyMs = latencyOf(attempts);
        // The SDK ends an aborted stream quietly: that is a cancellation, not a cut-off response.
        if (signal?.aborted) return aborted(attempts.count - 1);
        if (!complete) return truncated(attempts.count - 1);
        return { ok: true, text, usage: tokens, latencyMs, ttftMs, retries: attempts.count - 1, stopReason };
      } catch (err) {
        return signal?.aborted ? aborted(Math.max(0, attempts.count - 1)) : classify(err, Math.max(0, attempts.count - 1), secrets);
      }
    })();
  }
}

interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Anthropic's input_tokens already excludes the cached parts. */
function usage(u: AnthropicUsage): Usage {
  return { input: u.input_tokens, output: u.output_tokens, cacheWrite: u.cache_creation_input_tokens ?? 0, cacheRead: u.cache_read_input_tokens ?? 0 };
}
