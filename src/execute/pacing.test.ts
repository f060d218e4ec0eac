import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { AdaptiveLimit } from './limiter.js';
import { advertised, duration } from './pacing.js';

const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A limiter on a clock and timers the test moves. */
function clocked(t: TestContext, max = 1000) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const clock = { now: 0 };
  const limit = new AdaptiveLimit({ max, now: () => clock.now });
  const advance = async (ms: number): Promise<void> => {
    clock.now += ms;
    t.mock.timers.tick(ms);
    await settled();
  };
  /** How many of `n` requests asked at once have started. */
  const ask = (n: number, input = 0, maxTokens = 0) => {
    const started = { count: 0 };
    for (let i = 0; i < n; i++)
      void limit.acquire(input, maxTokens).then(() => {
        started.count++;
      });
    return started;
  };
  return { clock, limit, advance, ask };
}

const openAI = (limitRequests: number, remaining: number, tokens = 1_000_000_000) =>
  advertised(
    new Headers({
      'x-ratelimit-limit-requests': String(limitRequests),
      'x-ratelimit-remaining-requests': String(remaining),
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-limit-tokens': String(tokens),
      'x-ratelimit-remaining-tokens': String(tokens),
      'x-ratelimit-reset-tokens': '0s',
    }),
  );

describe('reading the advertised limits', () => {
  it("OpenAI's and Azure's x-ratelimit-* headers", () => {
    assert.deepEqual(openAI(10_000, 9_999, 2_000_000), {
      family: 'openai',
      limits: { requests: { limit: 10_000, remaining: 9_999, resetMs: 6 }, tokens: { limit: 2_000_000, remaining: 2_000_000, resetMs: 0 } },
    });
    // Azure: what remains only; and its -1 for "not reported".
    assert.deepEqual(advertised(new Headers({ 'x-ratelimit-remaining-requests': '19', 'x-ratelimit-remaining-tokens': '19913' })), {
      family: 'openai',
      limits: { requests: { remaining: 19 }, tokens: { remaining: 19913 } },
    });
    assert.equal(
      advertised(new Headers({ 'x-ratelimit-limit-tokens': '-1', 'x-ratelimit-remaining-tokens': '-1', 'x-ratelimit-reset-tokens': '0' })),
      undefined,
    );
    assert.deepEqual([duration('6m0s'), duration('1.5s'), duration('20ms'), duration('1h2m3.5s'), duration('soon')], [360_000, 1500, 20, 3_723_500, undefined]);
  });
  it("Anthropic's anthropic-ratelimit-* headers, the reset an RFC 3339 time", () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    const h = new Headers({
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': '2026-11-26T12:00:01Z',
      'anthropic-ratelimit-input-tokens-limit': '2000000',
      'anthropic-ratelimit-input-tokens-remaining': '1999000',
      'anthropic-ratelimit-input-tokens-reset': '2026-11-26T12:00:01Z',
      'anthropic-ratelimit-output-tokens-limit': '400000',
      'anthropic-ratelimit-output-tokens-remaining': '399000',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-26T12:00:01Z',
      'anthropic-ratelimit-tokens-limit': '400000',
      'anthropic-ratelimit-tokens-remaining': '399000',
      'anthropic-ratelimit-tokens-reset': '2026-11-26T12:00:01Z',
    });
    assert.deepEqual(advertised(h, now), {
      family: 'anthropic',
      limits: {
        requests: { limit: 4000, remaining: 3999, resetMs: 1000 },
        input: { limit: 2_000_000, remaining: 1_999_000, resetMs: 1000 },
        output: { limit: 400_000, remaining: 399_000, resetMs: 1000 },
      },
    });
  });
  it('nothing from servers that send no limits (vLLM, Ollama, LM Studio)', () => {
    assert.equal(advertised(new Headers({ 'content-type': 'application/json' })), undefined);
  });
});

describe('pacing to the advertised limits', () => {
  it('starts requests at the advertised rate after a burst of one second', async (t) => {
    const { limit, advance, ask } = clocked(t);
    // 6,000 a minute: 100 a second, one every 10 ms; a second's worth at once.
    limit.observe(openAI(6000, 6000)!);
    const started = ask(150);
    await settled();
    assert.equal(started.count, 100, 'a burst of one second');
    await advance(9);
    assert.equal(started.count, 100);
    await advance(1);
    assert.equal(started.count, 101, 'then one per 10 ms');
    await advance(490);
    assert.equal(started.count, 150);
    assert.equal(limit.pacedMs, 500, 'the time the line waited for the limits');
  });
  it("slows down when the server's remaining says another client spends the same key", async (t) => {
    const { limit, advance, ask } = clocked(t);
    limit.observe(openAI(6000, 6000)!);
    // Of 6,000, all but 5,905 spent: the last second's 100 less 95 are left.
    limit.observe(openAI(6000, 5905)!);
    const started = ask(10);
    await settled();
    assert.equal(started.count, 5);
    await advance(50);
    assert.equal(started.count, 10);
  });
  it('reserves max_tokens of output and gives back what the answer did not use (Anthropic)', async (t) => {
    const { limit, ask } = clocked(t);
    limit.observe(
      advertised(
        new Headers({
          'anthropic-ratelimit-requests-limit': '1000000',
          'anthropic-ratelimit-requests-remaining': '1000000',
          'anthropic-ratelimit-output-tokens-limit': '60000',
          'anthropic-ratelimit-output-tokens-remaining': '60000',
          'anthropic-ratelimit-input-tokens-limit': '1000000',
          'anthropic-ratelimit-input-tokens-remaining': '1000000',
        }),
      )!,
    );
    // 60,000 output tokens a minute: 1,000 a second; max_tokens 400 lets two start.
    const started = ask(4, 10, 400);
    await settled();
    assert.equal(started.count, 2);
    // Each answered in 50 tokens: 350 each back, and the other two start at once.
    for (let i = 0; i < 2; i++) limit.settle({ input: 10, maxTokens: 400 }, { input: 10, output: 50, cacheRead: 0, cacheWrite: 0 });
    await settled();
    assert.equal(started.count, 4);
  });
  it('gives back no more than the server, whose full bucket kept none of what overflowed', async (t) => {
    const { limit, advance, ask } = clocked(t);
    limit.observe(
      advertised(
        new Headers({
          'anthropic-ratelimit-requests-limit': '1000000',
          'anthropic-ratelimit-requests-remaining': '1000000',
          'anthropic-ratelimit-output-tokens-limit': '60000',
          'anthropic-ratelimit-output-tokens-remaining': '60000',
        }),
      )!,
    );
    // 1,000 output tokens a second. A request reserves 400; by the time its headers arrive the
    // bucket is full again.
    const first = ask(1, 0, 400);
    await settled();
    await advance(400);
    const headersArrived = limit.mark();
    // Two more start (200 left), a third waits.
    const more = ask(3, 0, 400);
    await settled();
    assert.equal(more.count, 2);
    // The first ends having used 1. The server gave its 399 back at some moment after its headers,
    // perhaps while its bucket was still full, keeping none: here too.
    limit.settle({ input: 0, maxTokens: 400 }, { input: 0, output: 1, cacheRead: 0, cacheWrite: 0 }, headersArrived);
    await settled();
    assert.equal(more.count, 2, 'not 599 left: at most the 1,000 less the 800 taken since the headers');
    await advance(200);
    assert.equal(more.count, 3);
    assert.equal(first.count, 1);
  });
  it("scales the input estimate by how the server has counted: OpenAI's tokens are never settled", async (t) => {
    const { limit } = clocked(t);
    limit.observe(openAI(1_000_000, 1_000_000, 60_000)!);
    // The estimate says 100; the server counted 130 (a tokenizer that counts 30 % more).
    const first = await limit.acquire(100, 0);
    assert.deepEqual(first, { input: 100, maxTokens: 0, estimate: 100 });
    limit.settle(first, { input: 120, output: 5, cacheRead: 10, cacheWrite: 0 });
    limit.release(false, first, 5);
    assert.deepEqual(await limit.acquire(100, 0), { input: 130, maxTokens: 0, estimate: 100 }, 'cache reads count for OpenAI');
  });
  it('pauses until the reset where a server says only that nothing remains (Azure)', async (t) => {
    const { limit, advance, ask } = clocked(t);
    limit.observe(advertised(new Headers({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1.5s' }))!);
    const started = ask(1);
    await advance(1499);
    assert.equal(started.count, 0);
    await advance(1);
    assert.equal(started.count, 1);
  });
  it('without headers, only the adaptive limit and the caps', async (t) => {
    const { limit, ask } = clocked(t, 4);
    const started = ask(10, 1000, 1000);
    await settled();
    assert.equal(started.count, 4);
    assert.deepEqual(limit.advertised, {});
    assert.equal(limit.pacedMs, 0);
  });
});
