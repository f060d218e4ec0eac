// One call skeleton for every API family. The SDK sends the request (auth, base URL, retries with
// backoff, error classes) through its documented `client.post(path, options).asResponse()`; the
// body is read here (body.ts), because real servers do not always answer in the shape asked for.
// A family (an Adapter) supplies the path, the body and a Reading that turns JSON values and SSE
// events into a Parsed answer. Around it: attempt timing, a deadline for the whole call, an idle
// timeout on the body, cancellation that does not wait for an SDK's backoff sleep, and the
// outcome as data, never an exception.
import { performance } from 'node:perf_hooks';
import type { ChatRequest, Completion, Failure, Finish, ModelSpec, Outcome, Usage } from '../types.js';
import { type Attempts, type ExtraInit, latencyOf, timedFetch, trackAttempts } from './attempts.js';
import { type BatchApi, BatchRefused } from './batch.js';
import { pieces, Stalled } from './body.js';
import { aborted, classify, cutOff, failure, redactKnown, type SdkErrors, timedOut } from './failures.js';
import type { BatchSupport, Provider, ProviderOptions, SentSettings } from './provider.js';
import { REFUSED_FORMAT } from './structured.js';
import { canonicalToolCalls, type RawToolCall } from './tool-calls.js';
import { transport } from './transport.js';

/** A JSON value off the wire, read defensively (`?.`, typeof checks): no shape is trusted. */
// biome-ignore lint/suspicious/noExplicitAny: servers send what they send; every read checks the type it needs
export type Wire = Record<string, any>;

/** What a family makes of a response body. */
export interface Reading {
  /** A whole JSON body: the plain answer, or a JSON answer to a stream request. */
  json(value: unknown, now: number): void;
  /** One SSE event (`event` is the `event:` line, when the server sent one). */
  event(event: string | undefined, data: unknown, now: number): void;
  result(): Parsed;
}

export interface Parsed {
  text: string;
  stopReason: string | null;
  /** The body ended as a finished answer ends (its final event, or a whole JSON answer). */
  complete: boolean;
  /** null: the server sent no token counts. */
  usage: Usage | null;
  truncated: boolean;
  refused: boolean;
  /** Tool calls, in the order made; their arguments as the JSON text sent (streamed ones, joined). */
  toolCalls: RawToolCall[];
  /** performance.now() of the first visible text (thinking comes before it and is not text). */
  firstTextAt?: number;
  logprob?: number;
  /** An error the body carried (a mid-stream error event, a 200 with an error body). */
  error?: Omit<Failure, 'ok' | 'retries'>;
}

export function emptyParsed(): Parsed {
  return { text: '', stopReason: null, complete: false, usage: null, truncated: false, refused: false, toolCalls: [] };
}

/** A streamed piece of the answer's text; the first one times the first token. */
export function addText(p: Parsed, more: unknown, now: number): void {
  if (typeof more !== 'string' || more === '') return;
  p.firstTextAt ??= now;
  p.text += more;
}

/**
 * A streamed piece of a tool call, the call known by the stream's own index (a content block, a
 * tool_calls index, an output item): a name starts it, argument text is appended. Its first piece
 * times the first token, as text does.
 */
export function addToolCall(p: Parsed, calls: Map<number, RawToolCall>, index: number, name: unknown, args: unknown, now: number): void {
  let call = calls.get(index);
  if (call === undefined) {
    call = { name: '', arguments: '' };
    calls.set(index, call);
    p.toolCalls.push(call);
  }
  if (typeof name === 'string' && name !== '') call.name = name;
  if (typeof args === 'string' && args !== '') call.arguments += args;
  p.firstTextAt ??= now;
}

/** The request options passed to the SDK's `post` (a subset of both SDKs' RequestOptions). */
interface PostOptions {
  body: Record<string, unknown>;
  stream: boolean;
  signal: AbortSignal;
  fetchOptions: ExtraInit;
}

/** The SDK client surface used: the generic, documented request method. */
export interface PostClient {
  post: (path: string, options: PostOptions) => { asResponse(): Promise<Response> };
}

interface CallSpec {
  path: string;
  body: Record<string, unknown>;
  stream: boolean;
}

export interface CallContext {
  client: PostClient;
  errors: SdkErrors;
  secrets: readonly string[];
  /** No byte for this long after the response began ends the attempt (as --timeout does before it). */
  idleMs: number;
  /** The whole call, retries and backoff included. */
  deadlineMs: number;
}

/** The SDK client options every family sets alike: retries and timeout as asked, tierbench's transport, no SDK logging. */
export async function clientOptions(options: ProviderOptions) {
  return {
    apiKey: options.apiKey,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    fetch: timedFetch(await transport(options.proxy)),
    // Failures are reported as data; the SDK must not print its own lines on our stderr.
    logLevel: 'off' as const,
  };
}

export function callContext(client: PostClient, errors: SdkErrors, options: ProviderOptions): CallContext {
  return { client, errors, secrets: [options.apiKey], idleMs: options.timeoutMs, deadlineMs: options.deadlineMs };
}

/**
 * An API family says only what differs: where it posts, the body it sends (`stream` is added
 * here), and how it reads the answer. Sending, timing, cancelling and classifying are call()'s.
 */
export abstract class Adapter implements Provider {
  readonly notes: string[] = [];
  abstract readonly sent: SentSettings;
  batch?: BatchSupport;
  protected abstract readonly path: string;

  protected constructor(
    protected readonly ctx: CallContext,
    protected readonly spec: ModelSpec,
    protected readonly options: ProviderOptions,
  ) {}

  protected abstract body(request: ChatRequest): Record<string, unknown>;
  protected abstract reading(): Reading;

  /** The family's batch API: its requests carry the live body (never streamed), its answers are read by the live Reading. */
  protected supportBatch(api: BatchApi): void {
    // What the SDK throws becomes a classified failure, as a live call's does.
    const refused = (err: unknown): never => {
      throw new BatchRefused(classify(err, 0, this.ctx.secrets, this.ctx.errors));
    };
    this.batch = {
      api: {
        limits: api.limits,
        submit: (requests) => api.submit(requests).catch(refused),
        state: (id) => api.state(id).catch(refused),
        results: async function* (id) {
          try {
            yield* api.results(id);
          } catch (err) {
            refused(err);
          }
        },
        cancel: (id) => api.cancel(id).catch(refused),
      },
      body: (request) => {
        // stream_options is for streamed answers, which a batch never gives.
        const { stream_options: _, ...body } = this.body(request);
        return body;
      },
      read: (value, request) => {
        const reading = this.reading();
        reading.json(value, 0);
        const parsed = reading.result();
        if (parsed.error) return failure(parsed.error.kind, parsed.error.message, 0, this.ctx.secrets, parsed.error.status);
        if (!parsed.complete) return cutOff(0);
        return answerOf(parsed, request, this.ctx.secrets);
      },
    };
  }

  async complete(request: ChatRequest, signal?: AbortSignal, observe?: Attempts['observe']): Promise<Outcome> {
    const stream = this.options.stream;
    const outcome = await call(this.ctx, { path: this.path, body: { ...this.body(request), stream }, stream }, this.reading(), request, signal, observe);
    // A server that does not take the structured-output format refuses every case alike: the model is stopped, with the fix.
    if (!outcome.ok && outcome.kind === 'bad_request' && this.options.structured !== undefined && REFUSED_FORMAT.test(outcome.message))
      return { ...outcome, kind: 'unsupported' };
    return outcome;
  }
}

/** About four characters a token: the estimate where a server sends no counts, and for pacing and budgets. */
const estimateTokens = (text: string): number => (text.length === 0 ? 0 : Math.ceil(text.length / 4));

/**
 * An image's tokens, for estimates only: Anthropic counts about width × height / 750, at most
 * about 1,600 for an image within its 1.15-megapixel resize (its vision guide); that ceiling is used.
 */
const IMAGE_TOKENS = 1600;

export function estimateRequestTokens(request: ChatRequest): number {
  let chars = request.system?.length ?? 0;
  let images = 0;
  for (const m of request.messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else
      for (const p of m.content) {
        if (p.type === 'text') chars += p.text.length;
        else images++;
      }
  }
  for (const t of request.tools ?? []) chars += JSON.stringify(t).length;
  return Math.ceil(chars / 4) + images * IMAGE_TOKENS;
}

function finishOf(p: Parsed): Finish {
  if (p.refused) return 'refused';
  if (p.truncated) return 'truncated';
  return p.text.trim() === '' && p.toolCalls.length === 0 ? 'empty' : 'answered';
}

/** `run`: the run's cancellation (a second Ctrl-C); `observe` sees every response's status and headers. */
async function call(
  ctx: CallContext,
  spec: CallSpec,
  reading: Reading,
  request: ChatRequest,
  run?: AbortSignal,
  observe?: Attempts['observe'],
): Promise<Outcome> {
  const { attempts, fetchOptions } = trackAttempts(observe);
  // One controller per call, its timer and its link to the run's signal undone when the call
  // ends: a timeout signal or AbortSignal.any with a listener is held until it fires, and with it
  // everything the listener reaches (the response, 600 s by default).
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException('deadline', 'TimeoutError'));
  }, ctx.deadlineMs);
  const cancel = (): void => controller.abort(run?.reason);
  run?.addEventListener('abort', cancel, { once: true });
  if (run?.aborted) cancel();
  // The openai SDK sleeps through its backoff without watching the signal: the call does not wait for it.
  let onAbort: (() => void) | undefined;
  const whenAborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(controller.signal.reason);
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  whenAborted.catch(() => undefined);
  try {
    return await exchange(
      ctx,
      spec,
      reading,
      request,
      attempts,
      fetchOptions,
      controller.signal,
      whenAborted,
      () => run?.aborted === true,
      () => expired,
    );
  } finally {
    clearTimeout(timer);
    run?.removeEventListener('abort', cancel);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  }
}

async function exchange(
  ctx: CallContext,
  spec: CallSpec,
  reading: Reading,
  request: ChatRequest,
  attempts: Attempts,
  fetchOptions: ExtraInit,
  signal: AbortSignal,
  whenAborted: Promise<never>,
  cancelled: () => boolean,
  expired: () => boolean,
): Promise<Outcome> {
  const retries = (): number => Math.max(0, attempts.count - 1);
  const failed = (f: Failure): Failure => ({ ...f, paid: attempts.paid });
  const stopped = (): Failure | undefined => {
    if (cancelled()) return failed(aborted(retries()));
    if (expired()) return failed(timedOut(`no answer within the ${Math.round(ctx.deadlineMs / 1000)} s deadline`, retries()));
    return undefined;
  };
  let response: Response;
  try {
    const sent = ctx.client.post(spec.path, { body: spec.body, stream: spec.stream, signal, fetchOptions }).asResponse();
    // Whatever happens to it after a cancellation is of no interest (nor an unhandled rejection).
    sent.catch(() => undefined);
    response = await Promise.race([sent, whenAborted]);
  } catch (err) {
    return stopped() ?? failed(classify(err, retries(), ctx.secrets, ctx.errors));
  }
  let whole = false;
  try {
    for await (const piece of pieces(response.body, ctx.idleMs)) {
      const now = performance.now();
      if (piece.kind === 'json') {
        whole = true;
        reading.json(piece.value, now);
      } else if (piece.data === '[DONE]') reading.event(piece.event, piece.data, now);
      // An empty data line (a keep-alive) carries nothing.
      else if (piece.data !== '') reading.event(piece.event, JSON.parse(piece.data), now);
    }
  } catch (err) {
    const stop = stopped();
    if (stop) return stop;
    if (err instanceof Stalled) return failed(timedOut(err.message, retries()));
    if (err instanceof SyntaxError)
      return failed(failure('invalid_response', `the response is not valid JSON: ${err.message}`, retries(), ctx.secrets, response.status));
    return failed(classify(err, retries(), ctx.secrets, ctx.errors));
  }
  const end = performance.now();
  const stop = stopped();
  if (stop) return stop;
  const parsed = reading.result();
  if (parsed.error) {
    // A 200 whose whole body is an error (a gateway passing on an upstream failure) bills nothing.
    if (whole) attempts.paid = Math.max(0, attempts.paid - 1);
    // Gateways echo keys in their messages: redacted like every other.
    return failed(failure(parsed.error.kind, parsed.error.message, retries(), ctx.secrets, parsed.error.status));
  }
  if (!parsed.complete) return failed(cutOff(retries()));
  const completion: Completion = {
    ...answerOf(parsed, request, ctx.secrets),
    latencyMs: latencyOf(attempts, end),
    ttftMs: spec.stream && parsed.firstTextAt !== undefined ? parsed.firstTextAt - attempts.start : null,
    retries: retries(),
    paid: attempts.paid,
  };
  return completion;
}

/** An answer as read from a whole body, whether a call's or a batch's result line: what it says, not how long it took. */
export type Answer = Omit<Completion, 'latencyMs' | 'ttftMs' | 'retries' | 'paid'>;

/** A complete, error-free Parsed body as an answer: its usage (estimated where the server sent none), its text with the run's keys redacted. */
function answerOf(parsed: Parsed, request: ChatRequest, secrets: readonly string[]): Answer {
  const usage: Usage = parsed.usage ?? {
    input: estimateRequestTokens(request),
    output: estimateTokens(parsed.text) + parsed.toolCalls.reduce((n, c) => n + estimateTokens(c.name + c.arguments), 0),
    cacheWrite: 0,
    cacheRead: 0,
    estimated: true,
  };
  return {
    ok: true,
    // A hostile or careless server may echo the key: it is not stored, in any form. An answer
    // that calls tools is those calls (any text beside them is the model's aside, not its decision).
    text: redactKnown(parsed.toolCalls.length > 0 ? canonicalToolCalls(parsed.toolCalls) : parsed.text, secrets),
    usage,
    stopReason: parsed.stopReason,
    finish: finishOf(parsed),
    ...(parsed.logprob !== undefined && { logprob: parsed.logprob }),
  };
}
