// JUnit XML, so CI systems show each model's gate checks (and, with --junit-cases, each case)
// as tests. One <testsuite> per model.
import type { CaseResult, Report } from '../types.js';
import { escapeXml } from './escape.js';
import { judgeSentences, judgeVerdictsOf, NOT_MEASURED } from './sentences.js';

const attr = (value: string | number): string => escapeXml(String(value));

interface TestCase {
  name: string;
  /** Seconds; absent in a batch run, where no call was timed (a property of the suite says so). */
  time?: number;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string };
  /** Said beside the result, not a failure: what the judges cost and how far to trust them. */
  out?: string;
}

function caseTest(report: Report, r: CaseResult): TestCase {
  const c = report.cases[r.caseIndex];
  const name = `case ${c?.id ?? r.caseIndex}${r.sample > 0 ? ` sample ${r.sample + 1}` : ''}`;
  const time = report.settings.batch === true ? undefined : (r.latencyMs ?? 0) / 1000;
  if (r.error) return { name, time, error: { message: `${r.error.kind}: ${r.error.message}`, type: r.error.kind } };
  if (r.score !== null && r.score < 1) {
    return {
      name,
      time,
      failure: {
        message: `expected ${JSON.stringify(c?.expected ?? '')}, got ${JSON.stringify((r.output ?? '').slice(0, 200))}`,
        type: 'wrong-answer',
        body: `expected: ${c?.expected ?? ''}\nanswer: ${r.output ?? ''}\nscore: ${r.score}${report.judge === undefined ? '' : `\njudges: ${judgeVerdictsOf(report, r)}`}`,
      },
    };
  }
  return { name, time };
}

export function renderJUnit(report: Report, options: { cases: boolean }): string {
  const suites = report.summaries.map((s) => {
    const tests: TestCase[] = [];
    for (const g of report.gate?.checks.filter((c) => c.model === s.model) ?? []) {
      tests.push({ name: `gate ${g.check}`, time: 0, ...(g.status === 'fail' && { failure: { message: g.message, type: g.check, body: g.message } }) });
    }
    tests.push({
      name: 'answered',
      time: 0,
      ...(s.scored === 0 && { failure: { message: `${s.model} answered no case`, type: 'no-answers', body: report.notes.join('\n') } }),
    });
    if (options.cases) for (const r of report.results) if (r.model === s.model) tests.push(caseTest(report, r));
    return { name: s.model, tests };
  });
  // The judges are not a model under test: a suite of their own, a test per judge with what it cost
  // and, beside it, the agreement figures and warnings (a low agreement warns; the gate decides).
  if (report.judge !== undefined) {
    const { lines, warnings } = judgeSentences(report.judge);
    const out = [...lines, ...warnings.map((w) => `warning: ${w}`)].join('\n');
    suites.push({ name: 'judge', tests: report.judge.judges.map((j) => ({ name: `judge ${j.name}`, time: 0, out })) });
  }
  const count = (xs: TestCase[], k: 'failure' | 'error'): number => xs.filter((t) => t[k] !== undefined).length;
  const all = suites.flatMap((s) => s.tests);
  const seconds = (report.run.durationMs / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tierbench" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" time="${seconds}">`,
  ];
  for (const suite of suites) {
    lines.push(
      `  <testsuite name="${attr(suite.name)}" tests="${suite.tests.length}" failures="${count(suite.tests, 'failure')}" errors="${count(suite.tests, 'error')}" skipped="0" time="${seconds}" timestamp="${attr(report.run.startedAt.replace(/\.\d+Z$/, ''))}">`,
    );
    // JUnit has no way to say "not measured" in a time: the suite says it in a property, and the cases carry no time.
    if (report.settings.batch === true)
      lines.push('    <properties>', `      <property name="latency" value="${NOT_MEASURED} (batch mode)"/>`, '    </properties>');
    for (const t of suite.tests) {
      const open = `    <testcase classname="tierbench.${attr(suite.name)}" name="${attr(t.name)}"${t.time === undefined ? '' : ` time="${t.time.toFixed(3)}"`}`;
      if (t.failure)
        lines.push(
          `${open}>`,
          `      <failure message="${attr(t.failure.message)}" type="${attr(t.failure.type)}">${escapeXml(t.failure.body)}</failure>`,
          '    </testcase>',
        );
      else if (t.error) lines.push(`${open}>`, `      <error message="${attr(t.error.message)}" type="${attr(t.error.type)}"/>`, '    </testcase>');
      else if (t.out !== undefined) lines.push(`${open}>`, `      <system-out>${escapeXml(t.out)}</system-out>`, '    </testcase>');
      else lines.push(`${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
