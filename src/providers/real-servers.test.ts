// Issue 13: what real APIs and OpenAI-compatible servers send, acted out by the emulator's quirk
// modes, through the real CLI (in-process), the real SDKs and real HTTP. Each test asserts the
// outcome, how many requests the server received, and the cost figure.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { costOf } from '../analysis/cost.js';
import { loadDataset } from '../cases/load.js';
import type { ModelStats } from '../emulator/server.js';
import { AnswerKey, type Fault, type Profile, type Quirk } from '../emulator/simulated.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { validReport } from '../test-support/report.js';
import type { ModelSummary, Report } from '../types.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;
const key = await (async () => {
  const d = await loadDataset(TICKETS);
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();
const N = 8;
const PRICE = { input: 1, output: 5 };

const model = (id: string, quirks: Quirk[] = [], extra: Partial<Profile> = {}): Profile => ({
  ids: [id],
  accuracy: 0.9,
  ttftMs: 1,
  tokensPerSec: 0,
  quirks,
  ...extra,
});

interface Ran {
  code: number;
  stderr: string;
  report: Report;
  stats: Record<string, ModelStats>;
  summary(name: string): ModelSummary;
}

/**
 * Runs `models` (written `a:<id>` for the Anthropic format, `o:<id>` for the OpenAI one) on the
 * first N tickets against an emulator serving `profiles`, every id priced at PRICE.
 */
async function bench(
  profiles: Profile[],
  models: string[],
  args: string[] = [],
  options: { path?: string; host?: string; env?: Record<string, string>; endpoints?: (url: string) => Record<string, object> } = {},
): Promise<Ran> {
  return withEmulator(
    { profiles, key },
    async (url, emulator) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-real-'));
      const base = `${url}${options.path ?? ''}`;
      writeFileSync(
        join(cwd, 'tierbench.config.json'),
        JSON.stringify({
          endpoints: {
            a: { baseURL: base, api: 'anthropic', apiKeyEnv: 'EMU_KEY' },
            o: { baseURL: `${base}/v1`, api: 'openai', apiKeyEnv: 'EMU_KEY' },
            r: { baseURL: `${base}/v1`, api: 'openai-responses', apiKeyEnv: 'EMU_KEY' },
            ...options.endpoints?.(url),
          },
          prices: Object.fromEntries(profiles.flatMap((p) => p.ids).map((id) => [id, PRICE])),
        }),
      );
      const r = await runCli(
        ['run', '-m', models.join(','), '--limit', String(N), '--json', '--quiet', ...args, TICKETS],
        { EMU_KEY: 'emu-key', ...options.env },
        cwd,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const report = validReport(r.stdout);
      const summary = (name: string): ModelSummary => {
        const s = report.summaries.find((x) => x.model === name);
        assert.ok(s, `${name} in the report`);
        return s;
      };
      const stats = emulator.allStats();
      // For every behaviour: the requests the report says reached the server are those it received,
      // and the cost shown is that of exactly what the server billed, unless the report says some
      // of it is estimated (no counts sent) or lost (cut off after it began).
      for (const id of new Set(report.summaries.map((x) => x.id))) {
        const mine = report.summaries.filter((x) => x.id === id);
        const sum = (f: (x: ModelSummary) => number): number => mine.reduce((n, x) => n + f(x), 0);
        assert.equal(
          sum((x) => x.requests.sent),
          stats[id]?.requests ?? 0,
          `${id}: requests counted as the server received them`,
        );
        if (sum((x) => x.estimatedUsage + x.requests.lost + (x.errors.byKind.timeout ?? 0)) === 0 && mine.every((x) => x.cost !== null)) {
          const billed = costOf(stats[id]?.usage ?? { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }, {
            ...PRICE,
            cacheWrite: PRICE.input,
            cacheRead: PRICE.input,
          });
          assert.ok(Math.abs(sum((x) => x.cost!.total) - billed) < 1e-12, `${id}: cost ${sum((x) => x.cost!.total)} is what was billed, ${billed}`);
        }
      }
      return { code: r.code, stderr: r.stderr, report, stats, summary };
    },
    options.host,
  );
}

/** The cost of exactly what the emulator served and billed for this model. */
function assertExactCost(ran: Ran, name: string, id: string): void {
  const s = ran.summary(name);
  const served = ran.stats[id]?.usage;
  assert.ok(served && s.cost, name);
  assert.deepEqual({ ...s.tokens, reasoning: undefined }, { ...served, reasoning: undefined }, `${name}: tokens as served`);
  assert.ok(
    s.cost.total > 0 && Math.abs(s.cost.total - costOf(served, { ...PRICE, cacheWrite: PRICE.input, cacheRead: PRICE.input })) < 1e-12,
    `${name}: cost ${s.cost.total}`,
  );
}

describe('answers in another shape than asked for are read, once, and priced exactly', () => {
  it('JSON to a stream request, SSE to a plain one, Anthropic frames without `event:` lines', async () => {
    const ran = await bench(
      [model('a-json', ['json-for-stream']), model('o-json', ['json-for-stream']), model('a-plain'), model('o-plain'), model('a-bare', ['no-event-lines'])],
      ['a:a-json', 'o:o-json', 'a:a-bare'],
    );
    const plain = await bench([model('a-plain', ['sse-for-plain']), model('o-plain', ['sse-for-plain'])], ['a:a-plain', 'o:o-plain'], ['--no-stream']);
    for (const [r, name, id] of [
      [ran, 'a:a-json', 'a-json'],
      [ran, 'o:o-json', 'o-json'],
      [ran, 'a:a-bare', 'a-bare'],
      [plain, 'a:a-plain', 'a-plain'],
      [plain, 'o:o-plain', 'o-plain'],
    ] as const) {
      const s = r.summary(name);
      assert.deepEqual([s.scored, s.errors.total, s.empty, s.requests.sent, s.requests.paid], [N, 0, 0, N, N], name);
      assert.equal(r.stats[id]?.requests, N, `${name}: each case sent once`);
      assert.ok((s.accuracy ?? 0) > 0.5, `${name}: the answers were read`);
      // A whole JSON answer has no first token to time.
      if (name.endsWith('-json')) assert.equal(s.ttftMs, null, name);
      // A plain request cannot ask for usage in a stream (stream_options is refused without
      // stream: true), so an OpenAI stream sent in its place has none: priced from an estimate.
      if (name === 'o:o-plain') assert.ok(s.estimatedUsage === N && s.cost !== null && s.cost.total > 0);
      else assertExactCost(r, name, id);
    }
  });

  it('compressed bodies, SSE cut mid-line with CRLF line ends, comments, pings and unknown events', async () => {
    const quirks: Quirk[][] = [['gzip'], ['split'], ['noise'], ['gzip', 'split', 'noise']];
    const profiles = quirks.flatMap((q, i) => [model(`a-${i}`, q), model(`o-${i}`, q)]);
    const ran = await bench(
      profiles,
      profiles.map((p) => `${p.ids[0]!.startsWith('a') ? 'a' : 'o'}:${p.ids[0]}`),
    );
    for (const p of profiles) {
      const name = `${p.ids[0]!.startsWith('a') ? 'a' : 'o'}:${p.ids[0]}`;
      const s = ran.summary(name);
      assert.deepEqual([s.scored, s.errors.total, s.empty], [N, 0, 0], `${name} (${p.quirks?.join(', ')})`);
      assert.equal(ran.stats[p.ids[0]!]?.requests, N);
      assertExactCost(ran, name, p.ids[0]!);
    }
  });
});

describe('never a silent $0', () => {
  it('a stream without token counts is priced from an estimate, and says so', async () => {
    const ran = await bench([model('o-lms', ['no-usage'])], ['o:o-lms']);
    const s = ran.summary('o:o-lms');
    assert.deepEqual([s.scored, s.estimatedUsage, s.requests.sent], [N, N, N]);
    assert.ok(s.cost && s.cost.total > 0, 'priced, not $0');
    assert.ok(s.tokens.input > 0 && s.tokens.output > 0);
    assert.ok(ran.report.results.every((r) => r.usage?.estimated === true));
    assert.ok(
      ran.report.notes.some((n) => /o:o-lms came without token counts .* estimated/.test(n)),
      ran.report.notes.join('\n'),
    );
    // The emulator counts 4 characters a token, as the estimate does: the estimate is exact here.
    assert.equal(s.tokens.output, ran.stats['o-lms']?.usage.output);
  });
});

describe('time limits that hold', () => {
  it('a stream that goes silent after its headers ends as a timeout, is not sent again, and the run goes on', async () => {
    // Long enough that the headers come first even on a loaded machine: a timeout before them is
    // another case (nothing was paid, so the call is sent again), and at 0.3 s it sometimes was.
    const ran = await bench(
      [model('a-stall', ['stall']), model('o-stall', ['stall']), model('o-fine')],
      ['a:a-stall', 'o:o-stall', 'o:o-fine'],
      ['--timeout', '1'],
    );
    assert.equal(ran.code, 0);
    for (const [name, id] of [
      ['a:a-stall', 'a-stall'],
      ['o:o-stall', 'o-stall'],
    ] as const) {
      const s = ran.summary(name);
      assert.deepEqual(s.errors, { total: N, byKind: { timeout: N } }, name);
      assert.equal(ran.stats[id]?.requests, N, `${name}: not re-sent`);
      // The stall began after a 200: those responses are billed, and said to be lost.
      assert.deepEqual([s.requests.paid, s.requests.lost], [N, N]);
      assert.match(ran.report.results.find((r) => r.model === name)?.error?.message ?? '', /no data for 1 s after the response began/);
    }
    assert.equal(ran.summary('o:o-fine').scored, N);
  });
  it('a call that outlives --deadline ends as a timeout', async () => {
    const ran = await bench([model('o-slow', [], { ttftMs: 5_000 })], ['o:o-slow'], ['--deadline', '0.3', '--no-stream']);
    assert.deepEqual(ran.summary('o:o-slow').errors, { total: N, byKind: { timeout: N } });
    assert.match(ran.report.results[0]?.error?.message ?? '', /deadline/);
    // The server finished and billed them; the client cannot know: the cost shown is a lower bound, and says so.
    assert.ok(
      ran.report.notes.some((n) => n.startsWith(`${N} calls of o:o-slow timed out after they were sent: a provider may bill such calls`)),
      ran.report.notes.join('\n'),
    );
  });
});

describe('outcomes that say what happened', () => {
  it('answers cut by the token limit are counted apart, keep their stop reason, and the note says how to fix it', async () => {
    const ran = await bench([model('a-m'), model('o-m')], ['a:a-m', 'o:o-m'], ['--max-tokens', '1']);
    for (const [name, reason] of [
      ['a:a-m', 'max_tokens'],
      ['o:o-m', 'length'],
    ] as const) {
      const s = ran.summary(name);
      assert.equal(s.truncated, N, name);
      assert.ok(ran.report.results.filter((r) => r.model === name).every((r) => r.finish === 'truncated' && r.stopReason === reason));
      assert.ok(
        ran.report.notes.some((n) => n.startsWith(`${N} answers of ${name} hit the 1-token limit`) && n.endsWith('raise --max-tokens')),
        ran.report.notes.join('\n'),
      );
    }
  });
  it('refusals are counted apart, with the stop reason as sent', async () => {
    const refuse: Fault[] = [{ kind: 'refusal', rate: 1 }];
    const ran = await bench([model('a-r', [], { faults: refuse }), model('o-r', [], { faults: refuse })], ['a:a-r', 'o:o-r']);
    for (const [name, reason] of [
      ['a:a-r', 'refusal'],
      ['o:o-r', 'content_filter'],
    ] as const) {
      const s = ran.summary(name);
      assert.deepEqual([s.refused, s.scored, s.errors.total, s.requests.sent], [N, N, 0, N], name);
      assert.ok(ran.report.results.filter((r) => r.model === name).every((r) => r.finish === 'refused' && r.stopReason === reason));
      assert.ok(s.cost && s.cost.total > 0, 'a refusal is billed');
    }
    assert.ok(ran.report.notes.some((n) => n.startsWith(`${N} answers of a:a-r were refused`)));
  });
});

describe('errors classified by what they mean', () => {
  it('a spend limit (Anthropic 429) or no quota (OpenAI 429) stops the model without retries', async () => {
    const spent: Fault[] = [{ kind: 'spend-limit', rate: 1 }];
    const ran = await bench(
      [model('a-s', [], { faults: spent }), model('o-s', [], { faults: spent }), model('o-ok')],
      ['a:a-s', 'o:o-s', 'o:o-ok'],
      ['--max-retries', '2'],
    );
    for (const [name, id] of [
      ['a:a-s', 'a-s'],
      ['o:o-s', 'o-s'],
    ] as const) {
      const s = ran.summary(name);
      assert.equal(s.errors.byKind.billing, s.errors.total, name);
      assert.equal(ran.stats[id]?.retries, 0, `${name}: the SDK did not retry`);
      assert.ok((ran.stats[id]?.requests ?? 0) <= 8, `${name}: stopped after the calls already in flight`);
      assert.ok(
        ran.report.notes.some((n) => n.startsWith(`${name} stopped after a billing error (429)`)),
        ran.report.notes.join('\n'),
      );
    }
    assert.equal(ran.summary('o:o-ok').scored, N);
  });
  it('one flagged input is a content filter for that case only (OpenRouter 403, Azure 400)', async () => {
    // The opening words of the third ticket: only that input is flagged.
    const word = (await loadDataset(TICKETS)).cases[2]!.vars.ticket!.split(' ').slice(0, 4).join(' ');
    const ran = await bench([model('o-gw', ['gateway'], { flag: word }), model('o-az', [], { flag: word })], ['o:o-gw', 'o:o-az']);
    for (const name of ['o:o-gw', 'o:o-az']) {
      const s = ran.summary(name);
      assert.deepEqual(s.errors, { total: 1, byKind: { content_filter: 1 } }, name);
      assert.equal(s.scored, N - 1, `${name}: the model was not stopped`);
      assert.ok(
        ran.report.notes.some((n) => n.startsWith(`1 input to ${name} were blocked`) || n.startsWith(`1 input to ${name} was blocked`)),
        ran.report.notes.join('\n'),
      );
    }
    assert.equal(ran.stats['o-gw']?.requests, N, 'a filtered input is not sent again');
  });
  it('mid-stream errors of OpenRouter and vLLM, and 200s with an error body, by their codes', async () => {
    const midStream: Fault[] = [{ kind: 'stream-error', rate: 1 }];
    const errorBody: Fault[] = [{ kind: 'error-body', rate: 1 }];
    const ran = await bench(
      [
        model('o-or', ['gateway'], { faults: midStream }),
        model('o-vllm', ['vllm'], { faults: midStream }),
        model('o-200', ['gateway'], { faults: errorBody }),
        model('a-200', [], { faults: errorBody }),
      ],
      ['o:o-or', 'o:o-vllm', 'o:o-200', 'a:a-200'],
      ['--max-retries', '0'],
    );
    assert.deepEqual(ran.summary('o:o-or').errors, { total: N, byKind: { server: N } });
    assert.deepEqual(ran.summary('o:o-vllm').errors, { total: N, byKind: { server: N } });
    assert.deepEqual(ran.summary('o:o-200').errors, { total: N, byKind: { rate_limit: N } });
    assert.deepEqual(ran.summary('a:a-200').errors, { total: N, byKind: { server: N } });
    const message = ran.report.results.find((r) => r.model === 'o:o-200')?.error?.message ?? '';
    assert.equal(message, 'the server answered 200 with an error instead of a completion: Provider returned error (429)');
    // A stream that failed after it began was billed: asked again once, not three times. A 200
    // whose whole body is an error billed nothing: asked again as any transient failure is.
    for (const id of ['o-or', 'o-vllm']) assert.equal(ran.stats[id]?.requests, 2 * N, id);
    for (const id of ['o-200', 'a-200']) assert.equal(ran.stats[id]?.requests, 4 * N, id);
    assert.deepEqual([ran.summary('o:o-200').requests.paid, ran.summary('o:o-or').requests.paid], [0, 2 * N]);
  });
});

describe('connections as users have them', () => {
  it('a base URL that redirects (307, 308) is followed', async () => {
    for (const status of [307, 308]) {
      const ran = await bench([model('a-x'), model('o-x')], ['a:a-x', 'o:o-x'], [], { path: `/_redirect/${status}` });
      for (const [name, id] of [
        ['a:a-x', 'a-x'],
        ['o:o-x', 'o-x'],
      ] as const) {
        assert.equal(ran.summary(name).scored, N, `${status} ${name}`);
        assert.equal(ran.stats[id]?.requests, N);
      }
    }
  });

  it('over IPv6', async () => {
    const ran = await bench([model('a-6'), model('o-6')], ['a:a-6', 'o:o-6'], [], { host: '::1' });
    assert.deepEqual([ran.summary('a:a-6').scored, ran.summary('o:o-6').scored], [N, N]);
  });

  it('through the proxy HTTP_PROXY names, unless NO_PROXY excludes the host', async () => {
    // A forward proxy: CONNECT tunnels and absolute-form requests, each counted.
    let seen = 0;
    const proxy = createServer((req, res) => {
      seen++;
      const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('connect', (req, socket, head) => {
      seen++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const via = await bench([model('a-p'), model('o-p')], ['a:a-p', 'o:o-p'], [], { env: { HTTP_PROXY: proxyUrl } });
      assert.deepEqual([via.summary('a:a-p').scored, via.summary('o:o-p').scored], [N, N]);
      assert.ok(seen > 0, 'the calls went through the proxy');
      assert.ok(!JSON.stringify(via.report).includes(proxyUrl), 'the proxy is not recorded');
      seen = 0;
      const direct = await bench([model('o-p')], ['o:o-p'], [], { env: { http_proxy: proxyUrl, NO_PROXY: '127.0.0.1' } });
      assert.equal(direct.summary('o:o-p').scored, N);
      assert.equal(seen, 0, 'NO_PROXY was honoured');
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });
});

describe('deprecations', () => {
  it('a deprecated model is named once per run, and the SDK prints nothing per call', async () => {
    const warn = console.warn;
    let warned = 0;
    console.warn = () => {
      warned++;
    };
    try {
      const ran = await bench([model('claude-sonnet-4-5'), model('gpt-4o-mini')], ['a:claude-sonnet-4-5', 'o:gpt-4o-mini']);
      assert.equal(
        ran.report.notes.filter((n) => n.includes('claude-sonnet-4-5') && n.includes('retires on 2026-11-30')).length,
        1,
        ran.report.notes.join('\n'),
      );
      assert.equal(ran.report.notes.filter((n) => n.includes('gpt-4o-mini') && n.includes('retires on')).length, 1);
      assert.equal(warned, 0);
    } finally {
      console.warn = warn;
    }
  });
});

describe('reasoning as a tier dimension', () => {
  const thinker = (id: string): Profile => model(id, [], { thinking: { tokens: 400 } });
  it('model@effort sends the effort; each setting is its own candidate, with its thinking tokens and cost', async () => {
    const ran = await bench([thinker('o-t'), thinker('a-t')], ['o:o-t@low', 'o:o-t@high', 'a:a-t@low', 'a:a-t@off', 'a:a-t@2k']);
    const thinking = (name: string): number | undefined => ran.summary(name).tokens.reasoning;
    assert.deepEqual(
      [thinking('o:o-t@low'), thinking('o:o-t@high'), thinking('a:a-t@low'), thinking('a:a-t@off'), thinking('a:a-t@2k')],
      [120 * N, 1000 * N, 120 * N, undefined, 400 * N],
    );
    for (const name of ['o:o-t@low', 'o:o-t@high', 'a:a-t@low', 'a:a-t@2k']) {
      const s = ran.summary(name);
      assert.deepEqual([s.scored, s.truncated, s.errors.total], [N, 0, 0], name);
      assert.ok(s.tokens.output > (s.tokens.reasoning ?? 0), `${name}: thinking is billed as output`);
    }
    assert.ok(ran.summary('o:o-t@high').cost!.total > ran.summary('o:o-t@low').cost!.total);
    assert.deepEqual(
      ran.report.models.map((m) => [m.name, m.reasoning, m.maxTokens]),
      [
        ['o:o-t@low', { effort: 'low' }, 16_000],
        ['o:o-t@high', { effort: 'high' }, 16_000],
        ['a:a-t@low', { effort: 'low' }, 16_000],
        ['a:a-t@off', { effort: 'none' }, 1024],
        ['a:a-t@2k', { budgetTokens: 2000 }, 16_000],
      ],
    );
    // The verdicts compare every setting with every one that costs more, paired on the same cases.
    const k = 5 - ran.report.recommendation.excluded.length;
    assert.equal(ran.report.recommendation.comparisons.length, (k * (k - 1)) / 2);
  });
  it('reasoning that uses the whole token limit is a truncated answer, not a wrong one, and the note says so', async () => {
    const ran = await bench([thinker('o-t'), thinker('a-t')], ['o:o-t', 'a:a-t'], ['--max-tokens', '300']);
    for (const name of ['o:o-t', 'a:a-t']) {
      const s = ran.summary(name);
      assert.deepEqual([s.truncated, s.tokens.reasoning, s.tokens.output], [N, 300 * N, 300 * N], name);
      assert.ok(ran.report.results.filter((r) => r.model === name).every((r) => r.output === '' && r.finish === 'truncated'));
      assert.ok(
        ran.report.notes.some((n) => n.startsWith(`${N} answers of ${name} hit the 300-token limit, reasoning included`)),
        ran.report.notes.join('\n'),
      );
    }
  });
  it('a model that reasons gets room for it by default; others keep 1,024', async () => {
    const ran = await bench([model('gpt-5-mini'), model('o-x')], ['o:gpt-5-mini', 'o:o-x']);
    assert.deepEqual(
      ran.report.models.map((m) => [m.name, m.maxTokens, m.reasons ?? false]),
      [
        ['o:gpt-5-mini', 16_000, true],
        ['o:o-x', 1024, false],
      ],
    );
  });
  it('a setting the API does not take is refused before any call, in one line', async () => {
    for (const [name, what] of [
      ['haiku@minimal', /Anthropic models take no effort `minimal`/],
      ['gpt-5-mini@8k', /a thinking budget in tokens is an Anthropic setting/],
      ['sonnet@512', /at least 1024/],
    ] as const) {
      const r = await runCli(['run', '-m', name, TICKETS], { ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' });
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, what);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    const r = await runCli(['run', '-m', 'sonnet@8k', '--max-tokens', '4000', TICKETS], { ANTHROPIC_API_KEY: 'k' });
    assert.match(r.stderr, /the thinking budget \(8000\) must be below --max-tokens \(4000\)/);
  });
});

describe('the OpenAI Responses API', () => {
  it('answers, streamed or not, with exact tokens and cost; cut, refused and failed answers by its own terms', async () => {
    for (const stream of [[], ['--no-stream']]) {
      const ran = await bench(
        [
          model('r-ok'),
          model('r-think', [], { thinking: { tokens: 200 } }),
          model('r-refuse', [], { faults: [{ kind: 'refusal', rate: 1 }] }),
          model('r-fail', [], { faults: [{ kind: 'stream-error', rate: 1 }] }),
        ],
        ['r:r-ok', 'r:r-think@high', 'r:r-refuse', 'r:r-fail'],
        ['--max-retries', '0', ...stream],
      );
      const ok = ran.summary('r:r-ok');
      assert.deepEqual([ok.scored, ok.errors.total, ok.requests.sent], [N, 0, N], `${stream}`);
      assert.ok((ok.accuracy ?? 0) > 0.5);
      assertExactCost(ran, 'r:r-ok', 'r-ok');
      assert.equal(ran.summary('r:r-think@high').tokens.reasoning, 500 * N);
      assert.equal(ran.summary('r:r-refuse').refused, N);
      if (stream.length === 0) assert.deepEqual(ran.summary('r:r-fail').errors.byKind, { server: N });
    }
    const cut = await bench([model('r-ok')], ['r:r-ok'], ['--max-tokens', '1']);
    assert.equal(cut.summary('r:r-ok').truncated, N);
    assert.ok(cut.report.results.every((r) => r.stopReason === 'max_output_tokens'));
  });
});

describe('per-endpoint settings', () => {
  it('Azure OpenAI: api-version in the query, the key in api-key, max_completion_tokens for a reasoning deployment', async () => {
    const azure = (url: string, extra: object = {}): Record<string, object> => ({
      az: { baseURL: `${url}/openai/deployments/gpt-5-mini`, api: 'openai', apiKeyEnv: 'EMU_KEY', apiVersion: '2025-04-01-preview', ...extra },
    });
    const without = await bench([model('gpt-5-mini')], ['az:gpt-5-mini'], ['--max-retries', '0'], { endpoints: (url) => azure(url) });
    assert.deepEqual(
      without.summary('az:gpt-5-mini').errors.byKind,
      { bad_request: N },
      'a compatible endpoint sends max_tokens, which the deployment rejects',
    );
    assert.match(without.report.results[0]?.error?.message ?? '', /Use 'max_completion_tokens' instead/);
    const ran = await bench([model('gpt-5-mini')], ['az:gpt-5-mini'], [], { endpoints: (url) => azure(url, { maxTokensParam: 'max_completion_tokens' }) });
    assert.equal(ran.summary('az:gpt-5-mini').scored, N);
  });
  it('a server that rejects stream_options is served with "streamOptions": false', async () => {
    const strict = model('o-strict', ['no-stream-options']);
    const rejected = await bench([strict], ['o:o-strict'], ['--max-retries', '0']);
    assert.deepEqual(rejected.summary('o:o-strict').errors.byKind, { bad_request: N });
    const ran = await bench([strict], ['s:o-strict'], [], {
      endpoints: (url) => ({ s: { baseURL: `${url}/v1`, api: 'openai', apiKeyEnv: 'EMU_KEY', streamOptions: false } }),
    });
    const s = ran.summary('s:o-strict');
    assert.deepEqual([s.scored, s.estimatedUsage], [N, N], 'answered; with no usage chunk asked for, priced from an estimate');
  });
});

describe('emulator profiles', () => {
  it('an unknown quirk is refused in one line, with the list', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-prof-'));
    writeFileSync(join(cwd, 'p.json'), JSON.stringify([model('m', ['stal' as Quirk])]));
    const r = await runCli(['emulate', '--port', '0', '--profiles', 'p.json'], {}, cwd);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --profiles \S+p\.json: profile 1 \(m\) has an unknown quirk "stal" — the quirks are stall, no-usage, /);
  });
});
