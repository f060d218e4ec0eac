// The Readings on their own: what each family makes of bodies real servers send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf } from '../analysis/cost.js';
import { AnthropicReading } from './anthropic.js';
import { ChatReading, openAIUsage } from './openai.js';
import { ResponsesReading } from './responses.js';

describe('usage as providers and gateways report it', () => {
  it('Anthropic: cumulative message_delta counts replace, thinking and 1-hour cache writes apart', () => {
    const r = new AnthropicReading();
    r.event(
      'message_start',
      { type: 'message_start', message: { usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } },
      0,
    );
    r.event(undefined, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }, 1);
    r.event(
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: {
          input_tokens: 10,
          output_tokens: 50,
          cache_creation_input_tokens: 3000,
          cache_read_input_tokens: 200,
          output_tokens_details: { thinking_tokens: 40 },
          cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
        },
      },
      2,
    );
    const p = r.result();
    assert.deepEqual(
      [p.text, p.complete, p.usage],
      ['Hi', true, { input: 10, output: 50, cacheWrite: 3000, cacheRead: 200, reasoning: 40, cacheWrite1h: 2000 }],
    );
    // 1-hour writes at 2x input, 5-minute ones at the 5-minute rate.
    assert.equal(costOf(p.usage!, { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 }), (10 + 1000 * 1.25 + 2000 * 2 + 200 * 0.1 + 50 * 5) / 1e6);
  });
  it("OpenAI format: cached tokens (and DeepSeek's name for them), gateways' cache writes, reasoning", () => {
    assert.deepEqual(
      openAIUsage({
        prompt_tokens: 100,
        completion_tokens: 20,
        prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 },
        completion_tokens_details: { reasoning_tokens: 12 },
      }),
      { input: 20, output: 20, cacheWrite: 50, cacheRead: 30, reasoning: 12 },
    );
    assert.deepEqual(openAIUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 60 }), {
      input: 40,
      output: 5,
      cacheWrite: 0,
      cacheRead: 60,
    });
  });
});

describe('what counts as a whole answer', () => {
  it('a stream with a finish reason but no [DONE], or [DONE] alone, is whole; neither is a cut', () => {
    const finished = new ChatReading();
    finished.event(undefined, { choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }] }, 0);
    const done = new ChatReading();
    done.event(undefined, { choices: [{ delta: { content: 'x' }, finish_reason: null }] }, 0);
    done.event(undefined, '[DONE]', 1);
    const cut = new ChatReading();
    cut.event(undefined, { choices: [{ delta: { content: 'x' }, finish_reason: null }] }, 0);
    assert.deepEqual([finished.result().complete, done.result().complete, cut.result().complete], [true, true, false]);
  });
  it('Anthropic: a stop reason without message_stop is whole (proxies drop it)', () => {
    const r = new AnthropicReading();
    r.event(undefined, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } }, 0);
    assert.equal(r.result().complete, true);
  });
  it('Responses: a response.incomplete for max_output_tokens is a truncated answer with its text', () => {
    const r = new ResponsesReading();
    r.event('response.output_text.delta', { type: 'response.output_text.delta', delta: 'Bill' }, 0);
    r.event(
      'response.incomplete',
      {
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [], usage: { input_tokens: 5, output_tokens: 1 } },
      },
      1,
    );
    const p = r.result();
    assert.deepEqual([p.text, p.truncated, p.stopReason, p.complete], ['Bill', true, 'max_output_tokens', true]);
  });
});
