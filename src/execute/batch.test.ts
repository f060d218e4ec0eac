// executeBatch on an in-memory batch API: chunking within the providers' limits, results matched by
// custom_id whatever their order, a job without a line recorded rather than lost, and what is
// journaled when. (End to end through both SDKs on the emulator: src/cli/batch.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchApi, BatchReply, BatchRequest } from '../providers/batch.js';
import type { Case, CaseResult, ChatRequest, ModelSpec } from '../types.js';
import { executeBatch, type SubmittedBatch } from './batch.js';
import type { Target } from './fan-out.js';

const cases: Case[] = Array.from({ length: 10 }, (_, i) => ({ index: i, id: String(i + 1), line: i + 2, vars: { q: `q${i}` }, expected: 'a' }));
const spec: ModelSpec = { name: 'm', id: 'm', api: 'openai', endpoint: 'openai', prices: null, maxTokens: 16 };
const request = (c: Case): ChatRequest => ({ messages: [{ role: 'user', content: `q${c.index}` }] });

/** A provider's batches in memory: each ends at once; `lines` says what comes back for a batch's requests. */
function fakeTarget(
  limits: { requests: number; bytes: number },
  lines: (requests: readonly BatchRequest[]) => BatchReply[] = answerAll,
  existing: Record<string, BatchRequest[]> = {},
) {
  const submitted: BatchRequest[][] = [];
  const batches = new Map(Object.entries(existing));
  const api: BatchApi = {
    limits,
    submit: async (requests) => {
      submitted.push([...requests]);
      batches.set(`b${submitted.length}`, [...requests]);
      return `b${submitted.length}`;
    },
    state: async () => ({ ended: true, counts: { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 } }),
    results: async function* (id) {
      yield* lines(batches.get(id)!);
    },
    cancel: async () => undefined,
  };
  const target: Target = {
    spec,
    cost: () => 0.25,
    provider: {
      complete: () => Promise.reject(new Error('a batch run makes no live call')),
      batch: {
        api,
        body: (req) => ({ model: 'm', messages: req.messages }),
        read: (value) => ({
          ok: true,
          text: String(value),
          usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 },
          stopReason: 'stop',
          finish: 'answered',
        }),
      },
    },
  };
  return { target, submitted };
}

/** Every request answered with its own custom_id, in reverse order (the APIs promise no order). */
const answerAll = (requests: readonly BatchRequest[]): BatchReply[] =>
  requests.map((r) => ({ customId: r.customId, ok: true as const, body: r.customId })).reverse();

/** The results by job, as recorded (scores untouched). */
const byJob = (execution: { results: Array<{ records(score: (r: CaseResult) => number | null): CaseResult[] }> }): CaseResult[] =>
  [...execution.results[0]!.records((r) => r.score)].sort((a, b) => a.caseIndex - b.caseIndex);

async function run(target: Target, open?: SubmittedBatch[]) {
  const journal: string[] = [];
  const execution = await executeBatch(cases, [target], request, {
    pollMs: 1,
    ...(open !== undefined && { open }),
    submitted: async (b) => {
      journal.push(`batch ${b.id} ${b.jobs.join(',')}`);
    },
    read: async (id) => {
      journal.push(`read ${id}`);
    },
    onResult: (_m, r, origin) => {
      journal.push(`${origin} ${r.caseIndex}`);
    },
  });
  return { execution, journal };
}

describe('executeBatch', () => {
  it('splits the jobs into batches within the request limit, and matches results by custom_id', async () => {
    const { target, submitted } = fakeTarget({ requests: 4, bytes: 1 << 20 });
    const { execution, journal } = await run(target);
    assert.deepEqual(
      submitted.map((b) => b.map((r) => r.customId)),
      [
        ['m0-j0', 'm0-j1', 'm0-j2', 'm0-j3'],
        ['m0-j4', 'm0-j5', 'm0-j6', 'm0-j7'],
        ['m0-j8', 'm0-j9'],
      ],
    );
    // Each batch journaled before any result is read; each marked read after its results.
    assert.deepEqual(journal.slice(0, 3), ['batch b1 0,1,2,3', 'batch b2 4,5,6,7', 'batch b3 8,9']);
    assert.deepEqual(journal.slice(3, 8), ['call 3', 'call 2', 'call 1', 'call 0', 'read b1']);
    const results = byJob(execution);
    for (let job = 0; job < cases.length; job++) {
      const r = results[job]!;
      assert.deepEqual([r.caseIndex, r.output, r.latencyMs, r.ttftMs, r.cost, r.paid], [job, `m0-j${job}`, null, null, 0.25, 1]);
    }
  });

  it('splits by bytes too', async () => {
    const { target, submitted } = fakeTarget({ requests: 1000, bytes: 400 });
    await run(target);
    assert.ok(submitted.length > 1, `${submitted.length} batches`);
    assert.equal(
      submitted.reduce((n, b) => n + b.length, 0),
      cases.length,
    );
  });

  it('a job without a line is an invalid_response failure; a line for another job or model is ignored', async () => {
    const { target } = fakeTarget({ requests: 100, bytes: 1 << 20 }, (requests) => [
      ...requests.slice(1).map((r) => ({ customId: r.customId, ok: true as const, body: 'a' })),
      { customId: 'm1-j0', ok: true, body: 'not mine' },
      { customId: 'nonsense', ok: true, body: 'not mine' },
    ]);
    const { execution } = await run(target);
    const first = byJob(execution)[0]!;
    assert.equal(first.error?.kind, 'invalid_response');
    assert.match(first.error?.message ?? '', /no result line in batch b1/);
    assert.equal(byJob(execution)[1]!.output, 'a');
  });

  it('re-attaches to an open batch instead of submitting its jobs again', async () => {
    // An earlier attempt submitted `old` with jobs 0–4, and did not read it.
    const old = [0, 1, 2, 3, 4].map((job) => ({ customId: `m0-j${job}`, body: {} }));
    const { target, submitted } = fakeTarget({ requests: 100, bytes: 1 << 20 }, answerAll, { old });
    const { execution, journal } = await run(target, [{ m: 0, id: 'old', jobs: [0, 1, 2, 3, 4] }]);
    assert.deepEqual(
      submitted.map((b) => b.map((r) => r.customId)),
      [['m0-j5', 'm0-j6', 'm0-j7', 'm0-j8', 'm0-j9']],
    );
    assert.equal(journal.filter((l) => l.startsWith('batch ')).length, 1, 'only the new batch journaled');
    assert.ok(journal.includes('read old') && journal.includes('read b1'));
    assert.deepEqual(
      byJob(execution).map((r) => r.output),
      cases.map((c) => `m0-j${c.index}`),
    );
  });
});
