import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openAIDuration, RateLimits } from './limits.js';
import { Emulator } from './server.js';
import { AnswerKey, answer, countTokens, type Profile, uniform } from './simulated.js';

const labels = ['Billing', 'Technical', 'Account', 'Shipping'];
const key = new AnswerKey(
  Array.from({ length: 2000 }, (_, i) => ({ needle: `ticket number ${i}`, expected: labels[i % 4] ?? 'Billing', category: i % 2 ? 'odd' : 'even' })),
);
const profile: Profile = { ids: ['m'], accuracy: 0.8, categoryAccuracy: { odd: 0.6 }, ttftMs: 100, ttftSpread: 0.3, tokensPerSec: 50 };

describe('simulated models', () => {
  it('answer the same case the same way on every run and attempt', () => {
    const a = answer(profile, 'm', key, 'ticket number 7', 's', 0);
    const b = answer(profile, 'm', key, 'ticket number 7', 's', 3);
    assert.equal(a.text, b.text);
    assert.notEqual(a.ttftMs, b.ttftMs, 'latency varies per attempt');
  });
  it('are right with the profile probability, per category', () => {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < 2000; i++) {
      const a = answer(profile, 'm', key, `Classify: ticket number ${i}`, 's', 0);
      if (a.correct) i % 2 ? odd++ : even++;
      assert.ok(labels.includes(a.text), 'a wrong answer is still a plausible label');
      assert.equal(a.correct, a.text === labels[i % 4]);
    }
    // 1,000 each: 3 standard errors are about 0.04 and 0.046
    assert.ok(Math.abs(even / 1000 - 0.8) < 0.04, `even ${even}`);
    assert.ok(Math.abs(odd / 1000 - 0.6) < 0.046, `odd ${odd}`);
  });
  it('later samples repeat the first with the profile consistency, and keep its accuracy', () => {
    let agree = 0;
    let right = 0;
    const wobbly = { ...profile, categoryAccuracy: {}, consistency: 0.5 };
    for (let i = 0; i < 2000; i++) {
      const first = answer(wobbly, 'm', key, `ticket number ${i}`, 's', 0, 0);
      const second = answer(wobbly, 'm', key, `ticket number ${i}`, 's', 0, 1);
      if (first.text === second.text) agree++;
      if (second.correct) right++;
      assert.equal(answer({ ...wobbly, consistency: 1 }, 'm', key, `ticket number ${i}`, 's', 0, 1).text, first.text);
    }
    // P(agree) = 0.5 + 0.5 · P(two independent draws agree) ≈ 0.5 + 0.5 · (0.8² + 0.2²/3) ≈ 0.83
    assert.ok(agree > 1560 && agree < 1760, `agree ${agree}`);
    assert.ok(Math.abs(right / 2000 - 0.8) < 0.03, `right ${right}`);
  });
  it('find the case by the whole prompt, a line of it, or the input inside a template', () => {
    assert.equal(key.find('ticket number 12')?.needle, 'ticket number 12');
    assert.equal(key.find('Route this:\nticket number 12\nThanks')?.needle, 'ticket number 12');
    assert.equal(key.find('Please classify «ticket number 123» now')?.needle, 'ticket number 123');
    assert.equal(key.find('nothing known'), undefined);
  });
  it('a uniform in [0, 1) that spreads', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => uniform(`x${i}`));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01);
  });
  it('count one token per four characters', () => {
    assert.deepEqual([countTokens(''), countTokens('abc'), countTokens('abcd'), countTokens('abcde')], [0, 1, 1, 2]);
  });
});

describe('emulator accounting', () => {
  const headers = 'anthropic' as const;
  it('writes a cache entry on first sight of a long marked prefix, reads it once that response began, until its TTL passes', () => {
    let now = 0;
    const e = new Emulator({ profiles: [profile], key, minCacheTokens: 1024, now: () => now });
    const system = 'x'.repeat(4096 * 2);
    const input = {
      model: 'm',
      system,
      cachePrefix: system,
      messages: [{ role: 'user', content: 'ticket number 1' }],
      maxTokens: 10,
      attempt: 0,
      thinking: {},
    };
    const first = e.simulate({ ...input, cacheTtlMs: 300_000 }, headers);
    // Sent before the first response began: it cannot read what is not written yet.
    const together = e.simulate({ ...input, cacheTtlMs: 300_000 }, headers);
    now += 10_000;
    const second = e.simulate({ ...input, cacheTtlMs: 300_000 }, headers);
    now += 299_000;
    const refreshed = e.simulate({ ...input, cacheTtlMs: 300_000 }, headers);
    now += 300_001;
    const expired = e.simulate({ ...input, cacheTtlMs: 300_000 }, headers);
    assert.ok(first.kind === 'ok' && together.kind === 'ok' && second.kind === 'ok' && refreshed.kind === 'ok' && expired.kind === 'ok');
    assert.deepEqual([first.sim.cacheWrite, first.sim.cacheRead], [2048, 0]);
    assert.deepEqual([together.sim.cacheWrite, together.sim.cacheRead], [2048, 0]);
    assert.deepEqual([second.sim.cacheWrite, second.sim.cacheRead], [0, 2048]);
    assert.deepEqual([refreshed.sim.cacheWrite, refreshed.sim.cacheRead], [0, 2048], 'a read refreshes the TTL');
    assert.deepEqual([expired.sim.cacheWrite, expired.sim.cacheRead], [2048, 0]);
    assert.equal(second.sim.promptTokens, 2048 + countTokens('ticket number 1') + 3);
  });
  it('a repeated prompt is a new sample, except at temperature 0', () => {
    const e = new Emulator({ profiles: [{ ...profile, accuracy: 0.5, consistency: 0 }], key });
    const input = {
      model: 'm',
      system: '',
      cachePrefix: '',
      messages: [{ role: 'user', content: 'ticket number 1' }],
      maxTokens: 10,
      attempt: 0,
      thinking: {},
    };
    const texts = (extra: object): Set<string> =>
      new Set(
        Array.from({ length: 20 }, () => {
          const r = e.simulate({ ...input, ...extra }, headers);
          return r.kind === 'ok' ? r.sim.text : r.kind;
        }),
      );
    assert.equal(texts({ temperature: 0 }).size, 1);
    assert.ok(texts({}).size > 1);
  });
  it('caches nothing below the minimum length, silently', () => {
    const e = new Emulator({ profiles: [profile], key });
    const r = e.simulate(
      { model: 'm', system: 'short', cachePrefix: 'short', messages: [{ role: 'user', content: 'ticket number 1' }], maxTokens: 10, attempt: 0, thinking: {} },
      headers,
    );
    assert.ok(r.kind === 'ok' && r.sim.cacheWrite === 0 && r.sim.cacheRead === 0);
  });
  it('truncates at max_tokens', () => {
    const e = new Emulator({ profiles: [{ ...profile, accuracy: 1 }], key: new AnswerKey([{ needle: 'q', expected: 'a long expected answer indeed' }]) });
    const r = e.simulate(
      { model: 'm', system: '', cachePrefix: '', messages: [{ role: 'user', content: 'q' }], maxTokens: 2, attempt: 0, thinking: {} },
      headers,
    );
    assert.ok(r.kind === 'ok' && r.sim.truncated && r.sim.outputTokens === 2 && r.sim.text === 'a long e');
  });
  it('unknown models are not found; gateway spellings are', () => {
    const e = new Emulator({ profiles: [{ ...profile, ids: ['claude-haiku-4-5'] }] });
    assert.ok(e.profileFor('anthropic/claude-haiku-4.5'));
    assert.equal(e.profileFor('claude-nope'), undefined);
  });
  it('answers 429 once its requests-per-minute are spent, with how long until one is back', () => {
    // A whole minute's burst allowed: the two requests of a 2 rpm limit at once, then none.
    const e = new Emulator({ profiles: [{ ...profile, rpm: 2 }], key, burstMs: 60_000 });
    const input = {
      model: 'm',
      system: '',
      cachePrefix: '',
      messages: [{ role: 'user', content: 'ticket number 1' }],
      maxTokens: 10,
      attempt: 0,
      thinking: {},
    };
    assert.equal(e.simulate(input, headers).kind, 'ok');
    assert.equal(e.simulate(input, headers).kind, 'ok');
    const third = e.simulate(input, headers);
    assert.ok(third.kind === 'rate_limited' && third.retryAfterS >= 29 && third.retryAfterS <= 30 && third.which === 'requests', JSON.stringify(third));
    assert.equal(third.headers['anthropic-ratelimit-requests-remaining'], '0');
  });
  it('times what it served over HTTP, per model, until its stats are reset', async () => {
    const e = new Emulator({ profiles: [{ ...profile, ids: ['fast'], ttftMs: 20, ttftSpread: 0, tokensPerSec: 0 }], key });
    const url = await e.listen();
    try {
      const ask = () =>
        fetch(`${url}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'fast', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'ticket number 3' }] }),
        }).then((r) => r.text());
      await Promise.all([ask(), ask(), ask()]);
      const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as Record<
        string,
        { requests: number; servedMs: { count: number; p50: number; p99: number } }
      >;
      assert.equal(stats.fast?.servedMs.count, 3);
      // No bound against the injected 20 ms: node starts a timer from the loop's cached time, so a
      // wait can measure a little short of it (19.997 ms on one CI run).
      assert.ok(stats.fast.servedMs.p50 > 0 && stats.fast.servedMs.p99 >= stats.fast.servedMs.p50, JSON.stringify(stats.fast.servedMs));
      await fetch(`${url}/_emulator/stats`, { method: 'DELETE' });
      assert.deepEqual(await (await fetch(`${url}/_emulator/stats`)).json(), {});
    } finally {
      await e.close();
    }
  });
});

describe('rate limits as the providers enforce them', () => {
  const limited: Profile = { ...profile, rpm: 600, tpm: 60_000, itpm: 30_000, otpm: 6_000 };
  it('Anthropic: a token bucket per dimension, replenished continuously, output reserved at max_tokens until the answer ends', () => {
    let now = Date.parse('2026-11-26T12:00:00Z');
    const limits = new RateLimits(1000, () => now);
    // 600 rpm is 10 a second: the first ten at once, the eleventh refused until 100 ms later.
    for (let i = 0; i < 10; i++) assert.equal(limits.admit('m', limited, 'anthropic', { input: 10, maxTokens: 1 }).ok, true);
    const refused = limits.admit('m', limited, 'anthropic', { input: 10, maxTokens: 1 });
    assert.ok(!refused.ok && refused.which === 'requests' && refused.retryAfterS === 1);
    now += 100;
    const next = limits.admit('m', limited, 'anthropic', { input: 10, maxTokens: 1 });
    assert.ok(next.ok);
    assert.equal(next.headers['anthropic-ratelimit-requests-limit'], '600');
    // 600 − 11 + the one replenished in 100 ms: "remaining" is a minute's view, while a second's burst is spent.
    assert.equal(next.headers['anthropic-ratelimit-requests-remaining'], '590');
    // Full again in 10 / (10 a second) = 1 s, from 12:00:00.1: whole seconds, rounded up.
    assert.equal(next.headers['anthropic-ratelimit-requests-reset'], '2026-11-26T12:00:02Z');
    assert.equal(next.headers['anthropic-ratelimit-input-tokens-remaining'], '30000', 'tokens rounded to the nearest thousand');
    // Output: 6,000 a minute is 100 a second. A request reserving 100 spends the second's worth…
    now += 10_000;
    const big = limits.admit('m', limited, 'anthropic', { input: 10, maxTokens: 100 });
    assert.ok(big.ok);
    const blocked = limits.admit('m', limited, 'anthropic', { input: 10, maxTokens: 100 });
    assert.ok(!blocked.ok && blocked.which === 'output tokens');
    // …until it ends having used 5: the other 95 come back.
    big.settle(5);
    assert.ok(limits.admit('m', limited, 'anthropic', { input: 10, maxTokens: 90 }).ok);
  });
  it('OpenAI: prompt and max_tokens count when a request starts, and a refused request still counts', () => {
    let now = 0;
    const limits = new RateLimits(1000, () => now);
    // 60,000 tpm: 1,000 a second. 600 + 400 fills it.
    const first = limits.admit('g', limited, 'openai', { input: 600, maxTokens: 400 });
    assert.ok(first.ok);
    assert.equal(first.headers['x-ratelimit-remaining-tokens'], '59000');
    assert.equal(first.headers['x-ratelimit-reset-tokens'], '1s');
    first.settle(1);
    const second = limits.admit('g', limited, 'openai', { input: 10, maxTokens: 10 });
    assert.ok(!second.ok && second.which === 'tokens', 'no refund of the unused max_tokens');
    assert.equal(second.headers['x-ratelimit-remaining-requests'], '598', 'the refused request counted');
    now += 20;
    assert.ok(limits.admit('g', limited, 'openai', { input: 10, maxTokens: 10 }).ok);
  });
  it("formats OpenAI's durations", () => {
    assert.deepEqual([openAIDuration(20), openAIDuration(1500), openAIDuration(360_000), openAIDuration(65_500)], ['20ms', '1.5s', '6m0s', '1m5s']);
  });
});
