import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import { cli } from '../test-support/cli.js';
import { readValidReport } from '../test-support/report.js';
import { gateLines, runGate } from './gate.js';

describe('gate: the regression gate in CI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-gate-'));
  const labels = ['Billing', 'Technical', 'Account', 'Shipping'];
  const file = join(dir, 'cases.csv');
  writeFileSync(file, `id,input,expected\n${Array.from({ length: 500 }, (_, i) => `c${i},Customer message ${i} about the order,${labels[i % 4]}`).join('\n')}\n`);
  const d = await loadDataset(file);
  const key = AnswerKey.fromCases(d.cases, d.inputColumn);

  /** One run of haiku-4.5 at this accuracy; returns the report path. */
  async function run(name: string, accuracy: number, extra: string[] = [], limit = 500): Promise<{ path: string; code: number; stdout: string; stderr: string }> {
    const e = new Emulator({ key, profiles: [{ ids: ['claude-haiku-4-5'], accuracy, ttftMs: 1, tokensPerSec: 0 }] });
    const url = await e.listen(0);
    try {
      const path = join(dir, `${name}.json`);
      const r = await cli(['run', '-m', 'haiku-4.5', '-c', '32', '--limit', String(limit), '--quiet', '-o', path, ...extra, file], { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' });
      return { path, ...r };
    } finally {
      await e.close();
    }
  }
  const baseline = await run('baseline', 0.9);

  it('a baseline run against itself never fails', async () => {
    const r = await cli(['gate', baseline.path, '--baseline', baseline.path]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^gate: passed \(1 checks\)$/m);
  });
  it('an injected 10 pp drop on 500 cases fails, with one line saying so; exit 1', async () => {
    const r = await run('drop10', 0.8, ['--baseline', baseline.path]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^gate: FAIL haiku-4\.5: regressed by more than 2 pp against the baseline \(Δ −1\d\.\d pp, 90 % CI −1\d\.\d to −\d+\.\d, on 500 shared cases\)$/m);
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
    const strict = await cli(['gate', r.path, '--baseline', small.path, '--strict']);
    assert.equal(strict.code, 1, strict.stdout);
    assert.match(strict.stdout, /--strict fails it/);
  });
  it('thresholds, for every model or per model', async () => {
    const fail = await cli(['gate', baseline.path, '--min-accuracy', '95%', '--max-error-rate', '0.01']);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /^gate: FAIL haiku-4\.5: accuracy \d\d\.\d% \(95 % CI .*\) is below --min-accuracy 95\.0%$/m);
    const pass = await cli(['gate', baseline.path, '--min-accuracy', 'haiku-4.5=0.5', '--max-p95-ms', '60000']);
    assert.equal(pass.code, 0, pass.stdout);
    assert.match(pass.stdout, /gate: passed \(2 checks\)/);
  });
  it('JUnit with --junit-cases: the gate checks and every case are tests; wrong answers and failed checks fail', async () => {
    const r = await run('junit', 0.9, ['--min-accuracy', '0.95', '--report', 'junit', '--junit-cases'], 40);
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
    const r = await cli(['compare', baseline.path, drop]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /haiku-4\.5 .*9\d\.\d% → 8\d\.\d% .*−1\d\.\d pp \(−1\d\.\d pp to −\d+\.\d pp\) .*< 0\.001 .*500 .*worse/);
    const same = await cli(['compare', baseline.path, baseline.path, '--json']);
    const parsed = JSON.parse(same.stdout) as { models: Array<{ change: string; comparison: { delta: number; n: number } }> };
    assert.deepEqual([parsed.models[0]?.change, parsed.models[0]?.comparison.delta, parsed.models[0]?.comparison.n], ['no change shown', 0, 500]);
  });
  it('bad gate flags exit 2 with one line', async () => {
    const unknown = await cli(['gate', baseline.path, '--min-accuracy', 'opus=0.9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: --min-accuracy: opus is not one of the models — the models are haiku-4\.5\n$/);
    const none = await cli(['gate', baseline.path]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /gate needs at least one check/);
    const bad = await cli(['gate', baseline.path, '--min-accuracy', '1.5']);
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
