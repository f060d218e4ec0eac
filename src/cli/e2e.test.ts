// The real CLI, in-process through main(io), against the emulator over real HTTP, through both real SDKs.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { costOf } from '../analysis/cost.js';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { listPrice } from '../models/prices.js';
import { withEmulator as withAnEmulator } from '../test-support/emulator.js';
import { runCli, startCli } from '../test-support/inprocess.js';
import { fixture, ROOT } from '../test-support/paths.js';
import { readValidReport, validReport } from '../test-support/report.js';
import type { Report } from '../types.js';
import { readReport as readReportFile } from './report-file.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;
const INJECTED_MS = 40;

let tmp: string;
let key: AnswerKey;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tierbench-e2e-'));
  const d = await loadDataset(TICKETS);
  key = AnswerKey.fromCases(d.cases, d.inputColumn);
});

/** The shared helper, with this file's answer key. */
const withEmulator = <T>(profiles: Profile[], fn: (url: string, emulator: Emulator) => Promise<T>, apiKeys?: string[]): Promise<T> =>
  withAnEmulator({ profiles, key, ...(apiKeys && { apiKeys }) }, fn);

const envFor = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ANTHROPIC_BASE_URL: url,
  OPENAI_BASE_URL: `${url}/v1`,
  OPENROUTER_BASE_URL: `${url}/v1`,
  ANTHROPIC_API_KEY: 'test-anthropic-key',
  OPENAI_API_KEY: 'test-openai-key',
  OPENROUTER_API_KEY: 'test-openrouter-key',
  ...extra,
});

const readReport = async (path: string): Promise<Report> => readValidReport(path);

const steady = (id: string, accuracy: number): Profile => ({ ids: [id], accuracy, ttftMs: INJECTED_MS, ttftSpread: 0, tokensPerSec: 0 });

for (const stream of [true, false]) {
  describe(`run through both SDKs (${stream ? 'streaming' : 'not streaming'})`, () => {
    let report: Report;
    let stdout: string;
    let stats: ReturnType<Emulator['allStats']>;

    before(async () => {
      await withEmulator([steady('claude-haiku-4-5', 0.8), steady('gpt-5-mini', 0.65)], async (url, emulator) => {
        const out = join(tmp, `both-${stream}.json`);
        const r = await runCli(
          [
            'run',
            '--models',
            'anthropic:claude-haiku-4-5,openai:gpt-5-mini',
            '--scorer',
            'exact',
            '--quiet',
            '-o',
            out,
            ...(stream ? [] : ['--no-stream']),
            TICKETS,
          ],
          envFor(url),
        );
        assert.equal(r.code, 0, r.stderr);
        stdout = r.stdout;
        report = await readReport(out);
        stats = emulator.allStats();
      });
    });

    it('accuracy is what the emulator served, and within sampling error of the profile', () => {
      for (const [model, id, p] of [
        ['anthropic:claude-haiku-4-5', 'claude-haiku-4-5', 0.8],
        ['openai:gpt-5-mini', 'gpt-5-mini', 0.65],
      ] as const) {
        const s = report.summaries.find((x) => x.model === model);
        assert.ok(s && s.accuracy !== null);
        assert.equal(s.scored, 210);
        assert.equal(s.correct, stats[id]?.correct);
        const se = Math.sqrt((p * (1 - p)) / s.scored);
        assert.ok(Math.abs(s.accuracy - p) < 3 * se, `${model}: ${s.accuracy} vs ${p}`);
        assert.ok(s.interval && s.interval.low <= s.accuracy && s.accuracy <= s.interval.high);
        assert.ok(stdout.includes(`${(s.accuracy * 100).toFixed(1)}%`), 'the table shows the accuracy');
      }
    });

    it('token counts and cost are exact', () => {
      for (const [model, id] of [
        ['anthropic:claude-haiku-4-5', 'claude-haiku-4-5'],
        ['openai:gpt-5-mini', 'gpt-5-mini'],
      ] as const) {
        const s = report.summaries.find((x) => x.model === model);
        const served = stats[id]?.usage;
        assert.ok(s && served);
        assert.deepEqual(s.tokens, served);
        const prices = listPrice(id);
        assert.ok(prices && s.cost);
        const expected = costOf(served, prices);
        assert.ok(Math.abs(s.cost.total - expected) < 1e-12, `${s.cost.total} vs ${expected}`);
      }
    });

    it('latency is the injected delay, not time spent queued (210 cases at concurrency 16)', () => {
      for (const s of report.summaries) {
        assert.ok(s.latencyMs, s.model);
        // No answer can come before the emulator sends it.
        assert.ok(s.latencyMs.p50 >= INJECTED_MS, `${s.model} p50 ${s.latencyMs.p50}`);
        if (stream) assert.ok(s.ttftMs && s.ttftMs.p50 >= INJECTED_MS, `${s.model} ttft`);
        else assert.equal(s.ttftMs, null);
      }
      // A counting argument, true on a machine of any speed: at most 16 calls are in flight at any
      // moment of the run, so their latencies add up to at most 16 times the run's duration. With
      // the wait for a slot counted in, the 420 calls queued from the start would wait half the run
      // on average, and add up to some 13 times that.
      const inFlight = report.results.reduce((sum, x) => sum + (x.latencyMs ?? 0), 0);
      assert.ok(
        inFlight <= 16 * report.run.durationMs,
        `${Math.round(inFlight)} ms in flight in all; the run took ${report.run.durationMs} ms at concurrency 16`,
      );
    });

    it('the report holds every case with its prompt, answer, score, tokens and cost', () => {
      assert.equal(report.schemaVersion, 8);
      assert.equal(report.cases.length, 210);
      assert.equal(report.results.length, 420);
      const first = report.results[0];
      assert.ok(first && typeof first.output === 'string' && first.score !== null && first.usage && first.cost !== null && first.latencyMs !== null);
      assert.equal(Boolean(report.cases[first.caseIndex]?.prompt.length), true);
      assert.equal(report.settings.stream, stream);
      // Answered by the emulator, which marks its responses: the report says they were simulated.
      assert.equal(report.run.simulated, true);
    });

    it('reads back a report of schema 6 (7 only added fields), and refuses an older one with the fix', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tb-schema-'));
      for (const version of [6, 5]) await writeFile(join(dir, `v${version}.json`), JSON.stringify({ ...report, schemaVersion: version }));
      assert.equal((await readReportFile(join(dir, 'v6.json'), '--baseline ')).summaries.length, 2);
      await assert.rejects(readReportFile(join(dir, 'v5.json'), '--baseline '), (err: Error & { hint?: string }) => {
        assert.match(err.message, /v5\.json: report schemaVersion 5, this tierbench reads 6, 7 and 8$/);
        assert.equal(err.hint, 'rerun it with this version of tierbench');
        return true;
      });
    });
  });
}

describe('faults', () => {
  it('429 and 529 are retried by the SDKs, counted, and do not fail the case', async () => {
    const flaky: Profile = {
      ...steady('claude-sonnet-4-6', 0.9),
      ttftMs: 5,
      faults: [
        { status: 429, rate: 0.15, retryAfterMs: 5 },
        { status: 529, rate: 0.1, retryAfterMs: 5 },
      ],
    };
    await withEmulator([flaky], async (url, emulator) => {
      const out = join(tmp, 'faults.json');
      const r = await runCli(['run', '--models', 'sonnet-4.6', '--max-retries', '6', '--quiet', '-o', out, TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      const s = (await readReport(out)).summaries[0];
      const served = emulator.stats('claude-sonnet-4-6');
      assert.ok(s);
      assert.equal(s.errors.total, 0);
      assert.ok((served.byStatus['429'] ?? 0) > 0 && (served.byStatus['529'] ?? 0) > 0);
      assert.equal(s.retries, served.retries);
      assert.equal(s.retries, (served.byStatus['429'] ?? 0) + (served.byStatus['529'] ?? 0));
    });
  });

  it('a wrong key is reported once, as an auth error naming the variable, and the run fails with exit 3', async () => {
    await withEmulator(
      [steady('claude-haiku-5-5', 0.9)],
      async (url) => {
        const out = join(tmp, 'auth.json');
        const r = await runCli(['run', '--models', 'haiku', '-o', out, TICKETS], envFor(url, { ANTHROPIC_API_KEY: 'wrong-key-7f3a9' }), tmp);
        assert.equal(r.code, 3);
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
        assert.equal(errors.length, 1, r.stderr);
        assert.match(errors[0] ?? '', /auth error \(401\).*check ANTHROPIC_API_KEY/);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        const report = await readFile(out, 'utf8');
        assert.ok(!report.includes('wrong-key-7f3a9') && !r.stdout.includes('wrong-key-7f3a9') && !r.stderr.includes('wrong-key-7f3a9'));
        const parsed = JSON.parse(report) as Report;
        assert.ok((parsed.summaries[0]?.n ?? 999) <= 16, 'stopped at once: at most the calls in flight');
        assert.equal(parsed.run.status, 'partial');
      },
      ['right-key'],
    );
  });
});

describe('prompt caching', () => {
  const longSystem = `You route customer-support tickets. ${'Examples of tickets and their categories follow. '.repeat(120)}`;
  for (const [model, id, flags] of [
    ['haiku-4.5', 'claude-haiku-4-5', ['--prompt-cache']],
    ['gpt-5-mini', 'gpt-5-mini', []],
  ] as const) {
    it(`${model}: cached tokens are counted apart and priced at their own rate`, async () => {
      await withEmulator([steady(id, 0.9)], async (url, emulator) => {
        const out = join(tmp, `cache-${id}.json`);
        const r = await runCli(
          ['run', '--models', model, '--system', longSystem, ...flags, '--limit', '40', '-c', '1', '--quiet', '-o', out, TICKETS],
          envFor(url),
        );
        assert.equal(r.code, 0, r.stderr);
        const s = (await readReport(out)).summaries[0];
        const served = emulator.stats(id).usage;
        assert.ok(s?.cost);
        assert.deepEqual(s.tokens, served);
        assert.ok(served.cacheRead > 0, 'later calls read the cache');
        assert.equal(served.cacheWrite, id.startsWith('claude') ? served.cacheRead / 39 : 0, 'Anthropic bills one write; OpenAI none');
        const prices = listPrice(id);
        assert.ok(prices);
        assert.ok(Math.abs(s.cost.total - costOf(served, prices)) < 1e-12);
      });
    });
  }
});

describe('repeats', () => {
  it('--repeats 3 sends each case three times and averages within the case', async () => {
    await withEmulator([{ ...steady('claude-haiku-5-5', 0.8), ttftMs: 1, consistency: 0.4 }], async (url, emulator) => {
      const out = join(tmp, 'repeats.json');
      const r = await runCli(['run', '--models', 'haiku', '--repeats', '3', '--limit', '60', '--quiet', '-o', out, TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      const report = await readReport(out);
      const s = report.summaries[0];
      assert.ok(s);
      assert.deepEqual([s.n, s.scored, report.results.length, report.settings.repeats], [180, 60, 180, 3]);
      assert.equal(emulator.stats('claude-haiku-5-5').requests, 180);
      assert.equal(s.interval?.method, 't', 'disagreeing samples make graded case means');
      const perCase = new Map<number, number[]>();
      for (const x of report.results) perCase.set(x.caseIndex, [...(perCase.get(x.caseIndex) ?? []), x.score ?? NaN]);
      const mean = [...perCase.values()].reduce((acc, v) => acc + v.reduce((a, b) => a + b, 0) / v.length, 0) / perCase.size;
      assert.ok(Math.abs((s.accuracy ?? 0) - mean) < 1e-12);
    });
  });
});

describe('cascade', () => {
  const profiles = [
    { ...steady('claude-haiku-4-5', 0.85), ttftMs: 1, consistency: 0.6 },
    { ...steady('claude-sonnet-4-6', 0.95), ttftMs: 1 },
  ];
  it('with a confidence the cheap model reports in JSON: the curve, the best threshold and the oracle', async () => {
    await withEmulator(profiles, async (url) => {
      const out = join(tmp, 'cascade.json');
      const system =
        'Classify the ticket into Billing, Technical, Account, Shipping or Returns. Reply in JSON: {"answer": <category>, "confidence": <0 to 1>}.';
      const r = await runCli(
        [
          'run',
          '--models',
          'haiku-4.5,sonnet-4.6',
          '--cascade',
          'haiku-4.5,sonnet-4.6',
          '--system',
          system,
          '--tolerance',
          '5',
          '-c',
          '32',
          '--quiet',
          '-o',
          out,
          TICKETS,
        ],
        envFor(url),
      );
      assert.equal(r.code, 0, r.stderr);
      const report = await readReport(out);
      const c = report.cascade;
      assert.ok(c);
      assert.equal(c.source, 'self-report');
      assert.equal(c.n, 210);
      const [cheap, big] = report.summaries;
      assert.ok(Math.abs(c.cheapOnly.accuracy - (cheap?.accuracy ?? -1)) < 1e-12);
      assert.ok(Math.abs(c.bigOnly.accuracy - (big?.accuracy ?? -1)) < 1e-12);
      assert.ok(Math.abs(c.bigOnly.costPerCase - (big?.cost?.per1kCases ?? 0) / 1000) < 1e-12);
      assert.ok(c.oracle.accuracy >= c.bigOnly.accuracy - 1e-12 && c.oracle.costPerCase < c.bigOnly.costPerCase);
      assert.ok(c.best && c.best.verdict === 'within' && c.best.costPerCase < c.bigOnly.costPerCase, 'a threshold within 5 pp that saves money');
      assert.ok(c.points[0]?.escalated === 0 && c.points.at(-1)?.escalated === 1);
      assert.match(r.stdout, /Cascade haiku-4\.5 → sonnet-4\.6, confidence from the confidence it reports/);
      assert.match(r.stdout, /Escalate when haiku-4\.5's confidence is below/);
    });
  });
  it('--cascade-samples 2 sends the cheap model twice and uses agreement', async () => {
    await withEmulator(profiles, async (url, emulator) => {
      const out = join(tmp, 'cascade2.json');
      const r = await runCli(
        [
          'run',
          '--models',
          'haiku-4.5,sonnet-4.6',
          '--cascade',
          'haiku-4.5,sonnet-4.6',
          '--cascade-samples',
          '2',
          '--limit',
          '100',
          '--quiet',
          '-o',
          out,
          TICKETS,
        ],
        envFor(url),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(emulator.stats('claude-haiku-4-5').requests, 200);
      assert.equal(emulator.stats('claude-sonnet-4-6').requests, 100);
      const c = (await readReport(out)).cascade;
      assert.equal(c?.source, 'agreement');
      assert.ok((c?.cheapOnly.costPerCase ?? 0) > 0);
    });
  });
  it('names both models among --models', async () => {
    const r = await runCli(['run', '--models', 'haiku', '--cascade', 'haiku,opus', fixture('tickets.jsonl')], { ANTHROPIC_API_KEY: 'k' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cascade: opus is not one of --models — add it to --models \(haiku,opus\)/);
  });
});

describe('plan and projections', () => {
  it('plan --discordance sizes the rule tierbench applies by simulation, beside the normal approximation of statistics.md', async () => {
    const r = await runCli(['plan', '--tolerance', '3', '--discordance', '0.1']);
    assert.equal(r.code, 0, r.stderr);
    const [simulated, closed] =
      /within 3 pp .*: ([\d,]+) cases \(simulating the rule tierbench applies; the normal approximation says ([\d,]+),/
        .exec(r.stdout)
        ?.slice(1)
        .map((x) => Number(x.replace(/,/g, ''))) ?? [];
    // (1.751 + 0.842)² · 0.1 / 0.03² at the first look's one-sided 4 %.
    assert.equal(closed, 747);
    assert.ok(simulated !== undefined && simulated >= closed && simulated < 820, `${simulated}`);
    assert.match(r.stdout, /detect a 3 pp difference .*: 865 cases/);
  });
  it('a pilot run with --volume, then plan --from its report', async () => {
    await withEmulator(
      [
        { ...steady('claude-haiku-4-5', 0.9), ttftMs: 1 },
        { ...steady('claude-sonnet-4-6', 0.93), ttftMs: 1 },
      ],
      async (url) => {
        const out = join(tmp, 'pilot.json');
        const r = await runCli(
          ['run', '--models', 'haiku-4.5,sonnet-4.6', '--limit', '150', '--volume', '500/day', '--quiet', '-o', out, TICKETS],
          envFor(url),
        );
        assert.equal(r.code, 0, r.stderr);
        const report = await readReport(out);
        const p = report.projections;
        assert.ok(p);
        assert.equal(p.casesPerDay, 500);
        const haiku = report.summaries.find((s) => s.model === 'haiku-4.5');
        const projected = p.models.find((m) => m.model === 'haiku-4.5');
        assert.ok(haiku?.cost && projected);
        assert.ok(Math.abs(projected.perDay - (haiku.cost.per1kCases / 1000) * 500) < 1e-12);
        assert.ok(projected.perMonthLow <= projected.perMonth && projected.perMonth <= projected.perMonthHigh);
        assert.match(r.stdout, /At 500\/day/);
        const plan = await runCli(['plan', '--from', out]);
        assert.equal(plan.code, 0, plan.stderr);
        const c = report.recommendation.comparisons[0];
        assert.ok(c);
        assert.match(plan.stdout, /haiku-4\.5\s+│ sonnet-4\.6 │ 150 /);
        assert.match(plan.stdout, /^Following up \S+pilot\.json \(150 cases\): cases in all, the pilot's included/m);
        assert.match(plan.stdout, /run the same command with --follow-up \S+pilot\.json\./);
      },
    );
  });
  it('plan with neither --from nor --discordance says what it needs', async () => {
    const r = await runCli(['plan']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: plan needs --from REPORT or --discordance D — run a pilot/);
  });
});

describe('routing by category', () => {
  it('routes the category where the cheap model is truly within tolerance to it, and the other to the big one', async () => {
    // 1,200 tickets, half "easy" (haiku 96 %, sonnet 97 %) and half "hard" (haiku 70 %, sonnet 95 %).
    const labels = ['Billing', 'Technical', 'Account'];
    const rows = Array.from({ length: 1200 }, (_, i) => `R${i},Customer message number ${i} about their order,${labels[i % 3]},${i % 2 ? 'hard' : 'easy'}`);
    const file = join(tmp, 'routing.csv');
    await writeFile(file, `id,input,expected,category\n${rows.join('\n')}\n`);
    const d = await loadDataset(file);
    const emulator = new Emulator({
      key: AnswerKey.fromCases(d.cases, d.inputColumn),
      profiles: [
        { ...steady('claude-haiku-4-5', 0.8), ttftMs: 1, categoryAccuracy: { easy: 0.96, hard: 0.7 } },
        { ...steady('claude-sonnet-4-6', 0.9), ttftMs: 1, categoryAccuracy: { easy: 0.97, hard: 0.95 } },
      ],
    });
    const url = await emulator.listen(0);
    try {
      const out = join(tmp, 'routing.json');
      const map = join(tmp, 'routes.json');
      const r = await runCli(
        ['run', '--models', 'haiku-4.5,sonnet-4.6', '--by', 'category', '--tolerance', '5', '--routing-out', map, '-c', '32', '--quiet', '-o', out, file],
        envFor(url),
      );
      assert.equal(r.code, 0, r.stderr);
      const report = await readReport(out);
      const routing = report.routing;
      assert.ok(routing);
      assert.deepEqual(
        routing.rows.map((row) => [row.category, row.n, row.reference, row.chosen, row.decisions[0]?.verdict]),
        [
          ['easy', 600, 'sonnet-4.6', 'haiku-4.5', 'within'],
          ['hard', 600, 'sonnet-4.6', 'sonnet-4.6', 'worse'],
        ],
      );
      assert.deepEqual(JSON.parse(await readFile(map, 'utf8')), { easy: 'claude-haiku-4-5', hard: 'claude-sonnet-4-6' });
      assert.ok(routing.saving !== null && routing.saving > 0.25, `saving ${routing.saving}`);
      assert.equal(report.recommendation.comparisons[0]?.verdict, 'worse', 'overall, haiku is worse: only routing finds the saving');
      assert.equal(report.recommendation.recommended, 'sonnet-4.6');
      assert.match(r.stdout, /By category/);
      assert.match(r.stdout, /easy\s.*haiku-4\.5/);
    } finally {
      await emulator.close();
    }
  });
});

describe('gateways and API versions', () => {
  it('OpenRouter-style ids go over the OpenAI format and are priced as the vendor model', async () => {
    await withEmulator([steady('claude-haiku-4-5', 0.9)], async (url) => {
      const out = join(tmp, 'openrouter.json');
      const r = await runCli(['run', '--models', 'openrouter:anthropic/claude-haiku-4.5', '--limit', '20', '--quiet', '-o', out, TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      const report = await readReport(out);
      assert.equal(report.summaries[0]?.scored, 20);
      assert.equal(report.models[0]?.prices?.input, 1);
    });
  });
  it('temperature is not sent where the API rejects it, and the report says so; a pinned older version sends it', async () => {
    await withEmulator([steady('claude-haiku-5-5', 0.9), steady('gpt-5-mini', 0.9)], async (url) => {
      const out = join(tmp, 'temp.json');
      const r = await runCli(['run', '--models', 'haiku,gpt-5-mini', '--temperature', '0', '--limit', '10', '--quiet', '-o', out, TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      const report = await readReport(out);
      assert.equal(
        report.summaries.every((s) => s.errors.total === 0),
        true,
      );
      assert.equal(report.notes.filter((n) => n.startsWith('temperature not sent')).length, 2);
      const pinned = await runCli(
        ['run', '--models', 'haiku', '--temperature', '0', '--anthropic-version', '2023-06-01', '--limit', '10', '--quiet', '-o', out, TICKETS],
        envFor(url),
      );
      assert.equal(pinned.code, 0, pinned.stderr);
      const again = await readReport(out);
      assert.equal(again.summaries[0]?.errors.total, 0);
      assert.deepEqual(again.notes, []);
    });
  });
});

describe('output', () => {
  it('--json prints the report on stdout', async () => {
    await withEmulator([steady('claude-haiku-5-5', 0.9)], async (url) => {
      const r = await runCli(['run', '--models', 'haiku', '--limit', '5', '--json', '-o', join(tmp, 'j.json'), TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      const report = validReport(r.stdout, 'stdout');
      assert.equal(report.results.length, 5);
    });
  });
  it('writes to reports/ by default and says where', async () => {
    await withEmulator([steady('claude-haiku-5-5', 0.9)], async (url) => {
      const r = await runCli(['run', '--models', 'haiku', '--limit', '3', TICKETS], envFor(url), tmp);
      assert.equal(r.code, 0, r.stderr);
      const files = await readdir(join(tmp, 'reports'));
      assert.equal(files.length, 1);
      assert.match(r.stderr, /report: .*reports\/.*\.json/);
    });
  });
  it('models lists aliases, ids, prices and the date of the table', async () => {
    const r = await runCli(['models']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /as of 2026-11/);
    assert.match(r.stdout, /claude-haiku-5-5.*haiku/);
    assert.match(r.stdout, /gpt-5-mini.*\$0\.25.*\$2/);
  });
});

describe('bad input: exit 2, one line saying what, where and how to fix it', () => {
  const env = { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['an empty file', ['run', '-m', 'haiku', fixture('empty.csv')], env, /empty\.csv: the file is empty — add a header row/],
    ['a header only', ['run', '-m', 'haiku', fixture('header-only.csv')], env, /header-only\.csv: has a header but no rows/],
    [
      'no expected column',
      ['run', '-m', 'haiku', fixture('no-expected.csv')],
      env,
      /no expected-answer column among: text, notes — name it with --expected-col/,
    ],
    ['a malformed JSONL line', ['run', '-m', 'haiku', fixture('broken-line.jsonl')], env, /broken-line\.jsonl:2: not valid JSON/],
    ['an unknown model', ['run', '-m', 'haiku,sonet', fixture('tickets.jsonl')], env, /unknown model `sonet` — did you mean `sonnet`\?.*tierbench models/],
    [
      'an unknown template variable',
      ['run', '-m', 'haiku', '--prompt', 'Classify {{ticket}}', fixture('tickets.jsonl')],
      env,
      /--prompt: unknown variable \{\{ticket\}\}.*\{\{prompt\}\}/,
    ],
    [
      'a missing key',
      ['run', '-m', 'haiku,gpt-5-mini', fixture('tickets.jsonl')],
      { ANTHROPIC_API_KEY: 'k' },
      /--models gpt-5-mini: OPENAI_API_KEY is not set — export OPENAI_API_KEY=/,
    ],
    [
      'an unknown scorer',
      ['run', '-m', 'haiku', '--scorer', 'fuzzy', fixture('tickets.jsonl')],
      env,
      /--scorer fuzzy: unknown scorer — use one of exact, normalized/,
    ],
    ['a bad number', ['run', '-m', 'haiku', '--concurrency', 'lots', fixture('tickets.jsonl')], env, /--concurrency.*'lots' is invalid/],
    ['no --models', ['run', fixture('tickets.jsonl')], env, /required option '-m, --models <list>'/],
    ['a missing file', ['run', '-m', 'haiku', 'nope.csv'], env, /nope\.csv: file not found/],
  ];
  for (const [what, args, e, message] of cases) {
    it(what, async () => {
      const r = await runCli(args, e);
      assert.equal(r.code, 2, `${what}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', message);
      assert.equal(r.stdout, '');
    });
  }
});

describe('tierbench emulate', () => {
  it('serves both APIs from an answer key until stopped', async () => {
    const server = startCli(['emulate', '--port', '0', '--key', TICKETS, '--api-key', 'k1']);
    const url = /listening on (http:\/\/\S+)/.exec(await server.printed(/listening on http:\/\/\S+\s/))?.[1] ?? '';
    try {
      const r = await runCli(
        ['run', '-m', 'haiku,gpt-5-mini', '--limit', '30', '--json', '-o', join(tmp, 'emulate.json'), TICKETS],
        envFor(url, { ANTHROPIC_API_KEY: 'k1', OPENAI_API_KEY: 'k1' }),
      );
      assert.equal(r.code, 0, r.stderr);
      const report = validReport(r.stdout, 'stdout');
      assert.ok(report.summaries.every((s) => s.scored === 30 && (s.accuracy ?? 0) > 0.5));
      const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as Record<string, { requests: number }>;
      assert.equal(stats['claude-haiku-5-5']?.requests, 30);
    } finally {
      server.interrupt();
    }
    assert.equal((await server.done).code, 0, 'Ctrl-C stops it');
    await assert.rejects(fetch(`${url}/_emulator/stats`), 'nothing listens any more');
  });
});
