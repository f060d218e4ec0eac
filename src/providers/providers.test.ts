// The adapters on their own, through the real SDKs against the emulator: what a single call does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fault, Profile } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import type { ModelSpec } from '../types.js';
import { RETRY_AFTER_CAP_MS } from './attempts.js';
import { createProvider } from './provider.js';

const profile = (id: string, faults: Fault[]): Profile => ({ ids: [id], accuracy: 1, ttftMs: 1, tokensPerSec: 0, faults });
const spec = (api: 'anthropic' | 'openai', id: string, url: string): ModelSpec => ({
  name: id,
  id,
  api,
  endpoint: 'emu',
  baseURL: api === 'openai' ? `${url}/v1` : url,
  prices: null,
  maxTokens: 16,
});
const options = { apiKey: 'k', maxRetries: 3, timeoutMs: 5_000, deadlineMs: 30_000, stream: true };
const request = { messages: [{ role: 'user' as const, content: 'hello' }] };

describe('retry-after', () => {
  it(`past ${RETRY_AFTER_CAP_MS / 1000} s the SDK does not sleep it: the failure comes back at once, for the scheduler to pace`, async () => {
    const hour: Fault[] = [{ status: 429, rate: 1, retryAfterS: 3600 }];
    await withEmulator({ profiles: [profile('a-hour', hour), profile('o-hour', hour)] }, async (url, e) => {
      for (const [api, id] of [
        ['anthropic', 'a-hour'],
        ['openai', 'o-hour'],
      ] as const) {
        const provider = await createProvider(spec(api, id, url), options);
        const outcome = await provider.complete(request);
        assert.ok(!outcome.ok && outcome.kind === 'rate_limit' && outcome.retries === 0, `${id}: ${JSON.stringify(outcome)}`);
        assert.equal(e.stats(id).requests, 1, `${id}: one request, no retry`);
      }
    });
  });
  it('below it the SDK retries as usual', async () => {
    await withEmulator({ profiles: [profile('o-short', [{ status: 429, rate: 1, retryAfterMs: 5 }])] }, async (url, e) => {
      const outcome = await (await createProvider(spec('openai', 'o-short', url), options)).complete(request);
      assert.ok(!outcome.ok && outcome.kind === 'rate_limit' && outcome.retries === 3);
      assert.equal(e.stats('o-short').requests, 4);
    });
  });
});
