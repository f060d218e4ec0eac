import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { createGenerator } from 'ts-json-schema-generator';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import { csvField, escapeHtml, escapeXml, markdownCell } from './escape.js';

describe('escaping untrusted model output', () => {
  it('CSV: quotes, and formula injection neutralised', () => {
    assert.equal(csvField('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
    for (const bad of ['+1+1', '-2+3', '@SUM(A1)', '\tcmd']) assert.ok(csvField(bad).replace(/^"/, '').startsWith("'"), bad);
    assert.equal(csvField('a,b'), '"a,b"');
    // No link or image from a model's text on a CI page.
    assert.equal(markdownCell('![t](http://evil/t.png) [x](http://evil)'), '!\\[t\\](http://evil/t.png) \\[x\\](http://evil)');
    assert.equal(csvField(-0.5), '-0.5', 'numbers stay numbers');
    assert.equal(csvField(null), '');
  });
  it('HTML, XML and Markdown', () => {
    assert.equal(escapeHtml('<script>alert("x")</script>'), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    assert.equal(escapeXml('a\u0000b\u001fc & d'), 'abc &amp; d');
    assert.equal(markdownCell('a | b\nc <img>'), 'a \\| b c &lt;img&gt;');
  });
});

describe('report formats from a run', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'tb-formats-'));
  const summary = join(cwd, 'step-summary.md');
  writeFileSync(summary, '# earlier step\n');
  // Every call at once: the simulated tiers' latencies are the demo's show, not what is checked here.
  const run = await runCli(['demo', '--quiet', '-c', '630', '--report', 'md,junit,csv', '-o', 'r.json'], { GITHUB_STEP_SUMMARY: summary }, cwd);

  it('writes every format asked for, and a valid JSON report', () => {
    assert.equal(run.code, 0, run.stderr);
    const report = readValidReport(join(cwd, 'r.json'));
    assert.equal(report.schemaVersion, 8);
  });
  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY', () => {
    const text = readFileSync(summary, 'utf8');
    assert.ok(text.startsWith('# earlier step\n## tierbench: support-tickets.csv — 210 cases, 3 models (simulated)'));
    assert.equal(text.slice('# earlier step\n'.length).trimEnd(), readFileSync(join(cwd, 'r.md'), 'utf8').trimEnd());
    assert.match(text, /\| opus ★ \| 9\d\.\d% \|/);
  });
  it('JUnit has the common XSD shape: testsuites > testsuite > testcase, with counts that add up', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(
      readFileSync(join(cwd, 'r.junit.xml'), 'utf8'),
    );
    const suites = xml.testsuites;
    assert.equal(suites.name, 'tierbench');
    let tests = 0;
    for (const suite of suites.testsuite as Array<Record<string, unknown>>) {
      for (const a of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp']) assert.ok(a in suite, `testsuite.${a}`);
      const cases = suite.testcase as Array<Record<string, unknown>>;
      assert.equal(Number(suite.tests), cases.length);
      assert.equal(Number(suite.failures), cases.filter((c) => 'failure' in c).length);
      for (const c of cases) for (const a of ['classname', 'name', 'time']) assert.ok(a in c, `testcase.${a}`);
      tests += cases.length;
    }
    assert.equal(Number(suites.tests), tests);
  });
  it('CSV: a header and one row per case × model', () => {
    const lines = readFileSync(join(cwd, 'r.csv'), 'utf8').trimEnd().split('\r\n');
    assert.match(lines[0] ?? '', /^case_id,line,category,model,sample,expected,answer,finish,stop_reason,score,/);
    assert.equal(lines.length, 1 + 210 * 3);
    // Every answered call says how it ended, as the API put it.
    assert.match(lines[1] ?? '', /,(answered|empty|truncated|refused),(end_turn|stop|max_tokens),/);
    // `sample` counts from 0, as in the JSON report; costs carry no float noise.
    assert.match(lines[1] ?? '', /^[^,]*,\d+,[^,]*,[^,]+,0,/);
    for (const line of lines) assert.doesNotMatch(line, /\d\.\d*0000000\d|\d\.\d*9999999\d/);
  });
});

describe('JSON Schema', () => {
  it('schema/report.schema.json is what the Report type generates (npm run schema)', () => {
    const generated = createGenerator({ path: `${ROOT}src/types.ts`, type: 'Report', tsconfig: `${ROOT}tsconfig.json`, skipTypeCheck: true }).createSchema(
      'Report',
    );
    assert.deepEqual(
      JSON.parse(readFileSync(`${ROOT}schema/report.schema.json`, 'utf8')),
      JSON.parse(JSON.stringify(generated)),
      'the schema is out of date: run npm run schema',
    );
  });
});
