// Performance benchmark (not a test): efficiency against the physical limit, CPU per case, peak
// memory, latency fidelity and start-up, measured on this machine as ratios and figures. Beside
// each figure, the floors this machine allows against the same emulator: a raw HTTP client
// (raw-client.mjs), the Anthropic SDK alone (sdk-client.mjs), and the emulator's own served times.
// Timed runs are repeated; medians are reported.
//   npm run bench            (about eight minutes)
//   npm run bench -- memory  (only the 100,000-case peak memory, median of 3, with the heap flags on node's command line, and its floors: about four minutes)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { spawnEmulator } from './emulator.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tierbench.js');
const work = mkdtempSync(join(tmpdir(), 'tierbench-bench-'));
const LABELS = ['Billing', 'Technical', 'Account', 'Shipping', 'Returns'];

function dataset(n) {
  const path = join(work, `cases-${n}.csv`);
  const rows = Array.from({ length: n }, (_, i) => `c${i},Customer message number ${i}: my order has a problem,${LABELS[i % 5]}`);
  writeFileSync(path, `id,input,expected\n${rows.join('\n')}\n`);
  return path;
}

/** CPU seconds a process has used so far (Linux /proc), to check the emulator is never the bottleneck. */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function startEmulator(keyFile) {
  const profiles = join(work, 'profiles.json');
  writeFileSync(
    profiles,
    JSON.stringify([
      { ids: ['claude-haiku-4-5'], accuracy: 0.9, ttftMs: 50, ttftSpread: 0, tokensPerSec: 0 },
      { ids: ['claude-sonnet-4-6'], accuracy: 0.9, ttftMs: 0, ttftSpread: 0, tokensPerSec: 0 },
    ]),
  );
  return spawnEmulator(BIN, keyFile, profiles);
}

/** Zeroes the emulator's counts and served times, so the next figures are one run's. */
const resetStats = (url) => fetch(`${url}/_emulator/stats`, { method: 'DELETE' });
const served = async (url, model) => (await (await fetch(`${url}/_emulator/stats`)).json())[model]?.servedMs;

const RAW_CLIENT = join(ROOT, 'bench', 'raw-client.mjs');
// The SDK-only client, bundled as the CLI is (one file to load, not hundreds).
const SDK_CLIENT = join(work, 'sdk-client.bundle.mjs');
await build({
  entryPoints: [join(ROOT, 'bench', 'sdk-client.mjs')],
  outfile: SDK_CLIENT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

/** A reference client (raw HTTP, or the SDK alone) in its own process, timed like the CLI (from spawn to exit). */
async function reference(script, url, n, c, { model = 'claude-haiku-4-5' } = {}) {
  await resetStats(url);
  const started = performance.now();
  const child = spawn(process.execPath, [script, url, model, String(n), String(c)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${script} exited ${code}`);
  return { ...JSON.parse(out), wallMs: performance.now() - started };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
/** Of an odd count (the bench's 3 and 7 runs), the middle one. */
const median = (xs) => quantile(xs, 0.5);
const REPEATS = 3;

/** One CLI run in a fresh directory: wall time, its own CPU and peak memory, the report. */
async function run(url, args, nodeFlags = []) {
  const cwd = mkdtempSync(join(work, 'run-'));
  const usageFile = join(cwd, 'usage.json');
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'bench', 'cli-child.mjs'), 'run', '--quiet', '-o', 'r.json', ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'bench', TIERBENCH_USAGE_FILE: usageFile },
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`run ${args.join(' ')} exited ${code}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'));
  return { wallMs, ...usage, report };
}

async function startup(args) {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await new Promise((resolve) => spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' }).on('close', resolve));
    times.push(performance.now() - t);
  }
  return median(times);
}

const rows = [];
const row = (what, figure, target, ok) => rows.push({ what, figure, target, ok });
const emulatorCpu = [];
const ms = (x) => `${x.toFixed(1)} ms`;
const plus = (x, base) => `${x >= base ? '+' : '−'}${Math.abs(x - base).toFixed(1)}`;

const only = process.argv[2];
const LEAN_FLAGS = ['--heap-growing-percent=50', '--semi-space-growth-factor=1'];
const big = dataset(100_000);
const { child: emulator, url } = await startEmulator(big);
try {
  for (const [n, c] of only === 'memory'
    ? []
    : [
        [2000, 32],
        [20000, 64],
      ]) {
    const data = dataset(n);
    const ideal = Math.ceil(n / c) * 50;
    const cli = [];
    const floor = [];
    const sdk = [];
    for (let i = 0; i < REPEATS; i++) {
      await resetStats(url);
      const cpu0 = cpuOf(emulator.pid);
      const r = await run(url, ['-m', 'haiku-4.5', '-c', String(c), data]);
      emulatorCpu.push(((cpuOf(emulator.pid) - cpu0) * 1000) / r.wallMs);
      cli.push({ ...r, served: await served(url, 'claude-haiku-4-5') });
      floor.push(await reference(RAW_CLIENT, url, n, c));
      sdk.push(await reference(SDK_CLIENT, url, n, c));
    }
    const wall = median(cli.map((r) => r.wallMs));
    const rawWall = median(floor.map((r) => r.wallMs));
    const sdkWall = median(sdk.map((r) => r.wallMs));
    row(
      `efficiency, N=${n.toLocaleString('en-US')} C=${c}, 50 ms endpoint`,
      `${(ideal / wall).toFixed(2)} (ideal ${(ideal / 1000).toFixed(2)} s, measured ${(wall / 1000).toFixed(2)} s)`,
      '≥ 0.9',
      ideal / wall >= 0.9,
    );
    row(
      '  the floors: raw HTTP client / the SDK alone',
      `${(rawWall / 1000).toFixed(2)} s = ${(ideal / rawWall).toFixed(2)} / ${(sdkWall / 1000).toFixed(2)} s = ${(ideal / sdkWall).toFixed(2)}`,
      '—',
      true,
    );
    if (n === 20000) {
      const p50 = median(cli.map((r) => r.report.summaries[0].latencyMs.p50));
      const p99 = median(cli.map((r) => r.report.summaries[0].latencyMs.p99));
      const s50 = median(cli.map((r) => r.served.p50));
      const s99 = median(cli.map((r) => r.served.p99));
      const r50 = median(floor.map((r) => r.p50));
      const r99 = median(floor.map((r) => r.p99));
      const k50 = median(sdk.map((r) => r.p50));
      const k99 = median(sdk.map((r) => r.p99));
      row(
        'latency fidelity, C=64, 50 ms injected',
        `reported p50 ${ms(p50)} (${plus(p50, 50)}), p99 ${ms(p99)} (${plus(p99, 50)})`,
        'within 5 ms',
        p50 - 50 <= 5 && p99 - 50 <= 5,
      );
      row(
        '  the floors: emulator served / raw client / SDK alone',
        `p50 ${ms(s50)} / ${ms(r50)} / ${ms(k50)}, p99 ${ms(s99)} / ${ms(r99)} / ${ms(k99)}`,
        '—',
        true,
      );
      row('  tierbench over the SDK alone', `p50 ${plus(p50, k50)} ms, p99 ${plus(p99, k99)} ms`, '—', true);
      // Results are in case order, which is the order calls started: the first calls run cold code.
      const warm = (r, q) =>
        quantile(
          r.report.results.slice(5000).map((x) => x.latencyMs),
          q,
        );
      row(
        '  after warm-up (calls 5,001–20,000)',
        `p50 ${ms(median(cli.map((r) => warm(r, 0.5))))}, p99 ${ms(median(cli.map((r) => warm(r, 0.99))))}`,
        '—',
        true,
      );
      row('peak memory, N=20,000', `${median(cli.map((r) => r.maxRssMB)).toFixed(0)} MB`, '—', true);
    }
  }
  if (only !== 'memory') await cpuPerCase(url);
  const m = [];
  for (let i = 0; i < (only === 'memory' ? 3 : 1); i++) {
    await resetStats(url);
    m.push(await run(url, ['-m', 'sonnet-4.6', '-c', '64', big]));
  }
  const peak = median(m.map((r) => r.maxRssMB));
  row('peak memory, N=100,000', `${peak.toFixed(0)} MB (${m.map((r) => r.maxRssMB.toFixed(0)).join(', ')})`, '≤ 150 MB', peak <= 150);
  // The lean process the README offers: the heap limits on node's own command line (tierbench sets none itself).
  await resetStats(url);
  const lean = await run(url, ['-m', 'sonnet-4.6', '-c', '64', big], LEAN_FLAGS);
  row(`  with ${LEAN_FLAGS.join(' ')} on node's command line`, `${lean.maxRssMB.toFixed(0)} MB`, '≤ 150 MB', lean.maxRssMB <= 150);
  // The same calls with nothing kept, under Node's default heap settings, as tierbench runs: the SDK alone, and a raw client.
  const sdkOnly = await reference(SDK_CLIENT, url, 100_000, 64, { model: 'claude-sonnet-4-6' });
  const rawOnly = await reference(RAW_CLIENT, url, 100_000, 64, { model: 'claude-sonnet-4-6' });
  row('  the floors, keeping nothing: raw HTTP client / the SDK alone', `${rawOnly.maxRssMB.toFixed(0)} MB / ${sdkOnly.maxRssMB.toFixed(0)} MB`, '—', true);
} finally {
  emulator.kill('SIGTERM');
  // The datasets (10 MB at 100,000 cases), the bundled client and each run's folder.
  rmSync(work, { recursive: true, force: true });
}
if (only !== 'memory') {
  const v = await startup(['--version']);
  const h = await startup(['--help']);
  row('start-up, tierbench --version (median of 7)', `${v.toFixed(0)} ms`, '≤ 150 ms', v <= 150);
  row('start-up, tierbench --help (median of 7)', `${h.toFixed(0)} ms`, '≤ 150 ms', h <= 150);
}

async function cpuPerCase(url) {
  const zero = dataset(20000);
  await resetStats(url);
  const cpu0 = cpuOf(emulator.pid);
  const z = await run(url, ['-m', 'sonnet-4.6', '-c', '32', zero]);
  emulatorCpu.push(((cpuOf(emulator.pid) - cpu0) * 1000) / z.wallMs);
  row(
    'CPU per case, zero-latency endpoint, N=20,000',
    `${(z.cpuMs / 20000).toFixed(2)} ms (user + sys ${(z.cpuMs / 1000).toFixed(1)} s)`,
    '≤ 1 ms',
    z.cpuMs / 20000 <= 1,
  );
  await resetStats(url);
}

console.log(`tierbench performance — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
if (emulatorCpu.length > 0)
  console.log(
    `emulator in its own process; its CPU use during the runs: ${Math.round(Math.min(...emulatorCpu) * 100)}–${Math.round(Math.max(...emulatorCpu) * 100)} % of one core; timed runs: median of ${REPEATS}\n`,
  );
const w = Math.max(...rows.map((r) => r.what.length));
for (const r of rows)
  console.log(`${r.target === '—' ? '    ' : r.ok ? 'ok  ' : 'MISS'}  ${r.what.padEnd(w)}  ${r.figure}${r.target === '—' ? '' : `   target ${r.target}`}`);
