// Crash test (not a test: it takes a minute): kill -9 a run at random moments, resume it, and
// check that every case × model lands exactly once and that the calls paid twice are at most the
// calls that were in flight (the concurrency). Then kill -9 runs while they write their final
// report over an earlier one: the report on disk is always a whole one, and a resume writes the
// new one without a call.
//   npm run bench:crash [-- --trials 12]
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../dist/cases/load.js';
import { Emulator } from '../dist/emulator/server.js';
import { AnswerKey } from '../dist/emulator/simulated.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const TRIALS = Number(args[args.indexOf('--trials') + 1] || 12) || 12;
const CONCURRENCY = 8;
const DATA = join(ROOT, 'datasets', 'support-tickets.csv');
const dataset = await loadDataset(DATA);
const CALLS = dataset.cases.length * 2;

let seed = 99;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

function run(cwd, url, extra) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'tierbench.js'), 'run', ...extra, '--quiet'], {
    cwd,
    env: { PATH: process.env.PATH, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'bench' },
    stdio: 'ignore',
  });
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
}

const rows = [];
for (let t = 0; t < TRIALS; t++) {
  const emulator = new Emulator({
    key: AnswerKey.fromCases(dataset.cases, dataset.inputColumn),
    profiles: [
      { ids: ['claude-haiku-4-5'], accuracy: 0.9, ttftMs: 25, ttftSpread: 0.5, tokensPerSec: 0 },
      { ids: ['claude-sonnet-4-6'], accuracy: 0.95, ttftMs: 40, ttftSpread: 0.5, tokensPerSec: 0 },
    ],
  });
  const url = await emulator.listen(0);
  const cwd = mkdtempSync(join(tmpdir(), 'tb-crash-'));
  const kills = 1 + (t % 3); // 1, 2 or 3 crashes in a trial
  let code;
  let killed = 0;
  while (true) {
    const journal = existsSync(join(cwd, '.tierbench', 'runs')) ? readdirSync(join(cwd, '.tierbench', 'runs'))[0] : undefined;
    // Killed before the run wrote its journal (still starting up): nothing was paid, start again.
    const extra =
      journal === undefined
        ? ['-m', 'haiku-4.5,sonnet-4.6', '-c', String(CONCURRENCY), '--no-cache', '-o', 'r.json', DATA]
        : ['--resume', join(cwd, '.tierbench', 'runs', journal)];
    const r = run(cwd, url, extra);
    if (killed < kills) {
      const finished = await Promise.race([r.done, new Promise((resolve) => setTimeout(() => resolve(undefined), 300 + random() * 1500))]);
      if (finished !== undefined) {
        code = finished;
        break;
      } // it finished before the kill came
      r.child.kill('SIGKILL');
      killed++;
      await r.done;
      continue;
    }
    code = await r.done;
    break;
  }
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'));
  const keys = report.results.map((x) => `${x.model}:${x.caseIndex}:${x.sample}`);
  const exactlyOnce = keys.length === CALLS && new Set(keys).size === CALLS;
  const served = emulator.stats().succeeded;
  rows.push({ trial: t + 1, kills: killed, exit: code, exactlyOnce, served, repeated: served - CALLS });
  await emulator.close();
}

console.log(
  `Crash test: ${TRIALS} trials; each a run of ${CALLS} calls at concurrency ${CONCURRENCY}, killed with SIGKILL 1–3 times at random moments, then resumed.`,
);
console.log('trial  kills  exit  every call once  answers served  paid twice (≤ concurrency per kill)');
for (const r of rows)
  console.log(
    `${String(r.trial).padStart(5)}  ${String(r.kills).padStart(5)}  ${String(r.exit).padStart(4)}  ${String(r.exactlyOnce).padStart(15)}  ${String(r.served).padStart(14)}  ${String(r.repeated).padStart(10)}`,
  );
const ok = rows.every((r) => r.exit === 0 && r.exactlyOnce && r.repeated <= CONCURRENCY * r.kills);
console.log(
  `\n${ok ? 'PASS' : 'FAIL'}: every case × model exactly once in ${rows.filter((r) => r.exactlyOnce).length}/${rows.length} trials; ` +
    `paid twice at most ${Math.max(...rows.map((r) => r.repeated))} calls in a trial (limit ${CONCURRENCY} per kill), ${(rows.reduce((s, r) => s + r.repeated, 0) / rows.reduce((s, r) => s + r.kills, 0)).toFixed(1)} per kill on average.`,
);

// Kills during the final write. A report of 2 models × 210 cases × 10 repeats (about 4 MB) takes
// tens of milliseconds to write; the kill is sent 0–40 ms after its temporary file appears.
const REPEATS = 10;
const WRITE_CALLS = CALLS * REPEATS;
const isTemp = (name) => /^\.r\.json\.\d+\.[0-9a-f]+\.tmp$/.test(name);
const validReport = (path, results) => {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8'));
    return r.tool?.name === 'tierbench' && r.results.length === results;
  } catch {
    return false;
  }
};
let earlier;
const writes = [];
for (let t = 0; t < TRIALS; t++) {
  const emulator = new Emulator({
    key: AnswerKey.fromCases(dataset.cases, dataset.inputColumn),
    profiles: [
      { ids: ['claude-haiku-4-5'], accuracy: 0.9, ttftMs: 0, tokensPerSec: 0 },
      { ids: ['claude-sonnet-4-6'], accuracy: 0.95, ttftMs: 0, tokensPerSec: 0 },
    ],
  });
  const url = await emulator.listen(0);
  const cwd = mkdtempSync(join(tmpdir(), 'tb-crash-write-'));
  const measure = ['-m', 'haiku-4.5,sonnet-4.6', '-c', '64', '--no-cache', '--repeats', String(REPEATS), '-o', 'r.json', DATA];
  if (earlier === undefined) {
    // The earlier report every later trial's run writes over: a whole one, of the first run.
    await run(cwd, url, measure).done;
    earlier = join(cwd, 'r.json');
  }
  copyFileSync(earlier, join(cwd, 'r.json'));
  const before = emulator.stats().succeeded;
  const r = run(cwd, url, measure);
  let sawTemp = false;
  const watcher = watch(cwd, (_event, name) => {
    if (name && isTemp(name) && !sawTemp) {
      sawTemp = true;
      // At a random point of the write (or just after it).
      setTimeout(() => r.child.kill('SIGKILL'), random() * 40);
    }
  });
  const exit = await r.done;
  watcher.close();
  const killed = exit === null;
  const temp = readdirSync(cwd).find(isTemp);
  const tempLeft = temp === undefined ? '—' : `${(statSync(join(cwd, temp)).size / 1e6).toFixed(2)} MB`;
  // Killed before the rename: the earlier report, byte for byte.
  const whole = temp === undefined ? validReport(join(cwd, 'r.json'), WRITE_CALLS) : readFileSync(join(cwd, 'r.json')).equals(readFileSync(earlier));
  const journal = existsSync(join(cwd, '.tierbench', 'runs'))
    ? readdirSync(join(cwd, '.tierbench', 'runs')).find((f) => f.endsWith('.journal.jsonl'))
    : undefined;
  let resumed = null;
  if (journal !== undefined) resumed = await run(cwd, url, ['--resume', join(cwd, '.tierbench', 'runs', journal)]).done;
  const after = validReport(join(cwd, 'r.json'), WRITE_CALLS);
  writes.push({
    trial: t + 1,
    killed,
    tempLeft,
    whole,
    resumed,
    after,
    paidTwice: emulator.stats().succeeded - before - WRITE_CALLS,
    cleaned: !readdirSync(cwd).some(isTemp),
  });
  await emulator.close();
}
console.log(
  `\nKills during the final write: ${writes.length} runs of ${WRITE_CALLS.toLocaleString('en-US')} calls over an earlier report, killed with SIGKILL 0–40 ms after their temporary report file appeared.`,
);
console.log(
  `trial  killed  partial temp file  r.json whole  resume exit  r.json whole after  calls paid twice  temp removed   (a whole report: ${(statSync(earlier).size / 1e6).toFixed(2)} MB)`,
);
for (const w of writes)
  console.log(
    `${String(w.trial).padStart(5)}  ${String(w.killed).padStart(6)}  ${String(w.tempLeft).padStart(17)}  ${String(w.whole).padStart(12)}  ${String(w.resumed ?? '—').padStart(11)}  ${String(w.after).padStart(18)}  ${String(w.paidTwice).padStart(16)}  ${String(w.cleaned).padStart(12)}`,
  );
const writesOk = writes.every((w) => w.whole && (w.resumed === null || w.resumed === 0) && w.after && w.paidTwice === 0 && w.cleaned);
const midWrite = writes.filter((w) => w.tempLeft !== '—').length;
console.log(
  `\n${writesOk ? 'PASS' : 'FAIL'}: killed in the middle of the write in ${midWrite}/${writes.length} runs (${writes.filter((w) => w.killed).length - midWrite} after the rename, ${writes.filter((w) => !w.killed).length} finished first); ` +
    `the report on disk was a whole one after every kill; every resume wrote the new report with ${Math.max(...writes.map((w) => w.paidTwice))} calls paid twice and removed the killed writer's temporary file.`,
);
process.exitCode = ok && writesOk ? 0 : 1;
