// OpenAI Chat Completions on the wire: POST /v1/chat/completions, plain and SSE.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Emulator, attemptOf, faultHeaders, sendBroken, sendJson, sleep, untilClosed } from './server.js';

/** Reasoning models reject max_tokens and any temperature but 1 (api-notes). */
const REASONING = /^(o\d|gpt-5)/;

const ERROR_TYPES: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', null], 401: ['invalid_request_error', 'invalid_api_key'], 404: ['invalid_request_error', 'model_not_found'],
  429: ['requests', 'rate_limit_exceeded'], 500: ['server_error', null], 503: ['server_error', null], 529: ['server_error', null],
};

function fail(res: ServerResponse, status: number, message: string, param: string | null = null, headers: Record<string, string> = {}): void {
  const [type, code] = ERROR_TYPES[status] ?? ['server_error', null];
  sendJson(res, status, { error: { message, type, param, code } }, { 'x-request-id': `req_${randomBytes(12).toString('hex')}`, ...headers });
}

function rateHeaders(limit: number, remaining: number, resetS: number): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(limit),
    'x-ratelimit-remaining-requests': String(remaining),
    'x-ratelimit-reset-requests': `${resetS}s`,
    'x-ratelimit-limit-tokens': '2000000',
    'x-ratelimit-remaining-tokens': '2000000',
    'x-ratelimit-reset-tokens': '0s',
  };
}

function content(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

export async function handleOpenAI(emulator: Emulator, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const auth = req.headers.authorization;
  const key = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
  // Like some gateways, echo the key back: a test that the client never stores it.
  if (!emulator.authorized(key)) return fail(res, 401, `Incorrect API key provided: ${key ?? '(none)'}.`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return fail(res, 400, 'We could not parse the JSON body of your request.');
  }
  const { model, messages, stream } = body;
  if (typeof model !== 'string') return fail(res, 400, "you must provide a model parameter", 'model');
  if (!Array.isArray(messages) || messages.length === 0) return fail(res, 400, "'messages' must contain at least one message", 'messages');
  const bare = model.slice(model.lastIndexOf('/') + 1);
  if (REASONING.test(bare)) {
    if ('max_tokens' in body) return fail(res, 400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens');
    if ('temperature' in body && body.temperature !== 1) return fail(res, 400, "Unsupported value: 'temperature' does not support this value with this model. Only the default (1) value is supported.", 'temperature');
    if (body.logprobs === true) return fail(res, 400, "Unsupported parameter: 'logprobs' is not supported with this model.", 'logprobs');
  }
  const wantLogprobs = body.logprobs === true;
  const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? 4096);
  const all = (messages as Array<{ role?: unknown; content?: unknown }>).map((m) => ({ role: String(m.role), content: content(m.content) }));
  const system = all.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content).join('\n');
  const turns = all.filter((m) => m.role !== 'system' && m.role !== 'developer');

  const attempt = attemptOf(req);
  // OpenAI caches long prompt prefixes automatically, in steps of 128 tokens.
  const cachePrefix = system.slice(0, Math.floor(system.length / 512) * 512);
  const result = emulator.simulate({ model, system, cachePrefix, messages: turns, maxTokens, attempt }, rateHeaders);
  if (result.kind === 'not_found') {
    emulator.record(model, attempt, 404);
    return fail(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model');
  }
  if (result.kind === 'rate_limited') {
    emulator.record(model, attempt, 429);
    return fail(res, 429, `Rate limit reached for ${model} on requests per min (RPM).`, null, { ...result.headers, 'retry-after': String(result.retryAfterS) });
  }
  if (result.kind === 'fault') {
    emulator.record(model, attempt, result.fault.status);
    return fail(res, result.fault.status, result.fault.status === 429 ? 'Rate limit reached (simulated).' : 'The server had an error while processing your request (simulated).', null, { ...result.headers, ...faultHeaders(result.fault) });
  }
  // Automatic caching only reads: there is no write charge, so a first sighting bills as input.
  const sim = { ...result.sim, cacheWrite: 0 };
  emulator.answering(model, res, sim.fault);
  emulator.record(model, attempt, sim.fault ?? 200, sim, result.correct);
  if (sim.fault === 'hang') return untilClosed(res);
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = {
    prompt_tokens: sim.promptTokens, completion_tokens: sim.outputTokens, total_tokens: sim.promptTokens + sim.outputTokens,
    prompt_tokens_details: { cached_tokens: sim.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const finish = sim.truncated ? 'length' : 'stop';
  if (stream !== true) {
    await sleep(sim.ttftMs + sim.generationMs);
    const body = JSON.stringify({
      id, object: 'chat.completion', created, model,
      choices: [{ index: 0, message: { role: 'assistant', content: sim.text, refusal: null }, logprobs: wantLogprobs ? logprobs(sim.text, sim.confidence) : null, finish_reason: finish }],
      usage, service_tier: 'default', system_fingerprint: 'fp_emulator',
    });
    return sendBroken(res, body, sim.headers, sim.fault);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...sim.headers });
  // Chunks of one moment go out in one write, as a server flushing its buffer sends them.
  const chunk = (delta: { role?: string; content?: string }, finishReason: string | null): string => {
    const lp = wantLogprobs && delta.content ? logprobs(delta.content, sim.confidence ** (delta.content.length / Math.max(1, sim.text.length))) : null;
    return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_emulator', choices: [{ index: 0, delta, logprobs: lp, finish_reason: finishReason }] })}\n\n`;
  };
  res.write(chunk({ role: 'assistant', content: '' }, null));
  await sleep(sim.ttftMs);
  // The first token at TTFT, the rest once generation is done. A fault cuts the stream right after it.
  const cut = Math.min(4, sim.text.length);
  if (sim.fault === 'malformed') res.write('data: {"id": "chatcmpl-broken", "choices": [\n\n');
  else if (sim.text !== '') res.write(chunk({ content: sim.text.slice(0, cut) }, null));
  if (sim.fault === 'reset') return void res.destroy();
  if (sim.fault === 'truncate') return void res.end();
  if (sim.fault === 'stream-error') {
    return void res.end(`data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request (simulated, mid-stream).', type: 'server_error', param: null, code: null } })}\n\n`);
  }
  let rest = '';
  if (cut < sim.text.length) {
    await sleep(sim.generationMs);
    rest = chunk({ content: sim.text.slice(cut) }, null);
  }
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  res.end(
    rest +
    chunk({}, finish) +
    (options?.include_usage ? `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n` : '') +
    'data: [DONE]\n\n',
  );
}

/** Token log-probabilities whose sum is log(confidence), one token per four characters. */
function logprobs(text: string, confidence: number): { content: Array<{ token: string; logprob: number; bytes: number[]; top_logprobs: [] }>; refusal: null } {
  const tokens = text.match(/[\s\S]{1,4}/g) ?? [];
  const each = Math.log(confidence) / Math.max(1, tokens.length);
  return { content: tokens.map((token) => ({ token, logprob: each, bytes: [...Buffer.from(token)], top_logprobs: [] })), refusal: null };
}
