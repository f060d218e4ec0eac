// Anthropic Messages on the wire: POST /v1/messages (plain and SSE) and /v1/messages/count_tokens.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { attemptOf, bearer, type Emulator, faultHeaders, sendJson, sleep, temperatureOf, untilClosed } from './server.js';
import { anthropicContent, argumentPieces, offeredTools } from './shaped.js';
import { promptTokensOf } from './simulated.js';
import { anthropicRefusal, NO_OUTPUT_CONFIG } from './structured.js';
import { type SseEvent, Wire } from './wire.js';

/** The version that rejects sampling parameters (api-notes). */
const STRICT_VERSION = '2026-10-21';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function requestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

export function fail(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  details: Record<string, string> | null = null,
): void {
  const id = requestId();
  sendJson(
    res,
    status,
    { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message, details }, request_id: id },
    { 'request-id': id, ...headers },
  );
}

type Block = { type?: unknown; text?: unknown; cache_control?: unknown };

/** The system prompt's text, as a string or text blocks. */
function text(field: unknown): string {
  if (typeof field === 'string') return field;
  if (!Array.isArray(field)) return '';
  return (field as Block[]).map((b) => (typeof b?.text === 'string' ? b.text : '')).join('');
}

const FIVE_MINUTES_MS = 5 * 60_000;
const HOUR_MS = 60 * 60_000;

/** At most this many blocks may carry cache_control in one request. */
const MAX_BREAKPOINTS = 4;

/**
 * The prompt up to each block marked for caching, in the order the API caches (system, then the
 * messages' blocks), and the last mark's TTL; or the 400 a bad mark gets.
 */
function cacheMarks(system: unknown, messages: ReadonlyArray<{ content?: unknown }>): { marks: string[]; hour: boolean } | { error: string } {
  const marks: string[] = [];
  let hour = false;
  let sofar = '';
  const visit = (blocks: unknown, where: string): string | undefined => {
    if (!Array.isArray(blocks)) {
      if (typeof blocks === 'string') sofar += blocks;
      return undefined;
    }
    for (const [i, b] of (blocks as Block[]).entries()) {
      if (typeof b?.text === 'string') sofar += b.text;
      if (b?.cache_control === undefined || b.cache_control === null) continue;
      const ttl = (b.cache_control as { ttl?: unknown }).ttl;
      if (ttl !== undefined && ttl !== '5m' && ttl !== '1h') return `${where}.${i}.cache_control.ephemeral.ttl: Input should be '5m' or '1h'`;
      hour = ttl === '1h';
      marks.push(sofar);
    }
    return undefined;
  };
  let bad = visit(system, 'system');
  for (const [i, m] of messages.entries()) {
    if (bad !== undefined) break;
    sofar += '\u0001';
    bad = visit(m?.content, `messages.${i}.content`);
  }
  if (bad !== undefined) return { error: bad };
  if (marks.length > MAX_BREAKPOINTS) return { error: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${marks.length}.` };
  return { marks, hour };
}

/** A tool call's input as an object: arguments cut by the token limit are what parses of them, else {}. */
function inputOf(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return {};
  }
}

export function key(req: IncomingMessage): string | undefined {
  const x = req.headers['x-api-key'];
  return typeof x === 'string' && x !== '' ? x : bearer(req);
}

/**
 * `GET /v1/models`: the claude ids with their lifecycles, filtered by `lifecycle[]` (active and
 * deprecated by default; retired ones only when asked for) and paged 20 at a time by `after_id`.
 */
export function listAnthropicModels(emulator: Emulator, req: IncomingMessage, res: ServerResponse): void {
  if (!emulator.authorized(key(req))) {
    fail(res, 401, 'invalid x-api-key');
    return;
  }
  const query = new URL(req.url ?? '/', 'http://emulator').searchParams;
  const stages = query.getAll('lifecycle[]');
  const wanted = stages.length > 0 ? stages : ['active', 'deprecated'];
  const all = emulator
    .modelIds()
    .filter((id) => id.startsWith('claude'))
    .map((id) => {
      const life = emulator.lifecycleOf(id);
      return {
        type: 'model',
        id,
        display_name: id,
        created_at: '2026-01-01T00:00:00Z',
        capabilities: null,
        max_input_tokens: 200_000,
        max_tokens: 64_000,
        line: null,
        lifecycle: life?.lifecycle ?? 'active',
        deprecated_at: life?.deprecated_at ?? null,
        retires_at: life?.retires_at ?? null,
      };
    })
    .filter((m) => wanted.includes(m.lifecycle));
  const after = query.get('after_id');
  const from = after === null ? 0 : all.findIndex((m) => m.id === after) + 1;
  const limit = Number(query.get('limit') ?? 20);
  const page = all.slice(from, from + limit);
  sendJson(res, 200, { data: page, has_more: from + limit < all.length, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null });
}

export async function handleAnthropic(emulator: Emulator, req: IncomingMessage, res: ServerResponse, url: string, raw: string): Promise<void> {
  if (!emulator.authorized(key(req))) return fail(res, 401, 'invalid x-api-key');
  const version = req.headers['anthropic-version'];
  if (typeof version !== 'string') return fail(res, 400, 'anthropic-version: header is required');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return fail(res, 400, 'The request body is not valid JSON.');
  }
  const { model, messages, max_tokens: maxTokens, system } = body;
  if (typeof model !== 'string') return fail(res, 400, 'model: Field required');
  const attempt = attemptOf(req);
  // Every request for a model is counted, the ones refused for their parameters too.
  const invalid = (message: string): void => {
    emulator.record(model, attempt, 400);
    fail(res, 400, message);
  };
  if (!Array.isArray(messages) || messages.length === 0) return invalid('messages: at least one message is required');
  const turns: Array<{ role: string; content: string }> = [];
  for (const [i, m] of (messages as Array<{ role?: unknown; content?: unknown }>).entries()) {
    if (m?.role === 'system')
      return invalid('messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
    if (m?.role !== 'user' && m?.role !== 'assistant') return invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    const read = await anthropicContent(m.content, `messages.${i}`);
    if (!read.ok) return invalid(read.message);
    turns.push({ role: m.role, content: read.text });
  }
  const tools = offeredTools(body.tools, 'anthropic');
  if (!tools.ok) return invalid(tools.message);
  const sys = text(system);
  const cache = cacheMarks(system, messages as Array<{ content?: unknown }>);
  if ('error' in cache) return invalid(cache.error);

  if (url === '/v1/messages/count_tokens') {
    const profile = emulator.profileFor(model);
    if (!profile) return fail(res, 404, `model: ${model}`);
    return sendJson(res, 200, { input_tokens: promptTokensOf(sys, turns, profile.tokenDensity) });
  }
  if (typeof maxTokens !== 'number' || maxTokens < 1) return invalid('max_tokens: Field required');
  if (version >= STRICT_VERSION) {
    for (const p of ['temperature', 'top_p', 'top_k']) {
      if (p in body) return invalid(`${p}: is not supported with anthropic-version ${version}`);
    }
  }

  const asked = body.thinking as { type?: string; budget_tokens?: number } | undefined;
  const effort = (body.output_config as { effort?: string } | undefined)?.effort;
  if (asked?.type === 'enabled' && (typeof asked.budget_tokens !== 'number' || asked.budget_tokens < 1024 || asked.budget_tokens >= maxTokens)) {
    return invalid('thinking.budget_tokens: must be at least 1024 and less than max_tokens');
  }
  const format = (body.output_config as { format?: { type?: unknown; schema?: unknown } } | undefined)?.format;
  if (format !== undefined && format !== null) {
    if (emulator.profileFor(model)?.quirks?.includes('no-structured-output')) return invalid(NO_OUTPUT_CONFIG);
    if (format.type !== 'json_schema') return invalid("output_config.format.type: Input should be 'json_schema'");
    const refused = anthropicRefusal(format.schema);
    if (refused !== undefined) return invalid(refused);
  }
  const thinking = {
    ...(effort !== undefined && { effort }),
    ...(asked?.type === 'enabled' && { budget: asked.budget_tokens }),
    ...(asked?.type === 'disabled' && { off: true }),
  };
  const result = emulator.simulate(
    {
      model,
      system: sys,
      cachePrefix: cache.marks.at(-1) ?? '',
      cacheMarks: cache.marks.slice(0, -1),
      cacheTtlMs: cache.hour ? HOUR_MS : FIVE_MINUTES_MS,
      messages: turns,
      maxTokens,
      attempt,
      thinking,
      tools: tools.names,
      ...temperatureOf(body),
      ...(format?.schema !== undefined && { format: format.schema as Record<string, unknown> }),
    },
    'anthropic',
  );
  if (result.kind === 'not_found') {
    emulator.record(model, attempt, 404);
    return fail(res, 404, `model: ${model}`);
  }
  if (result.kind === 'rate_limited') {
    emulator.record(model, attempt, 429);
    return fail(
      res,
      429,
      `This request would exceed your organization's rate limit of ${result.which} per minute. Please reduce the prompt length or the maximum tokens requested, or try again later.`,
      {
        ...result.headers,
        'retry-after': String(result.retryAfterS),
      },
    );
  }
  if (result.kind === 'flagged') {
    emulator.record(model, attempt, 400);
    return fail(res, 400, 'The input was blocked by a content filter (simulated; `flag` is meant for OpenAI-format models).');
  }
  if (result.kind === 'spend_limit') {
    emulator.record(model, attempt, 429);
    // Sent with no retry-after: waiting will not help until the month turns.
    return fail(
      res,
      429,
      "You have reached your organization's monthly spend limit. Access resumes at 00:00 UTC on the 1st.",
      {},
      { error_code: 'enforced_spend_limit_reached' },
    );
  }
  if (result.kind === 'fault') {
    emulator.record(model, attempt, result.fault.status);
    const message = result.fault.status === 529 ? 'Overloaded' : result.fault.status === 429 ? 'Rate limited (simulated)' : 'Internal server error (simulated)';
    return fail(res, result.fault.status, message, { ...result.headers, ...faultHeaders(result.fault) });
  }
  const sim = result.sim;
  emulator.answering(model, res, sim);
  emulator.record(model, attempt, sim.fault ?? 200, sim, result.correct);
  if (sim.fault === 'hang') return untilClosed(res);
  const id = `msg_${randomBytes(12).toString('hex')}`;
  const headers = { ...sim.headers, 'request-id': requestId() };
  const wire = new Wire(res, sim.quirks, 'anthropic');
  if (sim.fault === 'error-body') {
    // A proxy's upstream failure, passed on with a 200.
    return wire.json(
      200,
      { type: 'error', error: { type: 'api_error', message: 'upstream request failed (simulated)', details: null }, request_id: requestId() },
      headers,
    );
  }
  const refused = sim.fault === 'refusal';
  const call = sim.toolCall;
  const stopReason = refused ? 'refusal' : sim.truncated ? 'max_tokens' : call !== undefined ? 'tool_use' : 'end_turn';
  const toolId = `toolu_${randomBytes(12).toString('hex')}`;
  const stopDetails = refused ? { type: 'refusal', category: 'general_harms', explanation: 'The request was declined (simulated).' } : null;
  const input = {
    input_tokens: sim.promptTokens - sim.cacheWrite - sim.cacheRead,
    cache_creation_input_tokens: sim.cacheWrite,
    cache_read_input_tokens: sim.cacheRead,
  };
  // Every field of the SDK's Usage type, as the API sends them.
  const usage = (output: number): Record<string, unknown> => ({
    ...input,
    output_tokens: output,
    cache_creation: { ephemeral_5m_input_tokens: cache.hour ? 0 : sim.cacheWrite, ephemeral_1h_input_tokens: cache.hour ? sim.cacheWrite : 0 },
    inference_geo: 'global',
    output_tokens_details: { thinking_tokens: sim.thinkingTokens },
    server_tool_use: null,
    service_tier: 'standard',
    speed: 'standard',
  });
  // Thinking is billed as output, and comes first: a block of its own before the text.
  const billed = sim.outputTokens + sim.thinkingTokens;
  const thought = 'Let me think about which category fits. '.repeat(Math.max(1, Math.ceil(sim.thinkingTokens / 10))).slice(0, sim.thinkingTokens * 4);
  const signature = `EqQBCkYIARgCIkC${randomBytes(12).toString('base64')}`;
  const textIndex = sim.thinkingTokens > 0 ? 1 : 0;
  const stream = body.stream === true ? !sim.quirks.has('json-for-stream') : sim.quirks.has('sse-for-plain');
  if (!stream) {
    await sleep(sim.ttftMs + sim.thinkingMs + sim.generationMs);
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [
        ...(sim.thinkingTokens > 0 ? [{ type: 'thinking', thinking: thought, signature }] : []),
        ...(sim.text === '' ? [] : [{ type: 'text', text: sim.text, citations: null }]),
        // A cut call's input is what was complete of it: the API sends an object, never broken JSON.
        ...(call === undefined ? [] : [{ type: 'tool_use', id: toolId, name: call.name, input: inputOf(call.arguments), caller: { type: 'direct' } }]),
      ],
      container: null,
      diagnostics: null,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: stopDetails,
      usage: usage(billed),
    };
    if (sim.fault === 'reset' || sim.fault === 'truncate' || sim.fault === 'malformed' || sim.fault === 'stream-error') {
      return wire.brokenJson(message, headers, sim.fault === 'reset' || sim.fault === 'truncate' ? 'reset' : 'malformed');
    }
    return wire.json(200, message, headers);
  }
  wire.startStream(headers);
  await wire.send([
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: sim.model,
          content: [],
          container: null,
          diagnostics: null,
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          usage: usage(1),
        },
      },
    ],
    ['ping', { type: 'ping' }],
  ]);
  if (sim.quirks.has('stall')) return untilClosed(res);
  await sleep(sim.ttftMs);
  if (sim.thinkingTokens > 0) {
    await wire.send([
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: thought } }],
    ]);
    await sleep(sim.thinkingMs);
    await wire.send([
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ]);
  }
  // How every stream ends, a tool call's or a text's: the block closed, then cumulative counts
  // (input and cache included, as the API sends them) and the stop.
  const ending: SseEvent[] = [
    ['content_block_stop', { type: 'content_block_stop', index: textIndex }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null, stop_details: stopDetails, container: null },
        usage: { ...input, output_tokens: billed, output_tokens_details: { thinking_tokens: sim.thinkingTokens }, server_tool_use: null },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ];
  if (call !== undefined) {
    // The input arrives as input_json_delta pieces, the first of them empty, cut anywhere.
    await wire.send([
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: textIndex,
          content_block: { type: 'tool_use', id: toolId, name: call.name, input: {}, caller: { type: 'direct' } },
        },
      ],
      ...['', ...argumentPieces(call.arguments)].map(
        (partial_json): SseEvent => [
          'content_block_delta',
          { type: 'content_block_delta', index: textIndex, delta: { type: 'input_json_delta', partial_json } },
        ],
      ),
    ]);
    if (sim.fault === 'reset') return wire.reset();
    if (sim.fault === 'truncate') return wire.cut();
    await sleep(sim.generationMs);
    return wire.send(ending, true);
  }
  await wire.send([['content_block_start', { type: 'content_block_start', index: textIndex, content_block: { type: 'text', text: '', citations: null } }]]);
  // The first token at TTFT, the rest once generation is done. A fault cuts the stream right after it.
  const cut = Math.min(4, sim.text.length);
  const delta = (text: string): SseEvent => ['content_block_delta', { type: 'content_block_delta', index: textIndex, delta: { type: 'text_delta', text } }];
  if (sim.fault === 'malformed') wire.raw('event: content_block_delta\ndata: {"type": "content_block_delta", "delta": {\n\n');
  else if (cut > 0) await wire.send([delta(sim.text.slice(0, cut))]);
  if (sim.fault === 'reset') return wire.reset();
  if (sim.fault === 'truncate') return wire.cut();
  if (sim.fault === 'stream-error')
    return wire.send([['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (simulated, mid-stream)' } }]], true);
  if (cut < sim.text.length) await sleep(sim.generationMs);
  await wire.send([...(cut < sim.text.length ? [delta(sim.text.slice(cut))] : []), ...ending], true);
}
