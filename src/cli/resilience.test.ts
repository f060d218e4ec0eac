// Issue 4, end to end: faults, the cache, resume after Ctrl-C and kill -9, budgets, rate limits
// and secrets — the real CLI in a child process against the emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey, type Fault, type Profile } from '../emulator/simulated.js';
import { type CliResult, cli } from '../test-support/cli.js';
import { withEmulator as withAnEmulator } from '../test-support/emulator.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import type { ErrorKind, Report } from '../types.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;
const key = await (async () => {
  const d = await loadDataset(TICKETS);
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();
const quick = (id: string, extra: Partial<Profile> = {}): Profile => ({ ids: [id], accuracy: 0.9, ttftMs: 2, tokensPerSec: 0, ...extra });
const env = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ANTHROPIC_BASE_URL: url,
  OPENAI_BASE_URL: `${url}/v1`,
  ANTHROPIC_API_KEY: 'test-key',
  OPENAI_API_KEY: 'test-key',
  ...extra,
});
const report = (path: string): Report => readValidReport(path);

/** The shared helper, with this file's answer key. */
const withEmulator = <T>(profiles: Profile[], fn: (url: string, emulator: Emulator) => Promise<T>, apiKeys?: string[]): Promise<T> =>
  withAnEmulator({ profiles, key, ...(apiKeys && { apiKeys }) }, fn);

/** Starts the CLI and lets the test signal it; resolves with its result. */
function start(args: string[], environment: Record<string, string>, cwd: string): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [`${ROOT}bin/tierbench.js`, ...args], { env: { PATH: process.env.PATH ?? '', ...environment }, cwd });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c;
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c;
  });
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr })),
  );
  return { child, done };
}

/** Waits until the run's journal holds at least `results` results (whatever the machine's load). */
async function journaled(cwd: string, results: number): Promise<void> {
  const runs = join(cwd, '.tierbench', 'runs');
  for (let waited = 0; waited < 20_000; waited += 25) {
    const file = existsSync(runs) ? readdirSync(runs).find((f) => f.endsWith('.journal.jsonl')) : undefined;
    if (file !== undefined && readFileSync(join(runs, file), 'utf8').split('\n').length > results + 1) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the run journaled nothing in 20 s');
}

/** Every (case, sample) of every model exactly once. */
function assertComplete(r: Report, samples = 1): void {
  for (const m of r.models) {
    const seen = r.results.filter((x) => x.model === m.name).map((x) => `${x.caseIndex}:${x.sample}`);
    assert.equal(seen.length, r.dataset.cases * samples, `${m.name}: ${seen.length} results`);
    assert.equal(new Set(seen).size, seen.length, `${m.name}: a case twice`);
  }
}

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
            withEmulator([quick(flag, { faults: [fault] }), quick('claude-sonnet-4-6')], async (url) => {
              const cwd = mkdtempSync(join(tmpdir(), 'tb-fault-'));
              const timeout = fault.kind === 'hang' ? '1' : '30';
              const r = await cli(
                ['run', '-m', `${model},sonnet-4.6`, '--limit', '12', '--max-retries', '0', '--timeout', timeout, '--quiet', '-o', 'r.json', TICKETS],
                env(url),
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
      await withEmulator([quick('claude-haiku-4-5', { faults: [fault] }), quick('claude-sonnet-4-6')], async (url) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-fault-'));
        const r = await cli(
          ['run', '-m', 'haiku-4.5,sonnet-4.6', '--no-stream', '--limit', '8', '--max-retries', '0', '--quiet', '-o', 'r.json', TICKETS],
          env(url),
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
    await withEmulator([quick('claude-haiku-4-5', { faults })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-fault-'));
      const r = await cli(['run', '-m', 'haiku-4.5', '-c', '32', '--quiet', '-o', 'r.json', TICKETS], env(url), cwd);
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
    await withEmulator([quick('claude-haiku-4-5'), quick('gpt-4o-mini')], async (url, e) => {
      const r = await cli(args, env(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(e.stats().requests, 80);
      const first = report(join(cwd, 'r.json'));
      const rerun = await cli(args, env(url), cwd);
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
      const fresh = await cli([...args, '--no-cache'], env(url), cwd);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.equal(e.stats().requests, 160, '--no-cache calls');
      const cleared = await cli(['cache', 'clear'], {}, cwd);
      assert.match(cleared.stdout, /cleared the response cache/);
      await cli(args, env(url), cwd);
      assert.equal(e.stats().requests, 240, 'after cache clear');
    });
  });
});

describe('interrupts and resume', () => {
  const slow = [quick('claude-haiku-4-5', { ttftMs: 60 }), quick('claude-sonnet-4-6', { ttftMs: 60 })];
  it('Ctrl-C: in-flight calls finish, the report says interrupted, exit 130; --resume makes only the missing calls', async () => {
    await withEmulator(slow, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-int-'));
      const run = start(['run', '-m', 'haiku-4.5,sonnet-4.6', '-c', '4', '-o', 'r.json', TICKETS], env(url), cwd);
      await journaled(cwd, 20);
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /interrupted: no new calls/);
      const id = /--resume (\S+)/.exec(r.stderr)?.[1];
      assert.ok(id, r.stderr);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'interrupted');
      const before = e.stats().requests;
      assert.ok(before > 0 && before < 420, `${before} calls before the interrupt`);
      assert.equal(partial.results.length, before, 'every call that was made is in the report');
      const journal = readFileSync(join(cwd, '.tierbench', 'runs', `${id}.journal.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; ms?: number });
      const segment = journal.find((l) => l.type === 'segment')?.ms ?? NaN;
      assert.ok(segment > 0 && segment <= partial.run.durationMs, `segment ${segment} ms, run ${partial.run.durationMs} ms`);
      const resumed = await cli(['run', '--resume', id, '--quiet'], env(url), cwd);
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
  it('SIGTERM (a cancelled CI job) is taken as a Ctrl-C: the calls in flight finish, the report is written, exit 130', async () => {
    await withEmulator(slow, async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-term-'));
      const run = start(['run', '-m', 'haiku-4.5', '-c', '4', '-o', 'r.json', TICKETS], env(url), cwd);
      await journaled(cwd, 8);
      run.child.kill('SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      assert.equal(report(join(cwd, 'r.json')).run.status, 'interrupted');
      assert.match(r.stderr, /--resume \S+/);
    });
  });
  it("a second Ctrl-C also cancels a call sleeping in the SDK's backoff, sends nothing more, and the process exits", { timeout: 20_000 }, async () => {
    // The openai SDK sleeps through its backoff without watching the abort signal: 40 s here,
    // which the hang guard above would catch.
    await withEmulator([quick('gpt-4o-mini', { faults: [{ status: 429, rate: 1, retryAfterS: 40 }] })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-int3-'));
      const run = start(['run', '-m', 'gpt-4o-mini', '-c', '2', '--limit', '4', '--max-retries', '2', '-o', 'r.json', TICKETS], env(url), cwd);
      for (let waited = 0; e.stats().requests < 2 && waited < 10_000; waited += 25) await new Promise((r) => setTimeout(r, 25));
      run.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      assert.equal(report(join(cwd, 'r.json')).run.status, 'interrupted');
      assert.equal(e.stats('gpt-4o-mini').retries, 0, 'no retry was sent after the abort');
    });
  });
  it('a second Ctrl-C cancels the calls in flight: none is recorded, and --resume makes them', async () => {
    await withEmulator([quick('claude-haiku-4-5', { ttftMs: 1500 })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-int2-'));
      const run = start(['run', '-m', 'haiku-4.5', '-c', '4', '--limit', '12', '-o', 'r.json', TICKETS], env(url), cwd);
      for (let waited = 0; e.stats().requests < 4 && waited < 20_000; waited += 25) await new Promise((r) => setTimeout(r, 25));
      run.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'interrupted');
      assert.equal(partial.results.length, 0, 'the cancelled calls are not results');
      const id = /--resume (\S+)/.exec(r.stderr)?.[1] ?? '';
      const resumed = await cli(['run', '--resume', id, '--quiet'], env(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assertComplete(report(join(cwd, 'r.json')));
    });
  });
  it('kill -9: resume repeats at most the calls that were in flight', async () => {
    await withEmulator(slow, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-kill-'));
      const run = start(['run', '-m', 'haiku-4.5,sonnet-4.6', '-c', '8', '--no-cache', '--quiet', '-o', 'r.json', TICKETS], env(url), cwd);
      await journaled(cwd, 40);
      run.child.kill('SIGKILL');
      await run.done;
      const runs = join(cwd, '.tierbench', 'runs');
      const journal = readdirSync(runs).find((f) => f.endsWith('.journal.jsonl'));
      assert.ok(journal, 'the journal survived');
      const served = e.stats().succeeded;
      const resumed = await cli(['run', '--resume', join(runs, journal), '--quiet'], env(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assertComplete(report(join(cwd, 'r.json')));
      const repeated = e.stats().succeeded - 420;
      assert.ok(served > 0 && repeated <= 8, `repeated paid calls: ${repeated}`);
    });
  });
  it('a data file that changed since the run started is refused', async () => {
    const r = await cli(['run', '--resume', 'no-such-run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --resume no-such-run: no run journal at /);
  });
});

describe('output', () => {
  it('a reader that closes the pipe early ends the run quietly, with its report written', async () => {
    await withEmulator([quick('claude-haiku-4-5')], async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-pipe-'));
      const run = start(['run', '-m', 'haiku-4.5', '--json', '-o', 'r.json', TICKETS], env(url), cwd);
      run.child.stdout?.destroy();
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(report(join(cwd, 'r.json')).run.status, 'complete');
    });
  });
});

describe('budget', () => {
  it('refuses a run estimated over --max-cost, saying the estimate', async () => {
    const r = await cli(['run', '-m', 'opus', '--max-cost', '0.0001', TICKETS], env('http://127.0.0.1:9'));
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: --max-cost 0\.0001: estimated cost \$\S+ \(at most \$\S+ if every answer used max_tokens\) for 210 calls; input sizes: opus at about 4 characters a token \(counting failed: Connection error\.\) — raise --max-cost/,
    );
  });
  it('with --yes, stops scheduling at the limit; --resume with more budget finishes', async () => {
    await withEmulator([quick('claude-opus-5-5')], async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-budget-'));
      const r = await cli(['run', '-m', 'opus', '--max-cost', '0.003', '--yes', '-c', '2', '--quiet', '-o', 'r.json', TICKETS], env(url), cwd);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /stopped at the budget: \$\S+ spent of \$0\.0030/);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'budget');
      const spent = partial.summaries[0]?.cost?.spent ?? 0;
      assert.ok(spent >= 0.003 && spent < 0.0035, `spent ${spent}`);
      const id = /--resume (\S+)/.exec(r.stderr)?.[1] ?? '';
      const more = await cli(['run', '--resume', id, '--max-cost', '5', '--quiet'], env(url), cwd);
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
    (await import('node:fs')).writeFileSync(file, `input,expected\n${rows.join('\n')}\n`);
    const d = await loadDataset(file);
    const e = new Emulator({ profiles: [quick('claude-haiku-4-5', { ttftMs: 20, maxConcurrent: 20 })], key: AnswerKey.fromCases(d.cases, d.inputColumn) });
    const url = await e.listen(0);
    try {
      const r = await cli(['run', '-m', 'haiku-4.5', '-c', '500', '--quiet', '-o', 'r.json', file], env(url), cwd);
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

describe('behind a corporate proxy', () => {
  it('HTTPS_PROXY: an HTTPS API reached through a CONNECT tunnel, its certificate checked against NODE_EXTRA_CA_CERTS', async () => {
    // A child process: NODE_EXTRA_CA_CERTS is read when Node starts.
    await withEmulator([quick('claude-haiku-4-5')], async (url, e) => {
      const tls = `${ROOT}src/test-support/tls/`;
      // The API over TLS (a terminator in front of the emulator), and a proxy that only tunnels.
      const api = createTlsServer({ key: readFileSync(`${tls}key.pem`), cert: readFileSync(`${tls}cert.pem`) }, (req, res) => {
        req.pipe(
          httpRequest(`${url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          }),
        );
      });
      const tunnels: string[] = [];
      const proxy = createTcpServer((client) => {
        client.once('data', (head) => {
          const target = /^CONNECT (\S+)/.exec(head.toString())?.[1] ?? '';
          tunnels.push(target);
          const [host, port] = target.split(':');
          const upstream = connect(Number(port), host, () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            upstream.pipe(client);
            client.pipe(upstream);
          });
          upstream.on('error', () => client.destroy());
          client.on('error', () => upstream.destroy());
        });
      });
      await Promise.all([new Promise<void>((r) => api.listen(0, '127.0.0.1', r)), new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))]);
      const apiPort = (api.address() as AddressInfo).port;
      try {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-proxy-'));
        const r = await cli(
          ['run', '-m', 'haiku-4.5', '--limit', '6', '--quiet', '-o', 'r.json', TICKETS],
          {
            ...env(`https://127.0.0.1:${apiPort}`),
            HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
            NODE_EXTRA_CA_CERTS: `${tls}cert.pem`,
          },
          cwd,
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(report(join(cwd, 'r.json')).summaries[0]?.scored, 6);
        assert.ok(tunnels.length > 0 && tunnels.every((t) => t === `127.0.0.1:${apiPort}`), `tunnels: ${tunnels.join(', ')}`);
        assert.equal(e.stats().requests, 6);
      } finally {
        api.closeAllConnections();
        api.close();
        proxy.close();
      }
    });
  });
});

describe('secrets', () => {
  it('a recognisable key appears in no file the run wrote, and not on stdout or stderr', async () => {
    const SECRET = 'sk-tierbench-SECRET-0123456789abcdef';
    await withEmulator(
      [quick('claude-haiku-4-5'), quick('gpt-4o-mini')],
      async (url) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-secret-'));
        // Anthropic accepts it; OpenAI rejects it with a message that echoes the key back.
        const r = await cli(
          ['run', '-m', 'haiku-4.5,gpt-4o-mini', '--limit', '30', '--max-cost', '10', '-o', 'r.json', TICKETS],
          env(url, { ANTHROPIC_API_KEY: SECRET, OPENAI_API_KEY: `${SECRET}-wrong` }),
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
