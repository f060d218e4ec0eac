import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Case, CaseResult, ChatRequest, ModelSpec, Outcome } from '../types.js';
import { execute, type Target } from './fan-out.js';
import { Progress } from './progress.js';
import { ResultColumns } from './results.js';

const cases: Case[] = Array.from({ length: 40 }, (_, i) => ({ index: i, id: String(i + 1), line: i + 2, vars: { q: `q${i}` }, expected: 'a' }));
const spec = (name: string): ModelSpec => ({ name, id: name, api: 'openai', endpoint: 'openai', prices: null, maxTokens: 1024 });
const ok: Outcome = {
  ok: true,
  text: 'a',
  usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 },
  latencyMs: 1,
  ttftMs: null,
  retries: 0,
  stopReason: 'stop',
  finish: 'answered',
  paid: 1,
};

/** A fake model that records how many calls it has in flight. */
function target(name: string, answer: (i: number) => Outcome = () => ok, delayMs = 2): Target & { peak: number; calls: number; counter: { now: number } } {
  const t = {
    spec: spec(name),
    peak: 0,
    calls: 0,
    counter: { now: 0 },
    cost: () => 0.5,
    provider: {
      complete: async (req: ChatRequest) => {
        t.calls++;
        t.counter.now++;
        t.peak = Math.max(t.peak, t.counter.now);
        await new Promise((r) => setTimeout(r, delayMs));
        t.counter.now--;
        return answer(Number(String(req.messages[0]?.content).slice(1)));
      },
    },
  };
  return t;
}

const request = (c: Case) => ({ messages: [{ role: 'user' as const, content: c.vars.q ?? '' }], maxTokens: 5 });

describe('fan-out', () => {
  it('sends every case to every model, within the global and per-model caps', async () => {
    const shared = { now: 0 };
    const a = target('a');
    const b = target('b');
    let globalPeak = 0;
    for (const t of [a, b]) {
      const inner = t.provider.complete;
      t.provider.complete = async (r) => {
        shared.now++;
        globalPeak = Math.max(globalPeak, shared.now);
        try {
          return await inner(r);
        } finally {
          shared.now--;
        }
      };
    }
    const seen: CaseResult[] = [];
    const { results, stopped } = await execute(cases, [a, b], request, {
      concurrency: 6,
      modelConcurrency: 4,
      onResult: (_, r) => {
        seen.push(r);
      },
    });
    assert.equal(stopped.size, 0);
    assert.equal(seen.length, 80);
    assert.ok(results.every((rs) => rs.records(() => null).length === 40 && rs.records(() => null).every((r) => r.output === 'a' && r.cost === 0.5)));
    assert.ok(globalPeak <= 6 && globalPeak >= 5, `global peak ${globalPeak}`);
    assert.ok(a.peak <= 4 && b.peak <= 4, `per-model peaks ${a.peak} ${b.peak}`);
  });
  it('stops a model at its first auth failure; the others go on', async () => {
    const denied: Outcome = { ok: false, kind: 'auth', status: 401, message: 'invalid x-api-key', retries: 0 };
    const bad = target('bad', () => denied);
    const good = target('good');
    const { results, stopped } = await execute(cases, [bad, good], request, { concurrency: 4 });
    assert.equal(stopped.get(0)?.kind, 'auth');
    assert.ok(bad.calls <= 4, `bad model called ${bad.calls} times`);
    assert.equal(results[1]?.records(() => null).filter((r) => r.output === 'a').length, 40);
    assert.ok((results[0]?.records(() => null).length ?? 0) <= 4);
  });
  it('a failure that persists is data: counted on its case after the requeues, the run goes on', async () => {
    const flaky = target('f', (i) => (i % 10 === 0 ? { ok: false, kind: 'server', status: 500, message: 'oops', retries: 2 } : ok));
    const { results, stopped } = await execute(cases, [flaky], request, { concurrency: 8, requeues: 0 });
    assert.equal(stopped.size, 0);
    const errors = results[0]?.records(() => null).filter((r) => r.error) ?? [];
    assert.equal(errors.length, 4);
    assert.deepEqual(errors[0]?.error, { kind: 'server', status: 500, message: 'oops' });
    assert.equal(errors[0]?.retries, 2);
  });
  it('a transient failure goes back in the queue; its retries add up', async () => {
    let calls = 0;
    const once = target('o', (i) => (i === 3 && calls++ < 2 ? { ok: false, kind: 'connection', message: 'reset', retries: 1 } : ok));
    const { results } = await execute(cases, [once], request, { concurrency: 4 });
    const third = results[0]?.records(() => null).find((r) => r.caseIndex === 3);
    assert.equal(third?.output, 'a');
    assert.equal(third?.retries, 4, 'two requeued attempts, each with one SDK retry');
  });
});

describe('results as columns', () => {
  const answered: CaseResult = {
    caseIndex: 1,
    sample: 1,
    model: 'm',
    output: 'Paris',
    score: null,
    latencyMs: 51.25,
    ttftMs: 12.5,
    usage: { input: 10, output: 2, cacheWrite: 3, cacheRead: 4, reasoning: 1 },
    cost: 0.000125,
    retries: 2,
    paid: 2,
    finish: 'truncated',
    stopReason: 'length',
    logprob: -0.25,
  };
  const cached: CaseResult = {
    caseIndex: 0,
    sample: 0,
    model: 'm',
    output: 'Rome',
    score: null,
    latencyMs: null,
    ttftMs: null,
    usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0, estimated: true },
    cost: null,
    retries: 0,
    paid: 0,
    finish: 'answered',
    cached: true,
  };
  const failed: CaseResult = {
    caseIndex: 2,
    sample: 0,
    model: 'm',
    score: null,
    latencyMs: null,
    ttftMs: null,
    usage: null,
    cost: null,
    retries: 1,
    paid: 1,
    error: { kind: 'server', status: 500, message: 'oops' },
  };
  it('reads back as plain records exactly what was stored, nulls and absent fields included', () => {
    const store = new ResultColumns('m', 2, 6);
    store.set(3, answered);
    store.set(0, cached);
    store.set(4, failed);
    const records = store.records(() => null);
    assert.deepEqual(records, [cached, answered, failed], 'job 1 was never sent: no record');
    assert.deepEqual(JSON.parse(JSON.stringify(records)), [cached, answered, failed]);
  });
  it('scores each record as it is read, and keeps no score itself', () => {
    const store = new ResultColumns('m', 1, 1);
    store.set(0, { ...answered, caseIndex: 0, sample: 0 });
    assert.equal(store.records((r) => (r.output === 'Paris' ? 0.5 : 0))[0]?.score, 0.5);
    assert.equal(store.records(() => null)[0]?.score, null);
  });
});

describe('progress', () => {
  it('a line per model: done/total, rate, ETA, spend, errors', () => {
    let now = 0;
    const written: string[] = [];
    const p = new Progress({ mode: 'plain', models: ['haiku', 'sonnet'], total: 100, out: { write: (t) => written.push(t) }, now: () => now });
    for (let i = 0; i < 50; i++)
      p.record(0, { caseIndex: i, sample: 0, model: 'haiku', score: null, latencyMs: 1, ttftMs: null, usage: null, cost: 0.002, retries: 0 });
    p.record(1, {
      caseIndex: 0,
      sample: 0,
      model: 'sonnet',
      score: null,
      latencyMs: null,
      ttftMs: null,
      usage: null,
      cost: null,
      retries: 0,
      error: { kind: 'server', message: 'x' },
    });
    now = 10_000;
    assert.match(p.line(0), /^haiku\s+50\/100\s+5\.0\/s\s+ETA 10s\s+\$0\.10\s+0 errors$/);
    assert.match(p.line(1), /1\/100.*1 errors$/);
    p.stop();
    assert.deepEqual(written, [], 'plain mode writes only on its timer, never per case');
  });
  it('batch mode: what the batches are doing in place of a rate and an ETA', () => {
    const p = new Progress({ mode: 'plain', models: ['haiku'], total: 200, out: { write: () => undefined }, now: () => 1000 });
    p.record(0, { caseIndex: 0, sample: 0, model: 'haiku', score: null, latencyMs: null, ttftMs: null, usage: null, cost: 0.001, retries: 0 });
    p.batches(0, '2 batches: 150 processing, 49 succeeded, 1 errored');
    assert.match(p.line(0), /^haiku\s+1\/200 read\s+2 batches: 150 processing, 49 succeeded, 1 errored\s+\$0\.0010\s+0 errors$/);
    p.stop();
  });
  it('live mode redraws in place when it stops', () => {
    const written: string[] = [];
    const p = new Progress({ mode: 'live', models: ['a'], total: 1, out: { write: (t) => written.push(t) }, now: () => 0 });
    p.stop();
    assert.equal(written.length, 1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line escape is what is tested
    assert.match(written[0] ?? '', /\x1b\[2Ka\s+0\/1/);
  });
});
