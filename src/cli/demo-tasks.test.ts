// `tierbench demo --task …`: each bundled task runs offline on the simulated tiers, prints its
// table, its recommendation and the same command on real models; an unknown task is one line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import type { Report } from '../types.js';

// A key and a base URL that would reach nothing: the demo must not read them.
const HOSTILE_ENV = { ANTHROPIC_API_KEY: 'sk-ant-real-looking-key', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

async function demo(task: string): Promise<{ stdout: string; report: Report }> {
  const cwd = mkdtempSync(join(tmpdir(), `tb-demo-${task}-`));
  // Every call at once: the simulated latencies are the demo's show, not what is checked here.
  const r = await runCli(['demo', '--task', task, '--fast', '--quiet', '-c', '200', '-o', 'r.json'], HOSTILE_ENV, cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SIMULATED/);
  assert.match(r.stdout, /│ Model +│ Accuracy │/, 'the table');
  assert.match(r.stdout, /^Use \S+ \(/m, 'the recommendation');
  assert.match(r.stdout, /The same on real models/);
  const report = readValidReport(join(cwd, 'r.json'));
  assert.equal(report.run.simulated, true);
  // Only the emulator answered: not one call failed (a call to 127.0.0.1:9 would have).
  for (const s of report.summaries) assert.equal(s.errors.total, 0, s.model);
  return { stdout: r.stdout, report };
}

describe('tierbench demo --task', () => {
  it('extract: invoices to JSON on haiku, sonnet and opus, the schema sent and the json-schema scorer', async () => {
    const { stdout, report } = await demo('extract');
    assert.equal(report.settings.scorer, 'json-schema');
    assert.equal(report.settings.schema?.sent, true);
    assert.equal(report.dataset.cases, readFileSync(`${ROOT}datasets/invoices.jsonl`, 'utf8').trim().split('\n').length);
    assert.deepEqual(
      report.summaries.map((s) => s.model),
      ['haiku', 'sonnet', 'opus'],
    );
    // Constrained decoding: every answer is an object of the schema's fields.
    for (const r of report.results) assert.deepEqual(Object.keys(JSON.parse(r.output!)).sort(), ['currency', 'date', 'invoice_number', 'total', 'vendor']);
    assert.ok(
      report.results.some((r) => r.score === 1),
      'some extractions are right',
    );
    assert.ok(stdout.includes(`--schema ${ROOT}datasets/invoices.schema.json --prompt 'Extract `), stdout);
    assert.ok(stdout.includes(`{{text}}' ${ROOT}datasets/invoices.jsonl\n`), stdout);
  });

  it('tools: support requests routed on haiku, sonnet and opus, scored by the tool scorer', async () => {
    const { stdout, report } = await demo('tools');
    assert.equal(report.settings.scorer, 'tool');
    assert.deepEqual(
      report.settings.tools?.map((t) => t.name),
      ['get_order_status', 'issue_refund', 'update_shipping_address', 'reset_password', 'cancel_subscription', 'escalate_to_human'],
    );
    assert.equal(report.dataset.cases, 48);
    assert.equal(report.summaries.length, 3);
    // The tool scorer scored calls: the right ones score 1, a call with one argument wrong in between.
    assert.ok(report.results.some((r) => r.score === 1 && /^\{"name":"[a-z_]+","arguments":/.test(r.output!)));
    assert.ok(stdout.includes(`--models haiku,sonnet,opus --tools ${ROOT}datasets/support-tools.tools.json ${ROOT}datasets/support-tools.jsonl\n`), stdout);
  });

  it('an unknown task is refused in one line naming the tasks', async () => {
    const r = await runCli(['demo', '--task', 'translate']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--task <task>' argument 'translate' is invalid\. Allowed choices are classify, summarize, extract, tools\./);
    assert.equal(r.stdout, '');
  });
});
