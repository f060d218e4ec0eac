import type OpenAI from 'openai';
import { performance } from 'node:perf_hooks';
import type { ChatRequest, ModelSpec, Outcome, Usage } from '../types.js';
import { latencyOf, timedFetch, trackAttempts } from './attempts.js';
import { aborted, classify, truncated } from './failures.js';
import type { Provider, ProviderOptions } from './provider.js';

/** Reasoning models reject any temperature but 1 (api-notes). */
const REASONING = /^(o\d|gpt-5)/;

export class OpenAIProvider implements Provider {
  readonly notes: string[] = [];
  private readonly sendTemperature: boolean;
  private readonly logprobs: boolean;

  private constructor(private readonly client: OpenAI, private readonly spec: ModelSpec, private readonly options: ProviderOptions) {
    const reasoning = REASONING.test(spec.id.slice(spec.id.lastIndexOf('/') + 1));
    this.sendTemperature = !reasoning;
    this.logprobs = options.logprobs === true && !reasoning;
    if (options.logprobs && reasoning) this.notes.push(`log-probabilities not requested from ${spec.name}: reasoning models do not give them`);
    if (options.temperature !== undefined && !this.sendTemperature) {
      this.notes.push(`temperature not sent to ${spec.name}: reasoning models accept only the default`);
    }
  }

  static async create(spec: ModelSpec, options: ProviderOptions): Promise<OpenAIProvider> {
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({
      apiKey: options.apiKey,
      organization: null,
      project: null,
      ...(spec.baseURL !== undefined && { baseURL: spec.baseURL }),
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      fetch: timedFetch,
      // Failures are reported as data; the SDK must not print its own lines on our stderr.
      logLevel: 'off',
    });
    return new OpenAIProvider(client, spec, options);
  }

  complete(request: ChatRequest, signal?: AbortSignal, observe?: (status: number, headers: Headers) => void): Promise<Outcome> {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      ...(request.system !== undefined ? [{ role: 'system' as const, content: request.system }] : []),
      ...request.messages,
    ];
    const params = {
      model: this.spec.id,
      messages,
      // OpenAI's reasoning models reject max_tokens; compatible servers (vLLM, Ollama, gateways)
      // have long accepted max_tokens and not always its successor.
      ...(this.spec.endpoint === 'openai' ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
      ...(request.temperature !== undefined && this.sendTemperature && { temperature: request.temperature }),
      ...(this.logprobs && { logprobs: true }),
    };
    const secrets = [this.options.apiKey];
    const { attempts, fetchOptions } = trackAttempts(observe);
    return (async (): Promise<Outcome> => {
      try {
        if (!this.options.stream) {
          const completion = await this.client.chat.completions.create({ ...params, stream: false }, { signal: signal ?? null, fetchOptions });
          const latencyMs = latencyOf(attempts);
          const choice = completion.choices[0];
          const logprob = sumLogprobs(choice?.logprobs?.content);
          return {
            ok: true, text: choice?.message.content ?? '', usage: usage(completion.usage), latencyMs, ttftMs: null, retries: attempts.count - 1,
            stopReason: choice?.finish_reason ?? null, ...(logprob !== undefined && { logprob }),
          };
        }
        const stream = await this.client.chat.completions.create(
          { ...params, stream: true, stream_options: { include_usage: true } },
          { signal: signal ?? null, fetchOptions },
        );
        let text = '';
        let ttftMs: number | null = null;
        let tokens: Usage = usage(undefined);
        let stopReason: string | null = null;
        let logprob: number | undefined;
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          const more = sumLogprobs(choice?.logprobs?.content);
          if (more !== undefined) logprob = (logprob ?? 0) + more;
          const delta = choice?.delta?.content;
          if (delta) {
            ttftMs ??= performance.now() - attempts.start;
            text += delta;
          }
          if (choice?.finish_reason) stopReason = choice.finish_reason;
          if (chunk.usage) tokens = usage(chunk.usage);
        }
        const latencyMs = latencyOf(attempts);
        // The SDK may end an aborted stream quietly: that is a cancellation, not a cut-off response.
        if (signal?.aborted) return aborted(attempts.count - 1);
        // Every complete stream says why it finished; one that does not was cut short.
        if (stopReason === null) return truncated(attempts.count - 1);
        return { ok: true, text, usage: tokens, latencyMs, ttftMs, retries: attempts.count - 1, stopReason, ...(logprob !== undefined && { logprob }) };
      } catch (err) {
        return signal?.aborted ? aborted(Math.max(0, attempts.count - 1)) : classify(err, Math.max(0, attempts.count - 1), secrets);
      }
    })();
  }
}

/** OpenAI's prompt_tokens includes the cached tokens; ours does not. */
function usage(u: OpenAI.CompletionUsage | null | undefined): Usage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  return { input: (u?.prompt_tokens ?? 0) - cached, output: u?.completion_tokens ?? 0, cacheWrite: 0, cacheRead: cached };
}

function sumLogprobs(content: ReadonlyArray<{ logprob: number }> | null | undefined): number | undefined {
  if (!content || content.length === 0) return undefined;
  let sum = 0;
  for (const t of content) sum += t.logprob;
  return sum;
}
