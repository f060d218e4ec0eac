// Batch mode against live calls (issue 20; not a test: it takes about a minute). The same cases and
// models on a fresh emulator each time (the same seed: the same answers), through the real CLI in a
// child process: what each run cost (the report's own figures), the calls the models answered, the
// requests the run made to the batch endpoints, and wall time. Then a batch run killed with SIGKILL
// once its batches are submitted and resumed after they ended: nothing is submitted or run twice.
//   npm run bench:batch [-- --rounds 3]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../dist/cases/load.js';
import { Emulator } from '../dist/emulator/server.js';
import { AnswerKey } from '../dist/emulator/simulated.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1] || 3) || 3;
const DATA = join(ROOT, 'datasets', 'support-tickets.csv');
const dataset = await loadDataset(DATA);
const MODELS = 'haiku-4.5,gpt-5-mini';
const IDS = ['claude-haiku-4-5', 'gpt-5-mini'];
const POLL_S = 0.25;

function emulator(batches = {}) {
  return new Emulator({
    key: AnswerKey.fromCases(dataset.cases, dataset.inputColumn),
    profiles: IDS.map((id, i) => ({ ids: [id], accuracy: 0.85 + 0.05 * i, ttftMs: 20, ttftSpread: 0.5, tokensPerSec: 0 })),
    batches: { startMs: 50, ...batches },
  });
}

/** Counts the requests the run makes to the batch and file endpoints (creates, polls, results). */
function countBatchRequests(e) {
  const counts = { create: 0, poll: 0, results: 0 };
  const route = e.batches.route.bind(e.batches);
  e.batches.route = async (req, res, url) => {
    const handled = await route(req, res, url);
    if (handled) {
      if (req.method === 'POST' && /\/(batches|files)$/.test(url)) counts.create++;
      else if (/results$|content$/.test(url)) counts.results++;
      else counts.poll++;
    }
    return handled;
  };
  return counts;
}

function cli(cwd, url, extra) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'tierbench.js'), 'run', ...extra, '--quiet'], {
    cwd,
    env: { PATH: process.env.PATH, ANTHROPIC_BASE_URL: url, OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_API_KEY: 'bench', OPENAI_API_KEY: 'bench' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return { child, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? signal, stderr }))) };
}

async function measured(mode) {
  const e = emulator();
  const url = await e.listen(0);
  const requests = countBatchRequests(e);
  const cwd = mkdtempSync(join(tmpdir(), `tb-bench-${mode}-`));
  const started = performance.now();
  const { code, stderr } = await cli(cwd, url, [
    '-m',
    MODELS,
    '--no-cache',
    '-o',
    'r.json',
    ...(mode === 'batch' ? ['--batch', '--batch-poll', String(POLL_S)] : []),
    DATA,
  ]).done;
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${mode} run exited ${code}: ${stderr}`);
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'));
  const answered = IDS.reduce((n, id) => n + e.stats(id).requests, 0);
  await e.close();
  return {
    cost: report.summaries.reduce((n, s) => n + s.cost.total, 0),
    accuracy: report.summaries.map((s) => s.accuracy),
    answered,
    batches: e.batches.counts.batches,
    batchRequests: requests,
    wallMs,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = { live: [], batch: [] };
for (let r = 0; r < ROUNDS; r++) for (const mode of ['live', 'batch']) rows[mode].push(await measured(mode));

const live = rows.live[0];
const batch = rows.batch[0];
const same = rows.batch.every((b, i) => JSON.stringify(b.accuracy) === JSON.stringify(rows.live[i].accuracy));
console.log(`${dataset.cases.length} cases × ${IDS.length} models (${MODELS}), ${ROUNDS} rounds, --batch-poll ${POLL_S} s, emulator batches start after 50 ms`);
console.log(
  `accuracy per model, live ${JSON.stringify(live.accuracy)}, batch ${JSON.stringify(batch.accuracy)}: ${same ? 'the same in every round' : 'DIFFERENT'}`,
);
console.log(`cost: live $${live.cost.toFixed(6)}, batch $${batch.cost.toFixed(6)}: ratio ${(batch.cost / live.cost).toFixed(4)}`);
console.log(`calls the models answered: live ${live.answered}, batch ${batch.answered}`);
console.log(
  `requests to the batch endpoints (batch run): ${batch.batches} batches; create/upload ${batch.batchRequests.create}, polls ${batch.batchRequests.poll}, results ${batch.batchRequests.results}`,
);
console.log(
  `wall, spawn → exit, median of ${ROUNDS}: live ${median(rows.live.map((x) => x.wallMs)).toFixed(0)} ms, batch ${median(rows.batch.map((x) => x.wallMs)).toFixed(0)} ms`,
);

// kill -9 once the batches are submitted; the provider finishes them while tierbench is away; --resume reads them.
{
  const e = emulator({ hold: true });
  const url = await e.listen(0);
  const cwd = mkdtempSync(join(tmpdir(), 'tb-bench-crash-'));
  const first = cli(cwd, url, ['-m', MODELS, '--no-cache', '-o', 'r.json', '--batch', '--batch-poll', String(POLL_S), DATA]);
  await e.batches.created(IDS.length);
  // The batch ids are journaled as soon as the run has them: wait for both lines, then kill.
  const journalDir = join(cwd, '.tierbench', 'runs');
  for (;;) {
    const name = readdirSync(journalDir).find((f) => f.endsWith('.journal.jsonl'));
    const text = name === undefined ? '' : readFileSync(join(journalDir, name), 'utf8');
    if (text.split('\n').filter((l) => l.includes('"type":"batch"')).length === IDS.length) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  first.child.kill('SIGKILL');
  const killed = await first.done;
  e.batches.release();
  const journal = readdirSync(journalDir).find((f) => f.endsWith('.journal.jsonl'));
  const resumed = await cli(cwd, url, ['--resume', join(journalDir, journal), '--batch-poll', String(POLL_S)]).done;
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'));
  const each = IDS.map((id) => e.stats(id).requests);
  console.log(
    `kill -9 after submitting (exit ${killed.code}), --resume (exit ${resumed.code}): ${e.batches.counts.batches} batches created, ${e.batches.counts.requests} requests submitted, answered per model ${each.join(' and ')} of ${dataset.cases.length}; report ${report.run.status}, ${report.summaries.map((s) => s.scored).join(' and ')} scored`,
  );
  await e.close();
}
