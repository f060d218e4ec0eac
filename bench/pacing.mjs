// Pacing benchmark (not a test): sustained throughput as a share of an enforced rate limit, and the
// 429s it took, at 10,000 requests a minute for both API shapes and at an OpenAI token limit,
// beside the adaptive limit alone
// (the emulator enforcing the same limits without advertising them, as vLLM or a gateway would).
// The emulator runs in its own process and enforces token buckets as the providers describe them
// (src/emulator/limits.ts): a second's worth at once, then the limit's rate.
//   npm run bench:pacing            (about four minutes)
//   npm run bench:pacing -- 2000    (cases per run; default 3,500, about 20 s each at 10,000 a minute)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnEmulator } from './emulator.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tierbench.js');
const work = mkdtempSync(join(tmpdir(), 'tierbench-pacing-'));
const N = Number(process.argv[2] ?? 3500);
const RPM = 10_000;
const LABELS = ['Billing', 'Technical', 'Account', 'Shipping', 'Returns'];

const data = join(work, 'cases.csv');
writeFileSync(
  data,
  `id,input,expected\n${Array.from({ length: N }, (_, i) => `c${i},Customer message number ${i}: my order has a problem,${LABELS[i % 5]}`).join('\n')}\n`,
);

// Anthropic's tier-4 token limits for Haiku (2M input, 400k output a minute) and a large token
// limit for an OpenAI mini model: requests are the limit that binds (the cases are short, answers
// a word). A third model binds on OpenAI's tokens (prompt + max_tokens, counted at the start):
// 1,000,000 a minute at about 215 tokens a request is about 4,600 requests a minute.
const MAX_TOKENS = 200;
const TPM = 1_000_000;
const limits = { ttftMs: 50, ttftSpread: 0.2, tokensPerSec: 0, accuracy: 0.9, rpm: RPM };
const profiles = (quirks) => [
  { ids: ['claude-haiku-4-5'], ...limits, itpm: 2_000_000, otpm: 400_000, quirks },
  { ids: ['gpt-4o-mini'], ...limits, tpm: 30_000_000, quirks },
  { ids: ['gpt-4.1-mini'], ...limits, tpm: TPM, quirks },
];
/** What each run is measured against: the limit that binds, and what one answer spends of it. */
const SCENARIOS = [
  { model: 'claude-haiku-4-5', limit: 'requests', perMinute: RPM, spent: (stats) => stats.byStatus['200'] ?? 0 },
  { model: 'gpt-4o-mini', limit: 'requests', perMinute: RPM, spent: (stats) => stats.byStatus['200'] ?? 0 },
  { model: 'gpt-4.1-mini', limit: 'tokens', perMinute: TPM, spent: (stats) => stats.usage.input + (stats.byStatus['200'] ?? 0) * MAX_TOKENS },
];

async function emulator(quirks) {
  const file = join(work, `profiles-${quirks.length}.json`);
  writeFileSync(file, JSON.stringify(profiles(quirks)));
  return spawnEmulator(BIN, data, file);
}

async function run(url, { model, perMinute, spent }) {
  const cwd = mkdtempSync(join(work, 'run-'));
  await fetch(`${url}/_emulator/stats`, { method: 'DELETE' });
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', '--quiet', '-m', model, '-c', '64', '--max-tokens', String(MAX_TOKENS), '-o', 'r.json', data], {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'bench', OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'bench' },
  });
  // The emulator's counts, polled: from its first request to its last answer, without the CLI's start-up.
  let first;
  let last;
  const poll = setInterval(async () => {
    const s = (await (await fetch(`${url}/_emulator/stats`)).json())[model];
    const now = performance.now();
    if (s?.requests > 0) first ??= now;
    if ((s?.byStatus['200'] ?? 0) >= N) last ??= now;
  }, 50);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  clearInterval(poll);
  const stats = (await (await fetch(`${url}/_emulator/stats`)).json())[model];
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'));
  const s = report.summaries[0];
  // Beyond the first second's burst, the limit allows perMinute / 60 a second: the share of that reached.
  const answered = stats.byStatus['200'] ?? 0;
  const beyond = Math.max(0, spent(stats) - perMinute / 60);
  const share = beyond / ((perMinute / 60_000) * wallMs);
  const servingMs = (last ?? performance.now()) - (first ?? started);
  const sustained = beyond / ((perMinute / 60_000) * servingMs);
  return { code, wallMs, share, sustained, answered, failed: s.errors.total, throttled: stats.byStatus['429'] ?? 0, notes: report.notes ?? [] };
}

const rows = [];
for (const [mode, quirks] of [
  ['paced to the advertised limits', []],
  ['adaptive only (no headers: the old behaviour)', ['no-rate-headers']],
]) {
  const { child, url } = await emulator(quirks);
  try {
    for (const scenario of SCENARIOS) {
      const { model, limit } = scenario;
      const r = await run(url, scenario);
      rows.push({ mode, model, limit, ...r });
      console.error(
        `${mode} · ${model}: ${(r.wallMs / 1000).toFixed(1)} s, share ${r.share.toFixed(3)} (${r.sustained.toFixed(3)} while serving), 429s ${r.throttled}, failed ${r.failed}`,
      );
    }
  } finally {
    child.kill();
  }
}

console.log(
  `\nEnforced: ${RPM.toLocaleString('en-US')} requests a minute (and ${TPM.toLocaleString('en-US')} tokens for gpt-4.1-mini); ${N.toLocaleString('en-US')} cases per run. Share of the binding limit: what the answers spent of it beyond the first second's burst, against what its rate allows over the run's wall time (start-up included), and over the time the emulator was serving (its first request to its last answer, polled every 50 ms). Target ≥ 0.9 with a handful of 429s at most.\n`,
);
console.log('| client | API | binding limit | wall time | share (wall) | share (serving) | 429s | cases failed |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.mode} | ${r.model} | ${r.limit} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.share.toFixed(3)} | ${r.sustained.toFixed(3)} | ${r.throttled} | ${r.failed} |`,
  );
const paced = rows.filter((r) => r.mode.startsWith('paced'));
// Sustained throughput is the serving share; the wall-time share also carries the CLI's start-up (about 1 s).
const ok = paced.every((r) => r.sustained >= 0.9 && r.throttled <= 5 && r.failed === 0);
console.log(`\n${ok ? 'PASS' : 'FAIL'}: paced runs sustained ≥ 0.9 of the limit with ≤ 5 429s and no failed case`);
