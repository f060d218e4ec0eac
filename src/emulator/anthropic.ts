// Anthropic Messages on the wire: POST /v1/messages (plain and SSE) and /v1/messages/count_tokens.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countTokens } from './simulated.js';
import { type Emulator, type Simulation, attemptOf, faultHeaders, sendBroken, sendJson, sleep, untilClosed } from './server.js';

/** The version that rejects sampling parameters (api-notes). */
const STRICT_VERSION = '2026-10-21';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 503: 'api_error', 504: 'timeout_error', 529: 'overloaded_error',
};

function requestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const id = requestId();
  sendJson(res, status, { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message }, request_id: id }, { 'request-id': id, ...headers });
}

function rateHeaders(limit: number, remaining: number, resetS: number): Record<string, string> {
  const reset = new Date(Date.now() + resetS * 1000).toISOString();
  const h: Record<string, string> = {
    'anthropic-ratelimit-requests-limit': String(limit),
    'anthropic-ratelimit-requests-remaining': String(remaining),
    'anthropic-ratelimit-requests-reset': reset,
  };
  for (const kind of ['tokens', 'input-tokens', 'output-tokens']) {
    h[`anthropic-ratelimit-${kind}-limit`] = '400000';
    h[`anthropic-ratelimit-${kind}-remaining`] = '400000';
    h[`anthropic-ratelimit-${kind}-reset`] = reset;
  }
  return h;
}

type Block = { type?: unknown; text?: unknown; cache_control?: unknown };

/** Text of a string-or-blocks field, and the prefix up to the last block marked for caching. */
function text(field: unknown): { all: string; cached: string } {
  if (typeof field === 'string') return { all: field, cached: '' };
  if (!Array.isArray(field)) return { all: '', cached: '' };
  let all = '';
  let cached = '';
  for (const b of field as Block[]) {
    if (typeof b?.text === 'string') all += b.text;
    if (b?.cache_control) cached = all;
  }
  return { all, cached };
}

function key(req: IncomingMessage): string | undefined {
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x !== '') return x;
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
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
  const { model, messages, max_tokens: maxTokens, system, stream } = body;
  if (typeof model !== 'string') return fail(res, 400, 'model: Field required');
  if (!Array.isArray(messages) || messages.length === 0) return fail(res, 400, 'messages: at least one message is required');
  const turns = (messages as Array<{ role?: unknown; content?: unknown }>).map((m) => ({ role: String(m.role), content: text(m.content).all }));
  const sys = text(system);

  if (url === '/v1/messages/count_tokens') {
    if (!emulator.profileFor(model)) return fail(res, 404, `model: ${model}`);
    return sendJson(res, 200, { input_tokens: countTokens(sys.all) + turns.reduce((n, t) => n + countTokens(t.content) + 3, 0) });
  }
  if (typeof maxTokens !== 'number' || maxTokens < 1) return fail(res, 400, 'max_tokens: Field required');
  if (version >= STRICT_VERSION) {
    for (const p of ['temperature', 'top_p', 'top_k']) {
      if (p in body) return fail(res, 400, `${p}: is not supported with anthropic-version ${version}`);
    }
  }

  const attempt = attemptOf(req);
  const result = emulator.simulate({ model, system: sys.all, cachePrefix: sys.cached, messages: turns, maxTokens, attempt }, rateHeaders);
  if (result.kind === 'not_found') {
    emulator.record(model, attempt, 404);
    return fail(res, 404, `model: ${model}`);
  }
  if (result.kind === 'rate_limited') {
    emulator.record(model, attempt, 429);
    return fail(res, 429, 'Number of requests has exceeded your per-minute rate limit', { ...result.headers, 'retry-after': String(result.retryAfterS) });
  }
  if (result.kind === 'fault') {
    emulator.record(model, attempt, result.fault.status);
    const message = result.fault.status === 529 ? 'Overloaded' : result.fault.status === 429 ? 'Rate limited (simulated)' : 'Internal server error (simulated)';
    return fail(res, result.fault.status, message, { ...result.headers, ...faultHeaders(result.fault) });
  }
  const sim = result.sim;
  emulator.answering(model, res, sim.fault);
  emulator.record(model, attempt, sim.fault ?? 200, sim, result.correct);
  if (sim.fault === 'hang') return untilClosed(res);
  const id = `msg_${randomBytes(12).toString('hex')}`;
  const usage = { input_tokens: sim.promptTokens - sim.cacheWrite - sim.cacheRead, cache_creation_input_tokens: sim.cacheWrite, cache_read_input_tokens: sim.cacheRead };
  const stopReason = sim.truncated ? 'max_tokens' : 'end_turn';
  const headers = { ...sim.headers, 'request-id': requestId() };
  if (stream !== true) {
    await sleep(sim.ttftMs + sim.generationMs);
    const body = JSON.stringify({
      id, type: 'message', role: 'assistant', model, content: sim.text === '' ? [] : [{ type: 'text', text: sim.text }],
      stop_reason: stopReason, stop_sequence: null, usage: { ...usage, output_tokens: sim.outputTokens },
    });
    return sendBroken(res, body, headers, sim.fault);
  }
  await streamMessage(res, sim, id, usage, stopReason, headers);
}

async function streamMessage(res: ServerResponse, sim: Simulation, id: string, usage: Record<string, number>, stopReason: string, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  // Events of one moment go out in one write, as a server flushing its buffer sends them.
  const event = (name: string, data: unknown): string =>
    `event: ${name}\ndata: ${sim.fault === 'malformed' && name === 'content_block_delta' ? '{"type": "content_block_delta", "delta": {' : JSON.stringify(data)}\n\n`;
  res.write(
    event('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: sim.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }) +
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
    event('ping', { type: 'ping' }),
  );
  await sleep(sim.ttftMs);
  // The first token at TTFT, the rest once generation is done. A fault cuts the stream right after it.
  const cut = Math.min(4, sim.text.length);
  if (sim.text !== '') res.write(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: sim.text.slice(0, cut) } }));
  if (sim.fault === 'reset') return void res.destroy();
  if (sim.fault === 'truncate') return void res.end();
  if (sim.fault === 'stream-error') return void res.end(event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (simulated, mid-stream)' } }));
  let rest = '';
  if (cut < sim.text.length) {
    await sleep(sim.generationMs);
    rest = event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: sim.text.slice(cut) } });
  }
  res.end(
    rest +
    event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
    event('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: sim.outputTokens } }) +
    event('message_stop', { type: 'message_stop' }),
  );
}
