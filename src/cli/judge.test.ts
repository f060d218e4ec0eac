// --judge end to end: the real CLI in-process, the emulator playing candidates and judges over real
// HTTP, through both SDKs. The judges' calls share the candidates' cache, journal and budget.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { costOf } from '../analysis/cost.js';
import { loadDataset } from '../cases/load.js';
import { trueGrade } from '../emulator/judge.js';
import type { Emulator } from '../emulator/server.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { listPrice } from '../models/prices.js';
import { requested, withEmulator } from '../test-support/emulator.js';
import { runCli, startCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import type { Report } from '../types.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;
let key: AnswerKey;
let expected: Map<string, string>;
before(async () => {
  const d = await loadDataset(TICKETS);
  key = AnswerKey.fromCases(d.cases, d.inputColumn);
  expected = new Map(d.cases.map((c) => [c.id, c.expected]));
});

const candidate = (id: string, accuracy: number): Profile => ({ ids: [id], accuracy, ttftMs: 1, tokensPerSec: 0 });
const judge = (id: string, judgeAgreement: number, extra: Partial<Profile> = {}): Profile => ({
  ids: [id],
  accuracy: 1,
  ttftMs: 1,
  tokensPerSec: 0,
  judgeAgreement,
  ...extra,
});
const PROFILES = [candidate('claude-haiku-4-5', 0.7), candidate('gpt-5-mini', 0.8), judge('claude-sonnet-4-6', 1), judge('gpt-4.1', 1)];
const CANDIDATES = 'anthropic:claude-haiku-4-5,openai:gpt-5-mini';

const envFor = (url: string): Record<string, string> => ({
  ANTHROPIC_BASE_URL: url,
  OPENAI_BASE_URL: `${url}/v1`,
  ANTHROPIC_API_KEY: 'test-anthropic-key',
  OPENAI_API_KEY: 'test-openai-key',
});
const emulate = <T>(profiles: Profile[], fn: (url: string, e: Emulator) => Promise<T>): Promise<T> => withEmulator({ profiles, key }, fn);
const outputOf = (report: Report, model: string, caseId: string): string | undefined => {
  const index = report.cases.findIndex((c) => c.id === caseId);
  return report.results.find((r) => r.model === model && r.caseIndex === index)?.output;
};

describe('a rubric judge', () => {
  for (const judgeModel of ['anthropic:claude-sonnet-4-6', 'openai:gpt-4.1']) {
    it(`${judgeModel} grades every answer of both candidates 1–5; its cost is reported apart from theirs`, async () => {
      await emulate(PROFILES, async (url, e) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-'));
        const r = await runCli(['run', '-m', CANDIDATES, '--judge', judgeModel, '--limit', '20', '--quiet', '-o', 'r.json', TICKETS], envFor(url), cwd);
        assert.equal(r.code, 0, r.stderr);
        const report = await readValidReport(join(cwd, 'r.json'));
        const j = report.judge!;
        assert.equal(report.settings.scorer, 'judge');
        assert.equal(j.judged, 40);
        assert.equal(j.verdicts.length, 40);
        // A judge that always agrees with the truth: each grade is what the answer deserves, and its score (grade − 1) / 4.
        for (const v of j.verdicts) {
          const output = outputOf(report, v.model, v.case)!;
          assert.equal(v.grade, trueGrade(output, expected.get(v.case)!), `${v.model} ${v.case}: ${output}`);
          const result = report.results.find((x) => x.model === v.model && report.cases[x.caseIndex]?.id === v.case)!;
          assert.equal(result.score, (v.grade! - 1) / 4);
        }
        // The judge's spend is its own: priced from its tokens as the emulator billed them, none of it in the candidates' rows.
        // (Two candidates giving the same answer to a case make the same judge request: asked once, the second from the cache.)
        const id = judgeModel.split(':')[1]!;
        const billed = e.stats(id).usage;
        assert.ok(Math.abs(j.cost!.spent - costOf({ ...billed }, listPrice(id)!)) < 1e-9, `${j.cost!.spent}`);
        assert.equal(j.usage[0]!.calls, e.stats(id).requests + j.usage[0]!.cached);
        assert.ok(j.usage[0]!.cached > 0 && j.cost!.total > j.cost!.spent);
        for (const s of report.summaries) {
          const theirs = e.stats(report.models.find((m) => m.name === s.model)!.id).usage;
          assert.ok(Math.abs(s.cost!.total - costOf({ ...theirs }, listPrice(report.models.find((m) => m.name === s.model)!.id)!)) < 1e-9);
        }
      });
    });
  }

  it('a rerun pays no judge call: every verdict comes from the response cache', async () => {
    await emulate(PROFILES, async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-cache-'));
      const args = ['run', '-m', CANDIDATES, '--judge', 'sonnet-4.6', '--limit', '10', '-o', 'r.json', TICKETS];
      const first = await runCli(args, envFor(url), cwd);
      assert.equal(first.code, 0, first.stderr);
      const calls = e.stats('claude-sonnet-4-6').requests;
      assert.equal(calls, 20);
      const second = await runCli(args, envFor(url), cwd);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(e.stats('claude-sonnet-4-6').requests, calls, 'no judge call was made again');
      const report = await readValidReport(join(cwd, 'r.json'));
      assert.equal(report.judge!.usage[0]!.cached, 20);
      assert.equal(report.judge!.cost!.spent, 0);
      assert.ok(report.judge!.cost!.total > 0, 'a cached verdict is priced as if paid, never $0');
      assert.match(second.stdout, /Judge calls, not in the table: sonnet-4\.6: 20 calls \(20 from the cache\)/);
    });
  });

  it('a reply that cannot be read is asked once more, shown back to the judge; told, it answers in the format asked', async () => {
    await emulate([...PROFILES, judge('gpt-4.1-mini', 1, { judgeMalformed: 0.5 })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-retry-'));
      const r = await runCli(['run', '-m', CANDIDATES, '--judge', 'gpt-4.1-mini', '--limit', '20', '--quiet', '-o', 'r.json', TICKETS], envFor(url), cwd);
      assert.equal(r.code, 0, r.stderr);
      const report = await readValidReport(join(cwd, 'r.json'));
      const usage = report.judge!.usage[0]!;
      assert.ok(usage.formatRetries > 5, `${usage.formatRetries} retries`);
      assert.equal(usage.calls, 40 + usage.formatRetries);
      assert.equal(e.stats('gpt-4.1-mini').requests + usage.cached, usage.calls);
      // Told, the emulated judge complies: nothing is left unscored.
      assert.equal(report.judge!.failed, 0);
      assert.equal(report.judge!.judged, 40);
    });
  });
});

describe('judging is journaled', () => {
  it('Ctrl-C during judging keeps every paid verdict; --resume judges the rest and pays nothing twice', async () => {
    await emulate([candidate('claude-haiku-4-5', 0.7), judge('claude-sonnet-4-6', 1, { ttftMs: 20 })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-int-'));
      const run = startCli(
        ['run', '-m', 'haiku-4.5', '--judge', 'sonnet-4.6', '--no-cache', '-c', '4', '--limit', '40', '-o', 'r.json', TICKETS],
        envFor(url),
        cwd,
      );
      await run.until(requested(e, 10, 'claude-sonnet-4-6'));
      run.interrupt();
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /interrupted: no new judge calls/);
      const partial = await readValidReport(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'interrupted');
      assert.ok(partial.judge!.notJudged > 0 && partial.judge!.judged >= 10, JSON.stringify(partial.judge!.usage));
      assert.equal(partial.summaries[0]!.unscored, partial.judge!.notJudged, 'unjudged answers are unscored, not wrong');
      const paid = e.stats('claude-sonnet-4-6').requests;
      const id = /--resume (\S+)/.exec(r.stderr)?.[1] ?? '';
      const resumed = await runCli(['run', '--resume', id, '--quiet'], envFor(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      const full = await readValidReport(join(cwd, 'r.json'));
      assert.equal(full.run.status, 'complete');
      assert.equal(full.judge!.judged, 40);
      assert.equal(e.stats('claude-sonnet-4-6').requests, 40, `no verdict paid twice (${paid} before the resume)`);
      assert.equal(e.stats('claude-haiku-4-5').requests, 40, 'no answer paid twice');
    });
  });

  it('--max-cost counts the judge spend: judging stops once the calls and the verdicts together reach it', async () => {
    await emulate([candidate('claude-haiku-4-5', 0.7), judge('claude-opus-4-8', 1)], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-budget-'));
      const r = await runCli(
        ['run', '-m', 'haiku-4.5', '--judge', 'opus-4.8', '--no-cache', '-c', '1', '--max-cost', '0.01', '--yes', '--quiet', '-o', 'r.json', TICKETS],
        envFor(url),
        cwd,
      );
      const report = await readValidReport(join(cwd, 'r.json'));
      assert.equal(report.run.status, 'budget', r.stderr);
      const spent = report.summaries[0]!.cost!.spent + report.judge!.cost!.spent;
      assert.ok(spent >= 0.01 && spent < 0.012, `${spent}`);
      assert.ok(e.stats('claude-opus-4-8').requests < 60);
    });
  });
  it('the estimate before the run counts the judge calls: a budget the candidates fit but not the judges is refused before any call', async () => {
    await emulate([candidate('claude-haiku-4-5', 0.7), judge('claude-opus-4-8', 1)], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-estimate-'));
      const args = ['run', '-m', 'haiku-4.5', '--judge', 'opus-4.8', '--no-cache', '--limit', '30', '-o', 'r.json', TICKETS];
      const fits = await runCli([...args, '--max-cost', '5'], envFor(url), cwd);
      assert.equal(fits.code, 0, fits.stderr);
      const said = /estimated cost \$([\d.]+) \(at most \$[\d.]+ if every answer used max_tokens\) for 30 calls, of it \$([\d.]+) for 30 judge calls/.exec(
        fits.stderr,
      );
      assert.ok(said, fits.stderr);
      const [total, judges] = [Number(said[1]), Number(said[2])];
      assert.ok(judges > 0 && judges <= total, `${judges} of ${total}`);
      // The estimate allows a real judge's few sentences of reason; the emulator's judge writes one.
      const paid = readValidReport(join(cwd, 'r.json')).judge!.cost!.spent;
      assert.ok(judges >= paid && judges < paid * 3, `estimated ${judges}, paid ${paid}`);

      const requests = e.stats('claude-haiku-4-5').requests;
      const refused = await runCli([...args, '--max-cost', String(total - judges / 2)], envFor(url), cwd);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /E_BUDGET|--max-cost/);
      assert.equal(e.stats('claude-haiku-4-5').requests, requests, 'nothing sent');
    });
  });
});

/** A pairwise run of the two candidates against gpt-5-mini, judged by `judgeModel`, with `extra` flags (by default, 20 tickets). */
async function pairwise(url: string, judgeModel: string, extra = ['--limit', '20']): Promise<{ r: Awaited<ReturnType<typeof runCli>>; report: Report }> {
  const cwd = mkdtempSync(join(tmpdir(), 'tb-judge-pair-'));
  const args = ['run', '-m', CANDIDATES, '--judge', judgeModel, '--judge-mode', 'pairwise', '--reference', 'openai:gpt-5-mini'];
  const r = await runCli([...args, ...extra, '-o', 'r.json', TICKETS], envFor(url), cwd);
  assert.equal(r.code, 0, r.stderr);
  return { r, report: readValidReport(join(cwd, 'r.json')) };
}

describe('a pairwise judge', () => {
  it('compares each answer with the reference model’s in both orders; a fair judge agrees with itself', async () => {
    await emulate(PROFILES, async (url, e) => {
      const { r, report } = await pairwise(url, 'gpt-4.1');
      const j = report.judge!;
      assert.equal(e.stats('gpt-4.1').requests, 40, "haiku's 20 answers, each in both orders; the reference's own are ties, uncalled");
      assert.deepEqual(j.orderDisagreement, { pairs: 20, disagreed: 0 });
      for (const v of j.verdicts.filter((x) => x.model === 'anthropic:claude-haiku-4-5')) {
        const mine = trueGrade(outputOf(report, v.model, v.case)!, expected.get(v.case)!);
        const theirs = trueGrade(outputOf(report, 'openai:gpt-5-mini', v.case)!, expected.get(v.case)!);
        assert.equal(v.score, mine > theirs ? 1 : mine < theirs ? 0 : 0.5, `${v.case}: ${JSON.stringify(v)}`);
        assert.equal(v.winners?.length, 2);
      }
      assert.ok(j.verdicts.filter((x) => x.model === 'openai:gpt-5-mini').every((v) => v.score === 0.5));
      assert.match(r.stdout, /Judged by pairwise comparison with openai:gpt-5-mini, both orders/);
    });
  });

  it('with --repeats each sample is compared with the reference’s answer of the same sample', async () => {
    // Fresh draws for each sample, so a case's two samples often differ.
    const fresh = (id: string, accuracy: number): Profile => ({ ...candidate(id, accuracy), consistency: 0 });
    await emulate([fresh('claude-haiku-4-5', 0.6), fresh('gpt-5-mini', 0.6), judge('gpt-4.1', 1)], async (url) => {
      const { report } = await pairwise(url, 'gpt-4.1', ['--repeats', '2', '--temperature', '1', '--limit', '15', '-q']);
      const answer = (model: string, caseId: string, sample: number): string => {
        const index = report.cases.findIndex((c) => c.id === caseId);
        return report.results.find((x) => x.model === model && x.caseIndex === index && x.sample === sample)!.output!;
      };
      const verdicts = report.judge!.verdicts.filter((v) => v.model === 'anthropic:claude-haiku-4-5');
      assert.equal(verdicts.length, 30);
      let differs = 0;
      for (const v of verdicts) {
        const grade = (model: string, sample: number): number => trueGrade(answer(model, v.case, sample), expected.get(v.case)!);
        const [mine, theirs] = [grade('anthropic:claude-haiku-4-5', v.sample), grade('openai:gpt-5-mini', v.sample)];
        assert.equal(v.score, mine > theirs ? 1 : mine < theirs ? 0 : 0.5, `${v.case} sample ${v.sample}`);
        if (v.sample === 1 && answer('openai:gpt-5-mini', v.case, 1) !== answer('openai:gpt-5-mini', v.case, 0)) differs++;
      }
      assert.ok(differs > 0, "the reference's samples differ on some case: the test tells the samples apart");
    });
  });

  it('a judge that always prefers the first answer shown: both orders cancel it out, and the disagreement is reported', async () => {
    await emulate([...PROFILES, judge('gpt-4o-mini', 0)], async (url) => {
      const { r, report } = await pairwise(url, 'gpt-4o-mini');
      const j = report.judge!;
      assert.deepEqual(j.orderDisagreement, { pairs: 20, disagreed: 20 });
      assert.ok(j.verdicts.every((v) => v.score === 0.5));
      assert.match(r.stdout, /order disagreement: 20 of 20 pairs \(100 %\)/);
    });
  });
});

describe('judge reliability', () => {
  for (const [agreement, warned] of [
    [1, false],
    [0.1, true],
  ] as const) {
    it(`a judge at agreement ${agreement} with the truth: weighted kappa and Spearman against the human grades, ${warned ? 'with' : 'without'} a warning`, async () => {
      const d = await loadDataset(TICKETS);
      const dir = mkdtempSync(join(tmpdir(), 'tb-human-'));
      const csv = ['id,ticket,category,graded_answer,human_grade'];
      d.cases.slice(0, 30).forEach((c, i) => {
        const right = i % 3 !== 0;
        const answer = right ? c.expected : c.expected === 'Billing' ? 'Shipping' : 'Billing';
        csv.push([c.id, JSON.stringify(c.vars.ticket), c.expected, answer, i % 5 === 4 ? '' : right ? '5' : '1'].join(','));
      });
      writeFileSync(join(dir, 'graded.csv'), `${csv.join('\n')}\n`);
      await emulate([candidate('claude-haiku-4-5', 0.8), judge('claude-sonnet-4-6', agreement)], async (url) => {
        const r = await runCli(
          [
            'run',
            '-m',
            'haiku-4.5',
            '--judge',
            'sonnet-4.6',
            '--human-col',
            'human_grade',
            '--report',
            'md,html,junit,csv',
            '--junit-cases',
            '-o',
            'r.json',
            'graded.csv',
          ],
          envFor(url),
          dir,
        );
        assert.equal(r.code, 0, r.stderr);
        const j = (await readValidReport(join(dir, 'r.json'))).judge!;
        const a = j.human![0]!;
        assert.equal(a.n, 24, 'the rows with a grade');
        assert.equal(a.kappa?.weights, 'quadratic');
        if (warned) {
          assert.ok(a.low && (a.kappa!.value ?? 0) < 0.6, JSON.stringify(a));
          assert.match(
            r.stdout,
            /warning: judge sonnet-4\.6 agrees poorly with the human grades \(weighted kappa -?\d\.\d\d, Spearman -?\d\.\d\d, n 24; below 0\.6/,
          );
        } else {
          assert.equal(a.kappa!.value, 1);
          assert.equal(a.spearman!.value, 1);
          assert.equal(a.low, false);
          assert.doesNotMatch(r.stdout, /agrees poorly/);
          assert.match(r.stdout, /agreement sonnet-4\.6 – human: weighted κ 1\.00 \[1\.00, 1\.00\], Spearman ρ 1\.00 \[1\.00, 1\.00\], n 24/);
        }
        // The human-graded answers measure the judge: they are nobody's score.
        assert.equal(j.judged, 30);
        // The CI summary and the page say it too: what judging cost, apart, and the warning.
        const md = readFileSync(join(dir, 'r.md'), 'utf8');
        const html = readFileSync(join(dir, 'r.html'), 'utf8');
        for (const page of [md, html]) {
          assert.match(page, /Judged by rubric \(grades 1–5 → 0–1\): 30 answers scored\. Judge calls, not in the table: sonnet-4\.6: \d+ calls/);
          assert.equal(
            /warning:?\W*(<\/strong>|\*\*)?\s*judge sonnet-4\.6 agrees poorly/.test(page),
            warned,
            'the warning where the judge agrees poorly, and only there',
          );
        }
        // JUnit: the judges in a suite of their own, their figures and warning beside a passing test (the gate decides);
        // CSV and JUnit's failed cases: each answer's grade and the judge's reason.
        const junit = readFileSync(join(dir, 'r.junit.xml'), 'utf8');
        assert.match(
          junit,
          /<testsuite name="judge" tests="1" failures="0"[^>]*>\s*<testcase classname="tierbench.judge" name="judge sonnet-4.6" time="0.000">\s*<system-out>Judged by rubric/,
        );
        assert.equal(/<system-out>[^<]*warning: judge sonnet-4\.6 agrees poorly/.test(junit), warned);
        assert.match(junit, /<failure [^>]*>expected: [^<]*\njudges: sonnet-4\.6: grade [1-5] — /);
        const csv = readFileSync(join(dir, 'r.csv'), 'utf8').split('\r\n');
        assert.match(csv[0]!, /,score,score_reason,judge_verdicts,/);
        assert.match(csv[1]!, /,"?sonnet-4\.6: grade [1-5] — [^,]+/);
      });
    });
  }
});

describe('tierbench demo --task summarize', () => {
  it('summaries judged offline by a simulated judge, checked against the bundled human grades', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tb-demo-sum-'));
    const r = await runCli(['demo', '--task', 'summarize', '--fast', '--quiet', '-c', '64', '-o', 'r.json'], {}, cwd);
    assert.equal(r.code, 0, r.stderr);
    const report = await readValidReport(join(cwd, 'r.json'));
    assert.equal(report.run.simulated, true);
    assert.equal(report.settings.scorer, 'judge');
    const j = report.judge!;
    assert.equal(j.judged, 48);
    assert.equal(j.human?.[0]?.n, 15, 'the rows with a human grade');
    assert.ok((j.human[0]!.kappa!.value ?? 0) > 0.6, JSON.stringify(j.human[0]));
    assert.ok(j.cost!.total > 0);
    assert.match(r.stdout, /--judge opus --rubric '.+' --human-col human_grade/);
  });
});
