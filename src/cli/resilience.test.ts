// Issue 4, end to end: faults, the cache, resume after Ctrl-C, budgets, rate limits and secrets —
// the real CLI in-process (main(io)) against the emulator. What needs a real process (signals,
// kill -9, a closed pipe, NODE_EXTRA_CA_CERTS) is in process.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey, type Fault } from '../emulator/simulated.js';
import { requested } from '../test-support/emulator.js';
import { runCli, startCli } from '../test-support/inprocess.js';
import { readValidReport } from '../test-support/report.js';
import { assertComplete, quick, sdkEnv, TICKETS, withTickets } from '../test-support/tickets.js';
import type { ErrorKind, Report } from '../types.js';

const report = (path: string): Report => readValidReport(path);

describe('faults: no crash, the right error kind, counted, and a complete report', () => {
  const cases: Array<[string, Fault, ErrorKind | 'empty']> = [
    ['429 after every retry', { status: 429, rate: 1, retryAfterMs: 1 }, 'rate_limit'],
    ['500', { status: 500, rate: 1 }, 'server'],
    ['529', { status: 529, rate: 1 }, 'overloaded'],
    ['a connection reset mid-body', { kind: 'reset', rate: 1 }, 'connection'],
    ['a truncated stream', { kind: 'truncate', rate: 1 }, 'connection'],
    ['an error event mid-stream', { kind: 'stream-error', rate: 1 }, 'overloaded'], // OpenAI's: server
    ['malformed JSON', { kind: 'malformed', rate: 1 }, 'invalid_response'],
    ['a timeout', { kind: 'hang', rate: 1 }, 'timeout'],
    ['an empty completion', { kind: 'empty', rate: 1 }, 'empty'],
  ];
  for (const [api, model, flag] of [
    ['Anthropic', 'haiku-4.5', 'claude-haiku-4-5'],
    ['OpenAI', 'gpt-4o-mini', 'gpt-4o-mini'],
  ] as const) {
    it(`${api}, streaming: every fault in its own run, beside a healthy model`, async () => {
      // Three at a time: a loaded two-core machine must not turn healthy calls into timeouts.
      for (let at = 0; at < cases.length; at += 3)
        await Promise.all(
          cases.slice(at, at + 3).map(async ([what, fault, anthropicKind]) =>
            withTickets([quick(flag, { faults: [fault] }), quick('claude-sonnet-4-6')], async (url) => {
              const cwd = mkdtempSync(join(tmpdir(), 'tb-fault-'));
              // A hang ends at the timeout; the healthy model shares it, and on a loaded machine (load 15,
              // five test suites at once) 1 s turned some of its calls into timeouts.
              const timeout = fault.kind === 'hang' ? '3' : '30';
              const r = await runCli(
                ['run', '-m', `${model},sonnet-4.6`, '--limit', '12', '--max-retries', '0', '--timeout', timeout, '--quiet', '-o', 'r.json', TICKETS],
                sdkEnv(url),
                cwd,
              );
              assert.equal(r.code, 0, `${what}: ${r.stderr}`);
              assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
              const rep = report(join(cwd, 'r.json'));
              assertComplete(rep);
              const s = rep.summaries[0]!;
              const kind = api === 'OpenAI' && fault.kind === 'stream-error' ? 'server' : anthropicKind;
              if (kind === 'empty') {
                assert.deepEqual([s.errors.total, s.empty, s.accuracy], [0, 12, 0], what);
              } else {
                assert.deepEqual(s.errors, { total: 12, byKind: { [kind]: 12 } }, what);
                assert.equal(s.scored, 0);
              }
              assert.equal(rep.summaries[1]?.errors.total, 0);
            }),
          ),
        );
    });
  }
  it('not streaming: a reset mid-body and malformed JSON', async () => {
    for (const [fault, kind] of [
      [{ kind: 'reset', rate: 1 }, 'connection'],
      [{ kind: 'malformed', rate: 1 }, 'invalid_response'],
    ] as const) {
      await withTickets([quick('claude-haiku-4-5', { faults: [fault] }), quick('claude-sonnet-4-6')], async (url) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-fault-'));
        const r = await runCli(
          ['run', '-m', 'haiku-4.5,sonnet-4.6', '--no-stream', '--limit', '8', '--max-retries', '0', '--quiet', '-o', 'r.json', TICKETS],
          sdkEnv(url),
          cwd,
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(report(join(cwd, 'r.json')).summaries[0]?.errors, { total: 8, byKind: { [kind]: 8 } });
      });
    }
  });
  it('a mix of faults on every case: counts add up and the report is complete', async () => {
    const faults: Fault[] = [
      { status: 429, rate: 0.1, retryAfterMs: 1 },
      { status: 500, rate: 0.05 },
      { status: 529, rate: 0.05 },
      { kind: 'reset', rate: 0.05 },
      { kind: 'truncate', rate: 0.05 },
      { kind: 'stream-error', rate: 0.05 },
      { kind: 'malformed', rate: 0.05 },
      { kind: 'empty', rate: 0.05 },
    ];
    await withTickets([quick('claude-haiku-4-5', { faults })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-fault-'));
      const r = await runCli(['run', '-m', 'haiku-4.5', '-c', '32', '--quiet', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const rep = report(join(cwd, 'r.json'));
      assertComplete(rep);
      const s = rep.summaries[0]!;
      const errors = rep.results.filter((x) => x.error);
      assert.equal(s.errors.total, errors.length);
      assert.equal(s.scored + s.errors.total, 210);
      assert.ok(e.stats('claude-haiku-4-5').retries > 0, 'the SDK retried');
      // 45 % of attempts fail; the SDK's retries and three requeues leave almost none of the
      // unpaid faults. A response cut after it began was paid for: it is asked again once, not
      // three times; a body that is not JSON is not asked again (it would be, identically).
      const unpaid = s.errors.total - (s.errors.byKind.invalid_response ?? 0) - (s.errors.byKind.connection ?? 0);
      assert.ok(unpaid <= 5, `faults left after retries: ${JSON.stringify(s.errors)}`);
      for (const x of rep.results) assert.ok((x.paid ?? 0) <= 2, `case ${x.caseIndex} paid ${x.paid} times`);
      const paid = rep.results.reduce((n, x) => n + (x.paid ?? 0), 0);
      assert.deepEqual([s.requests.paid, s.requests.lost], [paid, paid - rep.results.filter((x) => x.output !== undefined).length]);
      assert.equal(
        paid,
        e.stats('claude-haiku-4-5').byStatus['200']! +
          Object.entries(e.stats('claude-haiku-4-5').byStatus)
            .filter(([k]) => !/^\d+$/.test(k))
            .reduce((n, [, v]) => n + v, 0),
        'every 2xx the server sent is counted as paid',
      );
      assert.ok(s.empty > 0, 'empty completions are answers, not errors');
    });
  });
});

describe('response cache', () => {
  it('an unchanged rerun makes no calls and costs nothing; --no-cache and cache clear call again', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-cache-'));
    const args = ['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '40', '--quiet', '-o', 'r.json', TICKETS];
    // One emulator throughout: its URL is part of the cache key, as a real endpoint's would be.
    await withTickets([quick('claude-haiku-4-5'), quick('gpt-4o-mini')], async (url, e) => {
      const r = await runCli(args, sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(e.stats().requests, 80);
      const first = report(join(cwd, 'r.json'));
      const rerun = await runCli(args, sdkEnv(url), cwd);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(e.stats().requests, 80, 'no calls');
      const again = report(join(cwd, 'r.json'));
      for (const [i, s] of again.summaries.entries()) {
        assert.equal(s.cached, 40);
        assert.equal(s.cost?.spent, 0);
        assert.ok(Math.abs((s.cost?.total ?? 0) - (first.summaries[i]?.cost?.total ?? -1)) < 1e-12, 'the price of the answers is unchanged');
        assert.equal(s.latencyMs, null, 'cached answers have no latency');
        assert.equal(s.accuracy, first.summaries[i]?.accuracy);
      }
      assert.ok(again.results.every((x) => x.cached === true));
      const fresh = await runCli([...args, '--no-cache'], sdkEnv(url), cwd);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.equal(e.stats().requests, 160, '--no-cache calls');
      const cleared = await runCli(['cache', 'clear'], {}, cwd);
      assert.match(cleared.stdout, /cleared the response cache/);
      await runCli(args, sdkEnv(url), cwd);
      assert.equal(e.stats().requests, 240, 'after cache clear');
    });
  });
});

describe('interrupts and resume', () => {
  it('Ctrl-C: in-flight calls finish, the report says interrupted, exit 130; --resume makes only the missing calls', async () => {
    await withTickets([quick('claude-haiku-4-5'), quick('claude-sonnet-4-6')], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-int-'));
      const run = startCli(['run', '-m', 'haiku-4.5,sonnet-4.6', '-c', '4', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      // As the 20th request arrives, before it is answered: at most 4 calls are in flight, it among them.
      await run.until(requested(e, 20));
      run.interrupt();
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /interrupted: no new calls/);
      const id = /--resume (\S+)/.exec(r.stderr)?.[1];
      assert.ok(id, r.stderr);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'interrupted');
      const before = e.stats().requests;
      assert.ok(before >= 20 && before <= 23, `${before} calls: the 4 in flight at the Ctrl-C finish, and no other starts`);
      assert.equal(partial.results.length, before, 'every call that was made is in the report');
      const journal = readFileSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; ms?: number });
      const segment = journal.find((l) => l.type === 'segment')?.ms ?? NaN;
      assert.ok(segment > 0 && segment <= partial.run.durationMs, `segment ${segment} ms, run ${partial.run.durationMs} ms`);
      const resumed = await runCli(['run', '--resume', id, '--quiet'], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const full = report(join(cwd, 'r.json'));
      assert.equal(full.run.status, 'complete');
      assertComplete(full);
      assert.equal(e.stats().requests, 420, 'no call made twice');
      // The interrupted segment's time was journaled, and the resumed report's duration includes it.
      assert.ok(full.run.durationMs >= segment, `${full.run.durationMs} ms in all, ${segment} ms before the interrupt`);
      assert.equal(existsSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`)), false, 'the journal is removed once complete');
    });
  });
  it('a second Ctrl-C cancels the calls in flight: none is recorded, and --resume makes them', async () => {
    // Answers that take long enough that none can arrive between the two Ctrl-Cs, however loaded the machine.
    await withTickets([quick('claude-haiku-4-5', { ttftMs: 1500 })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-int2-'));
      const run = startCli(['run', '-m', 'haiku-4.5', '-c', '4', '--limit', '12', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      await run.until(requested(e, 4));
      run.interrupt();
      await run.printed(/interrupted: no new calls/);
      run.interrupt();
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'interrupted');
      assert.equal(partial.results.length, 0, 'the cancelled calls are not results');
      assert.equal(e.stats().requests, 4, 'nothing was sent after the first Ctrl-C');
      const id = /--resume (\S+)/.exec(r.stderr)?.[1] ?? '';
      // All 12 at once: the cancelled 4 and the 8 never sent (concurrency is not part of what a run measures).
      const resumed = await runCli(['run', '--resume', id, '-c', '12', '--quiet'], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assertComplete(report(join(cwd, 'r.json')));
      assert.equal(e.stats().requests, 16, 'the resumed run made the 12');
    });
  });
  it('--resume of a run with no journal is refused, saying where it looked', async () => {
    const r = await runCli(['run', '--resume', 'no-such-run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --resume no-such-run: no run journal at /);
  });
});

describe('budget', () => {
  it('refuses a run estimated over --max-cost, saying the estimate', async () => {
    const r = await runCli(['run', '-m', 'opus', '--max-cost', '0.0001', TICKETS], sdkEnv('http://127.0.0.1:9'));
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: --max-cost 0\.0001: estimated cost \$\S+ \(at most \$\S+ if every answer used max_tokens\) for 210 calls; input sizes: opus at about 4 characters a token \(counting failed: Connection error\.\) — raise --max-cost/,
    );
  });
  it('with --yes, stops scheduling at the limit; --resume with more budget finishes', async () => {
    await withTickets([quick('claude-opus-5-5')], async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-budget-'));
      const r = await runCli(['run', '-m', 'opus', '--max-cost', '0.003', '--yes', '-c', '2', '--quiet', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /stopped at the budget: \$\S+ spent of \$0\.0030/);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'budget');
      const spent = partial.summaries[0]?.cost?.spent ?? 0;
      assert.ok(spent >= 0.003 && spent < 0.0035, `spent ${spent}`);
      const id = /--resume (\S+)/.exec(r.stderr)?.[1] ?? '';
      const more = await runCli(['run', '--resume', id, '--max-cost', '5', '--quiet'], sdkEnv(url), cwd);
      assert.equal(more.code, 0, more.stderr);
      assertComplete(report(join(cwd, 'r.json')));
    });
  });
});

describe('rate limits', () => {
  it('500 concurrent cases against a limit of 20 in flight: no case fails for rate limits', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `Message number ${i} about an order,${['Billing', 'Technical'][i % 2]}`);
    const cwd = mkdtempSync(join(tmpdir(), 'tb-rl-'));
    const file = join(cwd, 'many.csv');
    writeFileSync(file, `input,expected\n${rows.join('\n')}\n`);
    const d = await loadDataset(file);
    const e = new Emulator({ profiles: [quick('claude-haiku-4-5', { ttftMs: 20, maxConcurrent: 20 })], key: AnswerKey.fromCases(d.cases, d.inputColumn) });
    const url = await e.listen(0);
    try {
      const r = await runCli(['run', '-m', 'haiku-4.5', '-c', '500', '--quiet', '-o', 'r.json', file], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const s = report(join(cwd, 'r.json')).summaries[0]!;
      assert.ok((e.stats().byStatus['429'] ?? 0) > 0, 'the limit was hit');
      assert.equal(s.errors.total, 0, JSON.stringify(s.errors));
      assert.equal(s.scored, 500);
    } finally {
      await e.close();
    }
  });
});

describe('pacing to the advertised limits', () => {
  it('Anthropic and OpenAI shapes, limits enforced as token buckets: paced, with no case failed and at most a stray 429, and the report says so', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `Message number ${i} about an order,${['Billing', 'Technical'][i % 2]}`);
    const cwd = mkdtempSync(join(tmpdir(), 'tb-pace-'));
    const file = join(cwd, 'many.csv');
    writeFileSync(file, `input,expected\n${rows.join('\n')}\n`);
    const d = await loadDataset(file);
    // 1,200 a minute: a burst of 20, then one every 50 ms (the other 30 take 1.5 s). The token
    // limits are advertised and counted, and do not bind.
    const e = new Emulator({
      profiles: [
        quick('claude-haiku-4-5', { ttftMs: 5, rpm: 1200, itpm: 600_000, otpm: 6_000_000 }),
        quick('gpt-4o-mini', { ttftMs: 5, rpm: 1200, tpm: 60_000_000 }),
      ],
      key: AnswerKey.fromCases(d.cases, d.inputColumn),
    });
    const url = await e.listen(0);
    try {
      const r = await runCli(['run', '-m', 'haiku-4.5,gpt-4o-mini', '-c', '64', '--quiet', '-o', 'r.json', file], sdkEnv(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const rep = report(join(cwd, 'r.json'));
      for (const [i, id] of ['claude-haiku-4-5', 'gpt-4o-mini'].entries()) {
        const s = rep.summaries[i]!;
        assert.equal(s.scored, 50);
        assert.equal(s.errors.total, 0, JSON.stringify(s.errors));
        // Only the first round trip goes out before any limit is known.
        assert.ok((e.stats(id).byStatus['429'] ?? 0) <= 1, JSON.stringify(e.stats(id).byStatus));
      }
      assert.ok(
        rep.notes.some((n) =>
          /^haiku-4\.5: paced to the rate limits its provider advertised \(1,200 requests, 600,000 input tokens, 6,000,000 output tokens a minute\)/.test(n),
        ),
        rep.notes.join('\n'),
      );
      assert.ok(
        rep.notes.some((n) => /^gpt-4o-mini: paced to the rate limits its provider advertised \(1,200 requests, 60,000,000 tokens a minute\)/.test(n)),
        rep.notes.join('\n'),
      );
    } finally {
      await e.close();
    }
  });
});

describe('secrets', () => {
  it('a recognisable key appears in no file the run wrote, and not on stdout or stderr', async () => {
    const SECRET = 'sk-tierbench-SECRET-0123456789abcdef';
    await withTickets(
      [quick('claude-haiku-4-5'), quick('gpt-4o-mini')],
      async (url) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-secret-'));
        // Anthropic accepts it; OpenAI rejects it with a message that echoes the key back.
        const r = await runCli(
          ['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '30', '--max-cost', '10', '-o', 'r.json', TICKETS],
          sdkEnv(url, { ANTHROPIC_API_KEY: SECRET, OPENAI_API_KEY: `${SECRET}-wrong` }),
          cwd,
        );
        // A model stopped by a bad key: exit 3, and its journal is kept (checked below with every other file).
        assert.equal(r.code, 3, r.stderr);
        const rep = report(join(cwd, 'r.json'));
        assert.equal(rep.summaries[1]?.errors.byKind.auth !== undefined, true, 'the OpenAI model failed auth');
        assert.ok(!r.stdout.includes('SECRET') && !r.stderr.includes('SECRET'));
        const files: string[] = [];
        const walk = (dir: string): void => {
          for (const f of readdirSync(dir)) {
            const p = join(dir, f);
            if (statSync(p).isDirectory()) walk(p);
            else files.push(p);
          }
        };
        walk(cwd);
        assert.ok(
          files.some((f) => f.includes('.tierbench')),
          'the cache was written',
        );
        for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes('SECRET'), `${f} holds the key`);
      },
      ['sk-tierbench-SECRET-0123456789abcdef'],
    );
  });
});
