// OpenAI Chat Completions on the wire: POST /v1/chat/completions, plain and SSE.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { attemptOf, bearer, type Emulator, faultHeaders, type Simulation, sendJson, sleep, temperatureOf, untilClosed } from './server.js';
import { argumentPieces, offeredTools, openAIContent } from './shaped.js';
import type { Quirk } from './simulated.js';
import { AZURE_OLD_VERSION, openAIStrictRefusal } from './structured.js';
import { type SseEvent, Wire } from './wire.js';

/** Reasoning models reject max_tokens and any temperature but 1 (api-notes). */
export const REASONING = /^(o\d|gpt-5|gpt-6)/;

const ERROR_TYPES: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  404: ['invalid_request_error', 'model_not_found'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
  503: ['server_error', null],
  529: ['server_error', null],
};

export const requestId = (): string => `req_${randomBytes(12).toString('hex')}`;

export function fail(res: ServerResponse, status: number, message: string, param: string | null = null, headers: Record<string, string> = {}): void {
  const [type, code] = ERROR_TYPES[status] ?? ['server_error', null];
  sendJson(res, status, { error: { message, type, param, code } }, { 'x-request-id': requestId(), ...headers });
}

/** The request's JSON body, or undefined once OpenAI's 400 for one it cannot parse is sent. */
export function jsonBody(res: ServerResponse, raw: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    fail(res, 400, 'We could not parse the JSON body of your request.');
    return undefined;
  }
}

/** A request refused for its images or tools: a 400 with the API's code, counted. */
export function refuse(emulator: Emulator, res: ServerResponse, model: string, attempt: number, why: { message: string; param?: string; code?: string }): void {
  emulator.record(model, attempt, 400);
  sendJson(
    res,
    400,
    { error: { message: why.message, type: 'invalid_request_error', param: why.param ?? null, code: why.code ?? null } },
    { 'x-request-id': requestId() },
  );
}

/** `GET /v1/models`: the ids other than claude ones; OpenAI's list says nothing about lifecycles. */
export function listOpenAIModels(emulator: Emulator, req: IncomingMessage, res: ServerResponse): void {
  if (!emulator.authorized(bearer(req))) {
    fail(res, 401, 'Incorrect API key provided.');
    return;
  }
  sendJson(res, 200, {
    object: 'list',
    data: emulator
      .modelIds()
      .filter((id) => !id.startsWith('claude'))
      .map((id) => ({ id, object: 'model', created: 1_760_000_000, owned_by: 'system' })),
  });
}

/** `deployment`: an Azure OpenAI deployment from the path, which the model in the body does not override. */
export async function handleOpenAI(emulator: Emulator, req: IncomingMessage, res: ServerResponse, raw: string, deployment?: string): Promise<void> {
  const azureKey = req.headers['api-key'];
  const key = deployment !== undefined ? (typeof azureKey === 'string' ? azureKey : undefined) : bearer(req);
  // Like some gateways, echo the key back: a test that the client never stores it.
  if (!emulator.authorized(key)) return fail(res, 401, `Incorrect API key provided: ${key ?? '(none)'}.`);
  const body = jsonBody(res, raw);
  if (body === undefined) return;
  const { messages } = body;
  const model = deployment ?? body.model;
  if (typeof model !== 'string') return fail(res, 400, 'you must provide a model parameter', 'model');
  const attempt = attemptOf(req);
  // Every request for a model is counted, the ones refused for their parameters too.
  const invalid = (message: string, param: string): void => {
    emulator.record(model, attempt, 400);
    fail(res, 400, message, param);
  };
  if (!Array.isArray(messages) || messages.length === 0) return invalid("'messages' must contain at least one message", 'messages');
  const bare = model.slice(model.lastIndexOf('/') + 1);
  if (REASONING.test(bare)) {
    if ('max_tokens' in body)
      return invalid("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens');
    if ('temperature' in body && body.temperature !== 1)
      return invalid("Unsupported value: 'temperature' does not support this value with this model. Only the default (1) value is supported.", 'temperature');
    if (body.logprobs === true) return invalid("Unsupported parameter: 'logprobs' is not supported with this model.", 'logprobs');
  }
  if ('stream_options' in body && emulator.profileFor(model)?.quirks?.includes('no-stream-options')) {
    return invalid('Unrecognized request argument supplied: stream_options', 'stream_options');
  }
  const format = jsonSchemaFormat(body.response_format);
  if (format !== undefined) {
    if (emulator.profileFor(model)?.quirks?.includes('no-structured-output')) {
      emulator.record(model, attempt, 400);
      return sendJson(res, 400, { error: { code: 'BadRequest', message: AZURE_OLD_VERSION } }, { 'x-request-id': requestId() });
    }
    const refused = format.strict ? openAIStrictRefusal(format.name, format.schema) : undefined;
    if (refused !== undefined) return invalid(refused, 'response_format');
  }
  const wantLogprobs = body.logprobs === true;
  const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? 4096);
  const all: Array<{ role: string; content: string }> = [];
  for (const [i, m] of (messages as Array<{ role?: unknown; content?: unknown }>).entries()) {
    const read = await openAIContent(m?.content, `messages[${i}].content`);
    if (!read.ok) return refuse(emulator, res, model, attempt, read);
    all.push({ role: String(m?.role), content: read.text });
  }
  const tools = offeredTools(body.tools, 'chat');
  if (!tools.ok) return refuse(emulator, res, model, attempt, tools);
  const system = all
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => m.content)
    .join('\n');
  const turns = all.filter((m) => m.role !== 'system' && m.role !== 'developer');

  const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined;
  const result = simulateOpenAI(
    emulator,
    res,
    { model, system, turns, maxTokens, attempt, effort, tools: tools.names, ...temperatureOf(body), ...(format && { format: format.schema }) },
    (quirks) => {
      if (quirks.has('gateway')) {
        // OpenRouter's moderation: one flagged input, not a key without permission.
        emulator.record(model, attempt, 403);
        return sendJson(
          res,
          403,
          {
            error: {
              code: 403,
              message: `${model} requires moderation on OpenRouter. Your input was flagged for "violence"`,
              metadata: { reasons: ['violence'], flagged_input: (turns[0]?.content ?? '').slice(0, 100), provider_name: 'Emulator', model_slug: model },
            },
          },
          { 'x-request-id': requestId() },
        );
      }
      // Azure OpenAI's prompt filter.
      emulator.record(model, attempt, 400);
      return sendJson(
        res,
        400,
        {
          error: {
            message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
            type: null,
            param: 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { violence: { filtered: true, severity: 'high' } } },
          },
        },
        { 'x-request-id': requestId() },
      );
    },
  );
  if (result === undefined) return;
  const sim = result;
  if (sim.fault === 'hang') return untilClosed(res);
  const gateway = sim.quirks.has('gateway');
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const headers = { ...sim.headers, 'x-request-id': requestId() };
  const usage = sim.quirks.has('no-usage')
    ? undefined
    : {
        // Reasoning is billed as output: completion_tokens includes it.
        prompt_tokens: sim.promptTokens,
        completion_tokens: sim.outputTokens + sim.thinkingTokens,
        total_tokens: sim.promptTokens + sim.outputTokens + sim.thinkingTokens,
        prompt_tokens_details: { cached_tokens: sim.cacheRead, audio_tokens: 0, ...(gateway && { cache_write_tokens: 0 }) },
        completion_tokens_details: { reasoning_tokens: sim.thinkingTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        // OpenRouter reports what it charged, at its own prices (here $0.10 / $0.50 per Mtok, whatever
        // the model): upstream_inference_cost repeats it unless the key is the user's own (BYOK).
        ...(gateway &&
          ((cost) => ({
            cost,
            is_byok: false,
            cost_details: {
              upstream_inference_cost: cost,
              upstream_inference_prompt_cost: (sim.promptTokens * 0.1) / 1e6,
              upstream_inference_completions_cost: ((sim.outputTokens + sim.thinkingTokens) * 0.5) / 1e6,
            },
          }))((sim.promptTokens * 0.1 + (sim.outputTokens + sim.thinkingTokens) * 0.5) / 1e6)),
      };
  const wire = new Wire(res, sim.quirks, 'chat');
  if (sim.fault === 'error-body') {
    return wire.json(
      200,
      {
        error: { message: 'Provider returned error', code: 429, metadata: { raw: 'upstream rate limited (simulated)', provider_name: 'Emulator' } },
        user_id: 'user_emulator',
      },
      headers,
    );
  }
  const call = sim.toolCall;
  const finish = sim.fault === 'refusal' ? 'content_filter' : sim.truncated ? 'length' : call !== undefined ? 'tool_calls' : 'stop';
  const callId = `call_${randomBytes(12).toString('hex')}`;
  const stream = body.stream === true ? !sim.quirks.has('json-for-stream') : sim.quirks.has('sse-for-plain');
  if (!stream) {
    await sleep(sim.ttftMs + sim.thinkingMs + sim.generationMs);
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message:
            call === undefined
              ? { role: 'assistant', content: sim.text, refusal: null, annotations: [] }
              : {
                  role: 'assistant',
                  content: null,
                  refusal: null,
                  annotations: [],
                  tool_calls: [{ id: callId, type: 'function', function: { name: call.name, arguments: call.arguments } }],
                },
          logprobs: wantLogprobs ? logprobs(sim.text, sim.confidence) : null,
          finish_reason: finish,
        },
      ],
      ...(usage && { usage }),
      service_tier: 'default',
      system_fingerprint: 'fp_emulator',
    };
    if (sim.fault === 'reset' || sim.fault === 'truncate' || sim.fault === 'malformed' || sim.fault === 'stream-error') {
      return wire.brokenJson(completion, headers, sim.fault === 'reset' || sim.fault === 'truncate' ? 'reset' : 'malformed');
    }
    return wire.json(200, completion, headers);
  }
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true || gateway;
  const chunk = (
    delta: { role?: string; content?: string | null; tool_calls?: unknown[] },
    finishReason: string | null,
    extra: Record<string, unknown> = {},
  ): SseEvent => {
    const lp = wantLogprobs && delta.content ? logprobs(delta.content, sim.confidence ** (delta.content.length / Math.max(1, sim.text.length))) : null;
    // With include_usage, every chunk but the last carries `usage: null`, as OpenAI sends them.
    return [
      'chunk',
      {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        service_tier: 'default',
        system_fingerprint: 'fp_emulator',
        choices: [{ index: 0, delta, logprobs: lp, finish_reason: finishReason }],
        ...(includeUsage && { usage: null }),
        ...extra,
      },
    ];
  };
  const usageChunk = (): SseEvent[] =>
    includeUsage && usage
      ? [['usage', { id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_emulator', choices: [], usage }]]
      : [];
  wire.startStream(headers);
  if (gateway) wire.raw(': OPENROUTER PROCESSING\n\n');
  await wire.send([chunk({ role: 'assistant', content: call === undefined ? '' : null }, null)]);
  if (sim.quirks.has('stall')) return untilClosed(res);
  // Chat Completions streams nothing while the model reasons.
  await sleep(sim.ttftMs + sim.thinkingMs);
  if (call !== undefined) {
    // The call's id and name in its first piece, then its arguments cut anywhere, each piece with the call's index.
    await wire.send([
      chunk({ tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }, null),
      ...argumentPieces(call.arguments).map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] }, null)),
    ]);
    if (sim.fault === 'reset') return wire.reset();
    if (sim.fault === 'truncate') return wire.cut();
    await sleep(sim.generationMs);
    return wire.send([chunk({}, finish), ...usageChunk(), ['done', '[DONE]']], true);
  }
  // The first token at TTFT, the rest once generation is done. A fault cuts the stream right after it.
  const cut = Math.min(4, sim.text.length);
  if (sim.fault === 'malformed') wire.raw('data: {"id": "chatcmpl-broken", "choices": [\n\n');
  else if (cut > 0) await wire.send([chunk({ content: sim.text.slice(0, cut) }, null)]);
  if (sim.fault === 'reset') return wire.reset();
  if (sim.fault === 'truncate') return wire.cut();
  if (sim.fault === 'stream-error') {
    if (gateway) return wire.send([chunk({ content: '' }, 'error', { error: { code: 502, message: 'Provider disconnected unexpectedly (simulated)' } })], true);
    if (sim.quirks.has('vllm'))
      return wire.send(
        [
          ['error', { error: { message: 'Internal server error (simulated)', type: 'InternalServerError', param: null, code: 500 } }],
          ['done', '[DONE]'],
        ],
        true,
      );
    return wire.send(
      [
        [
          'error',
          {
            error: { message: 'The server had an error while processing your request (simulated, mid-stream).', type: 'server_error', param: null, code: null },
          },
        ],
      ],
      true,
    );
  }
  if (cut < sim.text.length) await sleep(sim.generationMs);
  await wire.send(
    [...(cut < sim.text.length ? [chunk({ content: sim.text.slice(cut) }, null)] : []), chunk({}, finish), ...usageChunk(), ['done', '[DONE]']],
    true,
  );
}

/** `response_format` (Chat) or `text.format` (Responses) when it asks for a JSON schema: its name, schema and strictness. */
export function jsonSchemaFormat(format: unknown): { name: string; schema: Record<string, unknown>; strict: boolean } | undefined {
  const f = format as { type?: unknown; json_schema?: unknown; name?: unknown; schema?: unknown; strict?: unknown } | undefined;
  if (f?.type !== 'json_schema') return undefined;
  // Chat nests the schema under json_schema; Responses puts it beside the type.
  const inner = (typeof f.json_schema === 'object' && f.json_schema !== null ? f.json_schema : f) as { name?: unknown; schema?: unknown; strict?: unknown };
  const schema = typeof inner.schema === 'object' && inner.schema !== null ? (inner.schema as Record<string, unknown>) : {};
  return { name: String(inner.name ?? ''), schema, strict: inner.strict === true };
}

export interface OpenAIInput {
  model: string;
  system: string;
  turns: Array<{ role: string; content: string }>;
  maxTokens: number;
  attempt: number;
  effort: string | undefined;
  temperature?: number;
  tools?: readonly string[];
  format?: Record<string, unknown>;
}

/**
 * The simulation behind both OpenAI APIs: the answer to give, or undefined once a failure (no
 * such model, a rate limit, no quota, a server error, a flagged input through `flagged`) has
 * been answered and counted.
 */
export function simulateOpenAI(
  emulator: Emulator,
  res: ServerResponse,
  input: OpenAIInput,
  flagged: (quirks: ReadonlySet<Quirk>) => void,
): Simulation | undefined {
  const { model, attempt } = input;
  // OpenAI caches long prompt prefixes automatically, in steps of 128 tokens.
  const cachePrefix = input.system.slice(0, Math.floor(input.system.length / 512) * 512);
  const thinking = input.effort === undefined ? {} : input.effort === 'none' ? { off: true } : { effort: input.effort };
  const result = emulator.simulate(
    {
      model,
      system: input.system,
      cachePrefix,
      messages: input.turns,
      maxTokens: input.maxTokens,
      attempt,
      thinking,
      ...(input.temperature !== undefined && { temperature: input.temperature }),
      ...(input.tools !== undefined && { tools: input.tools }),
      ...(input.format !== undefined && { format: input.format }),
    },
    'openai',
  );
  if (result.kind === 'not_found') {
    emulator.record(model, attempt, 404);
    return void fail(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model');
  }
  if (result.kind === 'rate_limited') {
    emulator.record(model, attempt, 429);
    const per = result.which === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
    return void fail(res, 429, `Rate limit reached for ${model} on ${per}. Please try again in ${result.retryAfterS}s.`, null, {
      ...result.headers,
      'retry-after': String(result.retryAfterS),
    });
  }
  if (result.kind === 'spend_limit') {
    emulator.record(model, attempt, 429);
    return void sendJson(
      res,
      429,
      {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
      { 'x-request-id': requestId() },
    );
  }
  if (result.kind === 'flagged') return void flagged(result.quirks);
  if (result.kind === 'fault') {
    emulator.record(model, attempt, result.fault.status);
    return void fail(
      res,
      result.fault.status,
      result.fault.status === 429 ? 'Rate limit reached (simulated).' : 'The server had an error while processing your request (simulated).',
      null,
      { ...result.headers, ...faultHeaders(result.fault) },
    );
  }
  // Automatic caching only reads: there is no write charge, so a first sighting bills as input.
  const sim = { ...result.sim, cacheWrite: 0 };
  emulator.answering(model, res, sim);
  emulator.record(model, attempt, sim.fault ?? 200, sim, result.correct);
  return sim;
}

/** Token log-probabilities whose sum is log(confidence), one token per four characters. */
function logprobs(text: string, confidence: number): { content: Array<{ token: string; logprob: number; bytes: number[]; top_logprobs: [] }>; refusal: null } {
  const tokens = text.match(/[\s\S]{1,4}/g) ?? [];
  const each = Math.log(confidence) / Math.max(1, tokens.length);
  return { content: tokens.map((token) => ({ token, logprob: each, bytes: [...Buffer.from(token)], top_logprobs: [] })), refusal: null };
}
