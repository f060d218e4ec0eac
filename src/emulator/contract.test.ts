// The emulator against the SDKs' own types (issue 13): every mode's responses are validated with
// JSON Schemas generated from the installed SDKs' type definitions (test-support/sdk-contract.ts),
// closed to fields the types do not declare. An SDK upgrade that adds a required field, or an
// emulator change that drops or misspells one, fails here.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { pieces } from '../providers/body.js';
import { withEmulator } from '../test-support/emulator.js';
import { type Check, type SdkType, sdkContract } from '../test-support/sdk-contract.js';
import type { Emulator } from './server.js';
import type { Fault, Profile, Quirk } from './simulated.js';

const profile = (id: string, extra: Partial<Profile> = {}): Profile => ({ ids: [id], accuracy: 0.5, ttftMs: 0, tokensPerSec: 0, ...extra });
const faults = (...list: Fault[]): Partial<Profile> => ({ faults: list });
const quirks = (...list: Quirk[]): Partial<Profile> => ({ quirks: list });

/** The modes whose answers follow the SDK types (the others are gateways' own shapes, below). */
const PROFILES: Profile[] = [
  profile('ok'),
  profile('think', { thinking: { tokens: 30 } }),
  profile('refuse', faults({ kind: 'refusal', rate: 1 })),
  profile('json', quirks('json-for-stream')),
  profile('sse', quirks('sse-for-plain')),
  profile('bare', quirks('no-event-lines')),
  profile('wire', quirks('gzip', 'split', 'noise')),
  profile('nousage', quirks('no-usage')),
  profile('spend', faults({ kind: 'spend-limit', rate: 1 })),
  profile('e500', faults({ status: 500, rate: 1 })),
  profile('e529', faults({ status: 529, rate: 1 })),
  profile('e429', faults({ status: 429, rate: 1, retryAfterMs: 1 })),
  profile('flag', { flag: 'FLAGGED' }),
];

/** Events the `noise` quirk adds on purpose (a ping, one from a later API version): outside the SDK types, and to be skipped. */
const NOISE = ['ping', 'future_event'];

interface Answer {
  status: number;
  json?: unknown;
  events: Array<{ event?: string; data: unknown }>;
}

async function post(url: string, path: string, body: object, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer: Answer = { status: response.status, events: [] };
  for await (const piece of pieces(response.body, 5_000)) {
    if (piece.kind === 'json') answer.json = piece.value;
    else if (piece.data !== '[DONE]') answer.events.push({ event: piece.event, data: JSON.parse(piece.data) });
  }
  return answer;
}

let checks: Record<SdkType, Check>;
const problems: string[] = [];
function expect(type: SdkType, value: unknown, where: string): void {
  for (const p of checks[type](value)) problems.push(`${where}: ${type} ${p}`);
}

describe('emulator responses match the SDK types', () => {
  before(() => {
    checks = sdkContract();
  });

  it('a value missing a required field fails, and names it', () => {
    const message = {
      id: 'm',
      type: 'message',
      role: 'assistant',
      model: 'x',
      content: [],
      container: null,
      diagnostics: null,
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      usage: {
        input_tokens: 1,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: null,
        speed: null,
      },
    };
    assert.deepEqual(checks.AnthropicMessage(message), []);
    const { stop_details: _, ...without } = message;
    assert.deepEqual(checks.AnthropicMessage(without), ["/ must have required property 'stop_details'"]);
    assert.deepEqual(checks.AnthropicMessage({ ...message, stop_detail: null }), ["/ must NOT have additional properties 'stop_detail'"]);
  });

  it('Anthropic Messages: every mode, streamed and plain, answers and errors', async () => {
    await withEmulator({ profiles: PROFILES }, async (url) => {
      const headers = { 'x-api-key': 'k', 'anthropic-version': '2026-10-21' };
      for (const p of PROFILES) {
        const id = p.ids[0]!;
        for (const stream of [false, true]) {
          for (const maxTokens of [64, 1]) {
            const where = `anthropic ${id} stream=${stream} max_tokens=${maxTokens}`;
            const a = await post(
              url,
              '/v1/messages',
              { model: id, max_tokens: maxTokens, stream, messages: [{ role: 'user', content: 'Where is my order? FLAGGED' }] },
              headers,
            );
            if (a.status !== 200) expect('AnthropicErrorResponse', a.json, where);
            else if (a.json !== undefined) expect('AnthropicMessage', a.json, where);
            // The SDK handles ping and error events before its event union.
            for (const e of a.events)
              if (![...NOISE, 'error'].includes((e.data as { type: string }).type)) expect('AnthropicRawMessageStreamEvent', e.data, `${where} ${e.event}`);
            assert.ok(a.json !== undefined || a.events.length > 0, where);
          }
        }
      }
      const unauthorized = await post(
        url,
        '/v1/messages',
        { model: 'ok', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        { 'anthropic-version': '2026-10-21' },
      );
      expect('AnthropicErrorResponse', unauthorized.json, 'anthropic 401');
      const missing = await post(url, '/v1/messages', { model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, headers);
      expect('AnthropicErrorResponse', missing.json, 'anthropic 404');
      const count = await post(url, '/v1/messages/count_tokens', { model: 'ok', messages: [{ role: 'user', content: 'hello there' }] }, headers);
      expect('AnthropicMessageTokensCount', count.json, 'anthropic count_tokens');
    });
    assert.deepEqual(problems.splice(0), []);
  });

  it('OpenAI Chat Completions and the Responses API: every mode, streamed and plain, answers and errors', async () => {
    await withEmulator({ profiles: PROFILES }, async (url) => {
      const headers = { authorization: 'Bearer k' };
      for (const p of PROFILES) {
        const id = p.ids[0]!;
        for (const stream of [false, true]) {
          for (const maxTokens of [64, 1]) {
            const where = `${id} stream=${stream} max_tokens=${maxTokens}`;
            const chat = await post(
              url,
              '/v1/chat/completions',
              {
                model: id,
                max_tokens: maxTokens,
                stream,
                logprobs: true,
                ...(stream && { stream_options: { include_usage: true } }),
                messages: [
                  { role: 'system', content: 'Be brief.' },
                  { role: 'user', content: 'Where is my order? FLAGGED' },
                ],
              },
              headers,
            );
            // Azure's prompt filter sends `type: null`, which OpenAI's types do not allow: its own documented shape.
            if (id === 'flag') assert.equal((chat.json as { error: { code: string } }).error.code, 'content_filter');
            else if (chat.status !== 200) expect('OpenAIErrorBody', chat.json, `chat ${where}`);
            else if (chat.json !== undefined) expect('OpenAIChatCompletion', chat.json, `chat ${where}`);
            for (const e of chat.events) expect('OpenAIChatCompletionChunk', e.data, `chat ${where}`);
            const responses = await post(
              url,
              '/v1/responses',
              { model: id, max_output_tokens: maxTokens, stream, instructions: 'Be brief.', input: [{ role: 'user', content: 'Where is my order? FLAGGED' }] },
              headers,
            );
            if (responses.status !== 200) expect('OpenAIErrorBody', responses.json, `responses ${where}`);
            else if (responses.json !== undefined) expect('OpenAIResponse', responses.json, `responses ${where}`);
            for (const e of responses.events)
              if (!NOISE.includes((e.data as { type: string }).type)) expect('OpenAIResponseStreamEvent', e.data, `responses ${where}`);
          }
        }
      }
      for (const path of ['/v1/chat/completions', '/v1/responses']) {
        expect('OpenAIErrorBody', (await post(url, path, { model: 'ok', messages: [], input: 'x' }, {})).json, `${path} 401`);
        expect(
          'OpenAIErrorBody',
          (await post(url, path, { model: 'nope', messages: [{ role: 'user', content: 'x' }], input: 'x' }, headers)).json,
          `${path} 404`,
        );
      }
    });
    assert.deepEqual(problems.splice(0), []);
  });

  it('the batch APIs through both SDKs: batches, files, results of every mode, expiry and cancellation', async () => {
    const { Anthropic } = await import('@anthropic-ai/sdk');
    const { OpenAI, toFile } = await import('openai');
    // Every mode's answer and error, as a batch's lines; then a batch whose window closes after one request, and one canceled.
    const batchProfiles = PROFILES.filter((p) => !['json', 'sse', 'bare', 'wire'].includes(p.ids[0]!));
    const clients = (url: string) => ({
      anthropic: new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 }),
      openai: new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0 }),
    });
    const message = (id: string, content = 'Where is my order? FLAGGED') => ({ model: id, max_tokens: 64, messages: [{ role: 'user' as const, content }] });
    const until = async <T>(get: () => Promise<T>, done: (t: T) => boolean): Promise<T> => {
      for (;;) {
        const t = await get();
        if (done(t)) return t;
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const anthropicBatch = async (e: Emulator, url: string, ids: string[]) => {
      const { anthropic } = clients(url);
      const created = await anthropic.messages.batches.create({ requests: ids.map((id, i) => ({ custom_id: `r-${i}`, params: message(id) })) });
      expect('AnthropicMessageBatch', created, 'anthropic batch created');
      assert.equal(created.processing_status, 'in_progress');
      if (e.batches.settings.hold) {
        const canceling = await anthropic.messages.batches.cancel(created.id);
        expect('AnthropicMessageBatch', canceling, 'anthropic batch canceling');
        assert.equal(canceling.processing_status, 'canceling');
        e.batches.release();
      }
      const ended = await until(
        () => anthropic.messages.batches.retrieve(created.id),
        (b) => b.processing_status === 'ended',
      );
      expect('AnthropicMessageBatch', ended, 'anthropic batch ended');
      const lines = [];
      for await (const line of await anthropic.messages.batches.results(created.id)) {
        expect('AnthropicMessageBatchIndividualResponse', line, `anthropic result ${line.custom_id}`);
        lines.push(line);
      }
      assert.equal(lines.length, ids.length);
      return { ended, kinds: lines.map((l) => l.result.type) };
    };
    const openaiBatch = async (e: Emulator, url: string, ids: string[]) => {
      const { openai } = clients(url);
      const jsonl = ids.map((id, i) => JSON.stringify({ custom_id: `r-${i}`, method: 'POST', url: '/v1/chat/completions', body: message(id) })).join('\n');
      // One model per input file, as OpenAI requires: a batch per id.
      const statuses: string[] = [];
      for (const [i, line] of jsonl.split('\n').entries()) {
        const file = await openai.files.create({ file: await toFile(Buffer.from(line), 'in.jsonl'), purpose: 'batch' });
        expect('OpenAIFileObject', file, 'openai file');
        const created = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        expect('OpenAIBatch', created, 'openai batch created');
        if (e.batches.settings.hold) {
          const cancelling = await openai.batches.cancel(created.id);
          expect('OpenAIBatch', cancelling, 'openai batch cancelling');
          assert.equal(cancelling.status, 'cancelling');
          e.batches.release();
          e.batches.settings.hold = true;
        }
        const ended = await until(
          () => openai.batches.retrieve(created.id),
          (b) => ['completed', 'expired', 'cancelled', 'failed'].includes(b.status),
        );
        expect('OpenAIBatch', ended, `openai batch ${ids[i]}`);
        statuses.push(ended.status);
        for (const fileId of [ended.output_file_id, ended.error_file_id]) {
          if (fileId === undefined) continue;
          for (const text of (await (await openai.files.content(fileId)).text()).trim().split('\n')) {
            const out = JSON.parse(text) as { custom_id: string; response: { status_code: number; body: unknown } | null; error: unknown };
            assert.deepEqual(Object.keys(out).sort(), ['custom_id', 'error', 'id', 'response']);
            if (out.response === null) assert.match(String((out.error as { code: string }).code), /^batch_(expired|cancelled)$/);
            else if (ids[i] === 'flag') assert.equal((out.response.body as { error: { code: string } }).error.code, 'content_filter');
            else expect(out.response.status_code === 200 ? 'OpenAIChatCompletion' : 'OpenAIErrorBody', out.response.body, `openai ${ids[i]} line`);
          }
        }
      }
      return statuses;
    };
    const ids = batchProfiles.map((p) => p.ids[0]!);
    await withEmulator({ profiles: batchProfiles, batches: { startMs: 1 } }, async (url, e) => {
      const { kinds } = await anthropicBatch(e, url, ids);
      assert.ok(kinds.includes('succeeded') && kinds.includes('errored'), kinds.join());
      assert.ok((await openaiBatch(e, url, ids)).every((s) => s === 'completed'));
    });
    await withEmulator({ profiles: batchProfiles, batches: { startMs: 1, expireAfter: 1, concurrency: 1 } }, async (url, e) => {
      const { ended, kinds } = await anthropicBatch(e, url, ['ok', 'ok', 'ok']);
      assert.deepEqual(ended.request_counts, { processing: 0, succeeded: 1, errored: 0, canceled: 0, expired: 2 });
      assert.deepEqual(kinds.sort(), ['expired', 'expired', 'succeeded']);
      const { openai } = clients(url);
      const file = await openai.files.create({
        file: await toFile(
          Buffer.from(['a', 'b'].map((c) => JSON.stringify({ custom_id: c, method: 'POST', url: '/v1/chat/completions', body: message('ok') })).join('\n')),
          'in.jsonl',
        ),
        purpose: 'batch',
      });
      const b = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const ended2 = await until(
        () => openai.batches.retrieve(b.id),
        (x) => x.status === 'expired',
      );
      expect('OpenAIBatch', ended2, 'openai batch expired');
      assert.deepEqual(ended2.request_counts, { total: 2, completed: 1, failed: 1 });
    });
    await withEmulator({ profiles: batchProfiles, batches: { startMs: 1, hold: true } }, async (url, e) => {
      const { ended, kinds } = await anthropicBatch(e, url, ['ok', 'ok']);
      assert.ok(ended.cancel_initiated_at !== null);
      assert.deepEqual(kinds, ['canceled', 'canceled']);
      e.batches.settings.hold = true;
      assert.deepEqual(await openaiBatch(e, url, ['ok']), ['cancelled']);
    });
    await withEmulator({ profiles: batchProfiles }, async (url) => {
      const { anthropic, openai } = clients(url);
      // Refused as the real APIs refuse: a custom_id outside the pattern, a duplicate; an input file of two models, a window not offered.
      await assert.rejects(anthropic.messages.batches.create({ requests: [{ custom_id: 'has space', params: message('ok') }] }), /custom_id/);
      await assert.rejects(
        anthropic.messages.batches.create({
          requests: [
            { custom_id: 'a', params: message('ok') },
            { custom_id: 'a', params: message('ok') },
          ],
        }),
        /duplicate/,
      );
      const lines = ['ok', 'think'].map((id, i) => JSON.stringify({ custom_id: `r${i}`, method: 'POST', url: '/v1/chat/completions', body: message(id) }));
      const file = await openai.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'in.jsonl'), purpose: 'batch' });
      const b = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const failed = await until(
        () => openai.batches.retrieve(b.id),
        (x) => x.status === 'failed',
      );
      expect('OpenAIBatch', failed, 'openai batch failed');
      assert.equal(failed.errors?.data?.[0]?.code, 'mismatched_model');
      await assert.rejects(
        openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '48h' as '24h' }),
        /completion_window/,
      );
    });
    assert.deepEqual(problems.splice(0), []);
  });
});
