import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import type { TierbenchError } from '../errors.js';
import { runCli } from '../test-support/inprocess.js';
import { readValidReport } from '../test-support/report.js';
import type { Report } from '../types.js';
import { gateLines, runGate } from './gate.js';

describe('gate: the regression gate in CI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-gate-'));
  const labels = ['Billing', 'Technical', 'Account', 'Shipping'];
  const file = join(dir, 'cases.csv');
  writeFileSync(
    file,
    `id,input,expected\n${Array.from({ length: 500 }, (_, i) => `c${i},Customer message ${i} about the order,${labels[i % 4]}`).join('\n')}\n`,
  );
  const d = await loadDataset(file);
  const key = AnswerKey.fromCases(d.cases, d.inputColumn);

  /** One run of haiku-4.5 at this accuracy; returns the report path. */
  async function run(
    name: string,
    accuracy: number,
    extra: string[] = [],
    limit = 500,
  ): Promise<{ path: string; code: number; stdout: string; stderr: string }> {
    const e = new Emulator({ key, profiles: [{ ids: ['claude-haiku-4-5'], accuracy, ttftMs: 1, tokensPerSec: 0 }] });
    const url = await e.listen(0);
    try {
      const path = join(dir, `${name}.json`);
      const r = await runCli(['run', '-m', 'haiku-4.5', '-c', '32', '--limit', String(limit), '--quiet', '-o', path, ...extra, file], {
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_API_KEY: 'k',
      });
      return { path, ...r };
    } finally {
      await e.close();
    }
  }
  const baseline = await run('baseline', 0.9);

  it('a baseline run against itself never fails', async () => {
    const r = await runCli(['gate', baseline.path, '--baseline', baseline.path]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^gate: passed \(1 checks\)$/m);
  });
  it('an injected 10 pp drop on 500 cases fails, with one line saying so; exit 1', async () => {
    const r = await run('drop10', 0.8, ['--baseline', baseline.path]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /^gate: FAIL haiku-4\.5: regressed by more than 2 pp against the baseline \(Δ −1\d\.\d pp, 90 % CI −1\d\.\d to −\d+\.\d, on 500 shared cases; a true drop of \d+\.\d pp would fail it 80 % of the time\)$/m,
    );
    assert.match(r.stdout, /^gate: FAILED \(1 of 1 checks\)$/m);
  });
  it('a 1 pp drop passes (not shown to be beyond the margin: at most inconclusive)', async () => {
    const r = await run('drop1', 0.89, ['--baseline', baseline.path]);
    assert.equal(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /gate: FAIL/);
    assert.match(r.stdout, /gate: passed/);
  });
  it('too few cases to tell: inconclusive passes, and fails with --strict', async () => {
    const small = await run('small-base', 0.9, [], 60);
    const r = await run('small', 0.86, ['--baseline', small.path], 60);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^gate: inconclusive haiku-4\.5: inconclusive against the baseline/m);
    const strict = await runCli(['gate', r.path, '--baseline', small.path, '--strict']);
    assert.equal(strict.code, 1, strict.stdout);
    assert.match(strict.stdout, /--strict fails it/);
  });
  it('thresholds, for every model or per model', async () => {
    const fail = await runCli(['gate', baseline.path, '--min-accuracy', '95%', '--max-error-rate', '0.01']);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /^gate: FAIL haiku-4\.5: accuracy is below --min-accuracy 95\.0% \(\d\d\.\d%, 95 % CI .*\)$/m);
    const pass = await runCli(['gate', baseline.path, '--min-accuracy', 'haiku-4.5=0.5', '--max-p95-ms', '60000']);
    assert.equal(pass.code, 0, pass.stdout);
    assert.match(pass.stdout, /gate: passed \(2 checks\)/);
  });
  it('JUnit with --junit-cases: the gate checks and every case are tests; wrong answers and failed checks fail', async () => {
    const r = await run('junit', 0.9, ['--min-accuracy', '0.99', '--report', 'junit', '--junit-cases'], 40);
    assert.equal(r.code, 1);
    const xml = readFileSync(r.path.replace(/\.json$/, '.junit.xml'), 'utf8');
    const cases = xml.match(/<testcase /g)?.length ?? 0;
    assert.equal(cases, 1 + 1 + 40, 'gate min-accuracy, answered, 40 cases');
    const wrong = readValidReport(r.path).results.filter((x) => x.score === 0).length;
    assert.equal(xml.match(/<failure /g)?.length, wrong + 1, 'each wrong answer, and the gate check');
    assert.match(xml, /<testcase classname="tierbench.haiku-4.5" name="gate min-accuracy" time="0.000">\n\s+<failure message="haiku-4.5: accuracy/);
  });
  it('compare OLD NEW: what changed per model, paired', async () => {
    const drop = join(dir, 'drop10.json');
    const r = await runCli(['compare', baseline.path, drop]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /haiku-4\.5 .*9\d\.\d% → 8\d\.\d% .*−1\d\.\d pp \(−1\d\.\d pp to −\d+\.\d pp\) .*< 0\.001 .*500 .*worse/);
    const same = await runCli(['compare', baseline.path, baseline.path, '--json']);
    const parsed = JSON.parse(same.stdout) as { models: Array<{ change: string; comparison: { delta: number; n: number } }> };
    assert.deepEqual([parsed.models[0]?.change, parsed.models[0]?.comparison.delta, parsed.models[0]?.comparison.n], ['no change shown', 0, 500]);
  });
  it('bad gate flags exit 2 with one line', async () => {
    const unknown = await runCli(['gate', baseline.path, '--min-accuracy', 'opus=0.9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: --min-accuracy: opus is not one of the models — the models are haiku-4\.5\n$/);
    const none = await runCli(['gate', baseline.path]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /gate needs at least one check/);
    const bad = await runCli(['gate', baseline.path, '--min-accuracy', '1.5']);
    assert.equal(bad.code, 2);
  });
  it('the checks are in the report, for other tools', () => {
    const report = readValidReport(baseline.path);
    const result = runGate(report, { minAccuracy: { all: 0.5, per: {} }, strict: false });
    assert.equal(result.passed, true);
    assert.equal(result.checks[0]?.observed, report.summaries[0]?.accuracy);
    assert.match(gateLines(result), /gate: passed/);
  });
});

describe('gate: what a check can and cannot tell (in-process, on built reports)', () => {
  type Row = { prompt: string; expected: string; id?: string };
  /** A report of one model, `haiku`, scoring `scores[i]` on `rows[i]`. Only what the gate reads. */
  function report(rows: Row[], scores: number[], extra: { idColumn?: string; accuracy?: number; interval?: [number, number]; cached?: boolean } = {}): Report {
    const correct = scores.filter((x) => x === 1).length;
    return {
      dataset: { ...(extra.idColumn !== undefined && { idColumn: extra.idColumn }) },
      settings: {},
      cases: rows.map((r, i) => ({ id: r.id ?? String(i + 1), line: i + 2, expected: r.expected, prompt: r.prompt })),
      results: scores.map((score, caseIndex) => ({
        caseIndex,
        sample: 0,
        model: 'haiku',
        score,
        latencyMs: extra.cached ? null : 100,
        ttftMs: null,
        usage: null,
        cost: 0.001,
        retries: 0,
        ...(extra.cached && { cached: true }),
      })),
      summaries: [
        {
          model: 'haiku',
          n: scores.length,
          scored: scores.length,
          correct,
          accuracy: extra.accuracy ?? correct / scores.length,
          interval: extra.interval ? { low: extra.interval[0], high: extra.interval[1], method: 'wilson', level: 0.95 } : null,
          errors: { total: 0, byKind: {} },
          cached: extra.cached ? scores.length : 0,
          latencyMs: extra.cached ? null : { p50: 100, p90: 100, p95: 100, p99: 100 },
          cost: { total: 0, spent: 0, per1kCases: 1, perCorrect: 0.001 },
        },
      ],
    } as unknown as Report;
  }
  const rows = (n: number, from = 0): Row[] =>
    Array.from({ length: n }, (_, i) => ({ prompt: `ticket ${from + i}`, expected: i % 2 === 0 ? 'Billing' : 'Shipping' }));
  const pattern = (n: number, wrongEvery: number): number[] => Array.from({ length: n }, (_, i) => (i % wrongEvery === 0 ? 0 : 1));
  const baselineOf = (r: Report, failOn: 'shown' | 'significant' = 'shown', maxRegressionPp = 2) => ({
    baseline: { report: r, path: 'base.json', maxRegressionPp, failOn },
    strict: false,
  });

  it('without an id column, cases pair by what was sent: the same file in another order is no change', () => {
    const before = report(rows(200), pattern(200, 7));
    const after = report([...rows(200)].reverse(), [...pattern(200, 7)].reverse());
    const result = runGate(after, baselineOf(before));
    assert.equal(result.checks[0]?.status, 'pass');
    assert.match(result.checks[0]!.message, /Δ \+0\.0 pp, .* on 200 shared cases/);
    assert.deepEqual(result.warnings, []);
  });
  it('a baseline with no case in common is a usage error (exit 2), naming the fix', () => {
    const before = report(rows(100), pattern(100, 5));
    const after = report(rows(100, 1000), pattern(100, 5));
    assert.throws(
      () => runGate(after, baselineOf(before)),
      (e: TierbenchError) => e.exitCode === 2 && /no case in common with it \(paired by the prompt sent\)/.test(e.message) && /--id-col/.test(e.hint),
    );
  });
  it('a baseline that shares under 90 % of the cases is compared on those alone, with a warning', () => {
    const before = report(rows(100), pattern(100, 5));
    const after = report(rows(200), pattern(200, 5));
    const result = runGate(after, baselineOf(before));
    assert.deepEqual(result.warnings, ["haiku: only 100 of this run's 200 answered cases are in the baseline base.json — the comparison is over those alone"]);
    assert.match(gateLines(result), /^gate: warning haiku: only 100 of/m);
  });
  it('every baseline check says the drop it would catch 80 % of the time; --fail-on significant catches more', () => {
    // 400 cases; after, 20 newly wrong and 10 newly right: Δ −2.5 pp. Shown beyond 2 pp? Not at
    // this n; a significant drop estimated beyond it, yes.
    const before = report(rows(400), pattern(400, 10));
    const worse = pattern(400, 10).map((x, i) => (i % 20 === 1 ? 0 : i % 40 === 0 ? 1 : x));
    const after = report(rows(400), worse);
    const shown = runGate(after, baselineOf(before));
    const significant = runGate(after, baselineOf(before, 'significant'));
    assert.equal(shown.checks[0]?.status, 'inconclusive');
    assert.equal(significant.checks[0]?.status, 'fail');
    assert.match(significant.checks[0]!.message, /^haiku: dropped significantly, by more than 2 pp as estimated against the baseline \(Δ −2\.5 pp/);
    const drops = [shown, significant].map((r) => Number(/a true drop of (\d+\.\d) pp would fail it 80 % of the time/.exec(r.checks[0]!.message)?.[1]));
    assert.ok(drops[1]! < drops[0]! && drops[1]! > 2, `${drops}`);
  });
  it('--min-accuracy is on the interval: shown below fails, straddling is inconclusive (fails with --strict), shown above passes', () => {
    const r = report(rows(200), pattern(200, 8), { accuracy: 0.875, interval: [0.82, 0.915] });
    const status = (limit: number, strict = false): string | undefined => runGate(r, { minAccuracy: { all: limit, per: {} }, strict }).checks[0]?.status;
    assert.deepEqual([status(0.95), status(0.9), status(0.9, true), status(0.8)], ['fail', 'inconclusive', 'fail', 'pass']);
  });
  it('a latency limit on answers that all came from the cache is not a failure: nothing was measured, and it says so', () => {
    const r = report(rows(50), pattern(50, 5), { cached: true });
    const check = runGate(r, { maxP95Ms: { all: 2000, per: {} }, strict: false }).checks[0]!;
    assert.equal(check.status, 'inconclusive');
    assert.match(check.message, /no latency measured — all 50 answers came from the response cache; rerun with --no-cache/);
  });
});
