import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { retryAfterMs } from '../providers/attempts.js';
import type { ModelSpec } from '../types.js';
import { ResponseCache } from './cache.js';
import { Journal } from './journal.js';
import { AdaptiveLimit } from './limiter.js';

const spec: ModelSpec = { name: 'haiku', id: 'claude-haiku-5-5', api: 'anthropic', endpoint: 'anthropic', prices: null, maxTokens: 1024 };
const request = { messages: [{ role: 'user' as const, content: 'hello' }] };
const settings = { promptCache: false as const, logprobs: false };
const answer = { text: 'hi', usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 }, stopReason: 'end_turn' };
/** Lets every promise and I/O callback ready now run (setImmediate: the tests that mock setTimeout keep this one real). */
const settled = (): Promise<void> => new Promise((r) => setImmediate(r));
/** A key shaped like ResponseCache.key's: 64 hex digits. */
const key = (name: string): string => createHash('sha256').update(name).digest('hex');

describe('response cache', () => {
  it('keys on everything that changes the answer', () => {
    const k = ResponseCache.key(spec, request, 0, settings);
    assert.equal(ResponseCache.key(spec, request, 0, settings), k);
    assert.notEqual(ResponseCache.key(spec, request, 1, settings), k, 'another sample');
    assert.notEqual(ResponseCache.key({ ...spec, id: 'claude-sonnet-5-5' }, request, 0, settings), k);
    assert.notEqual(ResponseCache.key({ ...spec, baseURL: 'http://proxy' }, request, 0, settings), k);
    assert.notEqual(ResponseCache.key({ ...spec, maxTokens: 11 }, request, 0, settings), k);
    assert.notEqual(ResponseCache.key({ ...spec, reasoning: { effort: 'low' } }, request, 0, settings), k);
    assert.notEqual(
      ResponseCache.key({ ...spec, reasoning: { effort: 'low' } }, request, 0, settings),
      ResponseCache.key({ ...spec, reasoning: { effort: 'high' } }, request, 0, settings),
    );
    assert.notEqual(ResponseCache.key(spec, { ...request, system: 'be brief' }, 0, settings), k);
    assert.notEqual(ResponseCache.key(spec, request, 0, { ...settings, temperature: 0 }), k);
  });
  it('persists across opens, expires after its TTL, and skips a line torn by a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    let now = 1_000_000;
    const a = await ResponseCache.open(dir, 60_000, () => now);
    a.set(key('k1'), answer);
    a.close();
    appendFileSync(join(dir, 'responses-v1.jsonl'), `{"k":"${key('k2')}","t":1000000,"v":{"te`);
    const b = await ResponseCache.open(dir, 60_000, () => now);
    assert.deepEqual(b.get(key('k1')), answer);
    assert.equal(b.size, 1);
    now += 60_001;
    assert.equal(b.get(key('k1')), undefined, 'expired');
    b.close();
    assert.equal(ResponseCache.clear(dir), true);
    assert.equal(ResponseCache.clear(dir), false);
  });
  it('a line of the wrong shape (edited by hand, another version) is a miss, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    for (const [name, v] of [
      ['k3', 5],
      ['k4', { text: 'x', usage: { input: 'many' } }],
      ['k5', { text: 7, usage: answer.usage, stopReason: null }],
    ] as const) {
      appendFileSync(join(dir, 'responses-v1.jsonl'), `${JSON.stringify({ k: key(name), t: Date.now(), v })}\n`);
    }
    const c = await ResponseCache.open(dir, 60_000);
    assert.deepEqual([c.get(key('k3')), c.get(key('k4')), c.get(key('k5'))], [undefined, undefined, undefined]);
    c.close();
  });
  it('keeps only an index in memory: answers are read back, in the same run and after reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    const c = await ResponseCache.open(dir, 60_000);
    const nth = (i: number) => ({ ...answer, text: `answer ${i} ${'é'.repeat(i % 700)}` });
    for (let i = 0; i < 3000; i++) c.set(key(`key${i}`), nth(i));
    // Not yet flushed: read back all the same (a duplicate case later in the same run).
    assert.deepEqual(c.get(key('key2999')), nth(2999));
    c.set(key('key7'), { ...answer, text: 'newer' });
    c.close();
    const again = await ResponseCache.open(dir, 60_000);
    assert.equal(again.size, 3000);
    // The file is over a megabyte: lines cross the chunks the index is read in.
    for (const i of [0, 1, 699, 1500, 2998, 2999]) assert.deepEqual(again.get(key(`key${i}`)), nth(i));
    assert.equal(again.get(key('key7'))?.text, 'newer', 'the latest line wins');
    assert.equal(again.get(key('key3000')), undefined);
    again.close();
  });
  it("indexes by a key's first 52 bits: two keys sharing them cost a miss, never the other's answer", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    const c = await ResponseCache.open(dir, 60_000);
    const first = `${'a'.repeat(13)}${'0'.repeat(51)}`;
    const second = `${'a'.repeat(13)}${'1'.repeat(51)}`;
    c.set(first, answer);
    c.set(second, { ...answer, text: 'other' });
    assert.equal(c.get(first), undefined);
    assert.equal(c.get(second)?.text, 'other');
    c.close();
  });
  it('stores no prompt and no key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    const c = await ResponseCache.open(dir, 60_000);
    c.set(ResponseCache.key(spec, { ...request, messages: [{ role: 'user', content: 'PRIVATE-PROMPT' }] }, 0, settings), answer);
    c.close();
    assert.doesNotMatch(readFileSync(join(dir, 'responses-v1.jsonl'), 'utf8'), /PRIVATE-PROMPT/);
  });
});

describe('journal', () => {
  it('replays the header and every result, skipping a torn last line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-journal-')), 'run.journal.jsonl');
    const j = Journal.create(path, { type: 'header', version: 1, runId: 'r1', startedAt: 'then', plan: { x: 1 }, datasetHash: 'abc' });
    const result = { caseIndex: 3, sample: 0, model: 'haiku', score: null, latencyMs: 5, ttftMs: null, usage: null, cost: null, retries: 0, output: 'x' };
    j.record(0, result);
    j.record(1, { ...result, caseIndex: 4 });
    j.close();
    appendFileSync(path, '{"type":"result","m":0,"r":{"caseIn');
    const read = await Journal.read(path, v.object({ x: v.number() }));
    assert.equal(read?.header.runId, 'r1');
    assert.deepEqual(read?.header.plan, { x: 1 });
    assert.deepEqual(
      read?.results.map((x) => [x.m, x.r.caseIndex]),
      [
        [0, 3],
        [1, 4],
      ],
    );
    const again = Journal.reopen(path);
    again.record(0, { ...result, caseIndex: 9 });
    again.close();
    assert.deepEqual(
      (await Journal.read(path, v.unknown()))?.results.map((x) => x.r.caseIndex),
      [3, 4, 9],
    );
  });
  it('adds up the time of every segment of a resumed run', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-journal-')), 'run.journal.jsonl');
    const j = Journal.create(path, { type: 'header', version: 1, runId: 'r1', startedAt: 'then', plan: {}, datasetHash: 'abc' });
    j.segment(1200.4);
    j.close();
    const again = Journal.reopen(path);
    again.segment(800);
    again.close();
    assert.equal((await Journal.read(path, v.unknown()))?.elapsedMs, 2000);
  });
  it('a line that parses but is not a journal line (edited, another version) is refused, naming the line and the fix', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-journal-')), 'run.journal.jsonl');
    const j = Journal.create(path, { type: 'header', version: 1, runId: 'r1', startedAt: 'then', plan: { x: 1 }, datasetHash: 'abc' });
    const result = { caseIndex: 3, sample: 0, model: 'haiku', score: null, latencyMs: 5, ttftMs: null, usage: null, cost: null, retries: 0 };
    j.record(0, result);
    j.close();
    appendFileSync(path, `${JSON.stringify({ type: 'result', m: 0, r: { ...result, score: 'x' } })}\n`);
    await assert.rejects(Journal.read(path, v.unknown()), {
      message: `${path}:3: r.score is "x"`,
      hint: 'delete that line to make that call again, or rerun without --resume',
    });
    await assert.rejects(Journal.read(path, v.object({ x: v.string() })), { message: `${path}:1: plan.x is 1` });
  });
  it('a write the disk refuses (/dev/full: a real ENOSPC) is kept as the failure, not thrown; nothing is written after it', async () => {
    const j = Journal.create('/dev/full', { type: 'header', version: 1, runId: 'r1', startedAt: 'then', plan: {}, datasetHash: 'abc' });
    assert.equal(j.failure?.code, 'ENOSPC');
    await j.record(0, { caseIndex: 0, sample: 0, model: 'haiku', score: null, latencyMs: 5, ttftMs: null, usage: null, cost: null, retries: 0, output: 'x' });
    assert.doesNotThrow(() => j.close());
    assert.equal(j.failure?.code, 'ENOSPC');
  });
});

describe('adaptive limit', () => {
  it('halves on throttling (once per window) and creeps back up on success', async () => {
    let now = 0;
    const l = new AdaptiveLimit({ max: 64, now: () => now, windowMs: 100 });
    l.throttled();
    l.throttled(); // same window: one congestion event
    assert.equal(l.current, 32);
    now = 150;
    l.throttled();
    assert.equal(l.current, 16);
    assert.equal(l.floor, 16);
    for (let i = 0; i < 17; i++) {
      await l.acquire();
      l.release(false);
    }
    assert.equal(l.current, 17, 'about +1 per limit-many successes');
    assert.equal(l.throttles, 3);
  });
  it('slow start: one more slot per success from `start` up to max, ended early by a throttle', async () => {
    const l = new AdaptiveLimit({ max: 64, start: 8 });
    assert.equal(l.current, 8);
    const round = async (): Promise<void> => {
      const calls = l.current;
      for (let i = 0; i < calls; i++) await l.acquire();
      for (let i = 0; i < calls; i++) l.release(false);
    };
    await round();
    assert.equal(l.current, 16, 'doubles each round trip');
    await round();
    await round();
    assert.equal(l.current, 64, 'and stops at max');
    assert.equal(l.floor, 64);
    const t = new AdaptiveLimit({ max: 64, start: 8 });
    await t.acquire();
    t.release(false);
    t.throttled();
    assert.equal(t.current, 4);
    for (let i = 0; i < 4; i++) {
      await t.acquire();
      t.release(false);
    }
    assert.equal(t.current, 5, 'after a throttle, additive increase only');
  });
  it('fills the slots the limit grows by, also when every case is already waiting', async () => {
    const l = new AdaptiveLimit({ max: 100, start: 2 });
    let inFlight = 0;
    let peak = 0;
    const job = async (): Promise<void> => {
      await l.acquire();
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      l.release(false);
    };
    // 60 jobs, all waiting from the start: rounds of 2, 4, 8, 16, then the 30 left at once.
    await Promise.all(Array.from({ length: 60 }, job));
    assert.ok(peak >= 16, `peak ${peak} in flight`);
  });
  it('never lets more than the limit in, and pauses for retry-after', async (t) => {
    // The limiter's clock and its timers both in the test's hands: what happens before and at the
    // end of the pause, without waiting for it.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const l = new AdaptiveLimit({ max: 2, now: () => now });
    await l.acquire();
    await l.acquire();
    let third = false;
    const p = l.acquire().then(() => {
      third = true;
    });
    await settled();
    assert.equal(third, false);
    l.release(false);
    await p;
    assert.equal(third, true);
    l.release(false);
    l.release(false);
    l.pause(60);
    let resumed = false;
    const q = l.acquire().then(() => {
      resumed = true;
    });
    now = 59;
    t.mock.timers.tick(59);
    await settled();
    assert.equal(resumed, false, 'still paused 1 ms before the end');
    now = 60;
    t.mock.timers.tick(1);
    await q;
    assert.equal(resumed, true);
  });
  it('paces request starts under --rpm', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const l = new AdaptiveLimit({ max: 10, rpm: 600, now: () => now });
    await l.acquire();
    l.release(false);
    let second = false;
    const p = l.acquire().then(() => {
      second = true;
    });
    now = 99;
    t.mock.timers.tick(99);
    await settled();
    assert.equal(second, false, '600 rpm: one start per 100 ms');
    now = 100;
    t.mock.timers.tick(1);
    await p;
    assert.equal(second, true);
  });
  it('reads retry-after-ms and retry-after', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' })), 250);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '3' })), 3000);
    assert.equal(retryAfterMs(new Headers({})), undefined);
  });
});
