// One adapter per API family. An adapter never throws for a failed call: it returns a Failure.
import type { CacheTtl, ChatRequest, Failure, ModelSpec, Outcome } from '../types.js';
import type { BatchApi } from './batch.js';
import type { Answer } from './call.js';
import type { StructuredOutput } from './structured.js';
import type { ProxySettings } from './transport.js';

export interface ProviderOptions {
  apiKey: string;
  maxRetries: number;
  /** Per attempt: to the response's headers, and then the longest silence in its body. */
  timeoutMs: number;
  /** The whole call, retries and their waits included. */
  deadlineMs: number;
  stream: boolean;
  /** Calls go through this proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY); direct when absent. */
  proxy?: ProxySettings;
  /** Ask for token log-probabilities (OpenAI format; reasoning models do not give them). */
  logprobs?: boolean;
  /** `--prompt-cache`: mark the prompt's shared prefix as cache breakpoints (Anthropic; OpenAI caches by itself). */
  promptCache?: PromptCaching;
  /** The run's temperature, if any: adapters that must not send it say so in `notes`. */
  temperature?: number;
  /** Pin an older `anthropic-version` (lets temperature through, switches to x-api-key auth). */
  anthropicVersion?: string;
  /** `--schema`, sent as the API's structured-output format. */
  structured?: StructuredOutput;
}

/**
 * What a contestant's requests share, marked for prompt caching: the system prompt when it has no
 * variables (it is the same in every case), and the user template's text before its first
 * variable (few-shot examples, a long document), which every case's message starts with.
 */
export interface PromptCaching {
  ttl: CacheTtl;
  system: boolean;
  /** '' when the template starts with a variable: nothing of the message is shared. */
  userPrefix: string;
}

/** Sent by tierbench's emulator on every response: a report of its answers says they were simulated. */
export const SIMULATED_HEADER = 'x-tierbench-simulated';

/**
 * The settings this model is actually sent beyond the request: the response cache's key is made of
 * these, so a setting one API never receives (log-probabilities for Anthropic, a temperature a
 * reasoning model refuses) does not make an identical call look new and be paid again.
 */
export interface SentSettings {
  temperature?: number;
  promptCache: CacheTtl | false;
  logprobs: boolean;
  anthropicVersion?: string;
  /** The structured-output format sent (its name, strictness and schema, as one string), when there is one. */
  structured?: string;
}

/** A model's batch API (`--batch`), where its endpoint has one. */
export interface BatchSupport {
  api: BatchApi;
  /** The request's body in a batch: a live call's, never streamed. */
  body(request: ChatRequest): Record<string, unknown>;
  /** A result line's answer (a Message, a chat.completion, a Response), read as a live answer is. */
  read(value: unknown, request: ChatRequest): Answer | Failure;
}

export interface Provider {
  readonly sent: SentSettings;
  /** Undefined where the endpoint has no batch API (OpenAI-compatible servers, Azure, gateways). */
  readonly batch?: BatchSupport;
  /** `observe` sees every HTTP response, retried ones too (rate-limit state for the scheduler). */
  complete(request: ChatRequest, signal?: AbortSignal, observe?: (status: number, headers: Headers) => void): Promise<Outcome>;
  /** Parameters this model will not be sent, with the reason, for the run's notes. */
  readonly notes: string[];
  /** The request's input tokens as the model's own tokenizer counts them, where the provider can say (free, before any call). */
  countTokens?(request: ChatRequest): Promise<number>;
}

/** SDKs are imported here, lazily, so `tierbench --help` never loads them. */
export async function createProvider(spec: ModelSpec, options: ProviderOptions): Promise<Provider> {
  if (spec.api === 'anthropic') {
    const { AnthropicProvider } = await import('./anthropic.js');
    return AnthropicProvider.create(spec, options);
  }
  if (spec.api === 'openai-responses') {
    const { ResponsesProvider } = await import('./responses.js');
    return ResponsesProvider.create(spec, options);
  }
  const { OpenAIProvider } = await import('./openai.js');
  return OpenAIProvider.create(spec, options);
}
