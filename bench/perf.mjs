// Performance benchmark (not a test): efficiency against the physical limit, CPU per case, peak
// memory, latency fidelity and start-up, measured on this machine as ratios and figures.
//   npm run bench            (about two minutes)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  writeFileSync(profiles, JSON.stringify([
    { ids: ['claude-haiku-4-5'], accuracy: 0.9, ttftMs: 50, ttftSpread: 0, tokensPerSec: 0 },
    { ids: ['claude-sonnet-4-6'], accuracy: 0.9, ttftMs: 0, ttftSpread: 0, tokensPerSec: 0 },
  ]));
  const child = spawn(process.execPath, [BIN, 'emulate', '--port', '0', '--key', keyFile, '--profiles', profiles], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (c) => {
      seen += c;
      const m = /listening on (http:\/\/\S+)/.exec(seen);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`emulator exited: ${seen}`)));
  });
  return { child, url };
}

/** One CLI run in a fresh directory: wall time, its own CPU and peak memory, the report. */
async function run(url, args) {
  const cwd = mkdtempSync(join(work, 'run-'));
  const usageFile = join(cwd, 'usage.json');
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'cli-child.mjs'), 'run', '--quiet', '-o', 'r.json', ...args], {
    cwd, stdio: ['ignore', 'ignore', 'inherit'],
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
  return times.sort((a, b) => a - b)[3];
}

const rows = [];
const row = (what, figure, target, ok) => rows.push({ what, figure, target, ok });
const emulatorCpu = [];

const big = dataset(100_000);
const { child: emulator, url } = await startEmulator(big);
try {
  for (const [n, c] of [[2000, 32], [20000, 64]]) {
    const data = dataset(n);
    const cpu0 = cpuOf(emulator.pid);
    const r = await run(url, ['-m', 'haiku-4.5', '-c', String(c), data]);
    emulatorCpu.push(((cpuOf(emulator.pid) - cpu0) * 1000) / r.wallMs);
    const ideal = Math.ceil(n / c) * 50;
    row(`efficiency, N=${n.toLocaleString('en-US')} C=${c}, 50 ms endpoint`, `${(ideal / r.wallMs).toFixed(2)} (ideal ${(ideal / 1000).toFixed(2)} s, measured ${(r.wallMs / 1000).toFixed(2)} s)`, '≥ 0.9', ideal / r.wallMs >= 0.9);
    if (n === 20000) {
      const l = r.report.summaries[0].latencyMs;
      row('latency fidelity, C=64, 50 ms injected', `p50 ${l.p50.toFixed(1)} ms (+${(l.p50 - 50).toFixed(1)}), p99 ${l.p99.toFixed(1)} ms (+${(l.p99 - 50).toFixed(1)})`, 'within 5 ms', l.p50 - 50 <= 5 && l.p99 - 50 <= 5);
      row('peak memory, N=20,000', `${r.maxRssMB.toFixed(0)} MB`, '—', true);
    }
  }
  const zero = dataset(20000);
  const cpu0 = cpuOf(emulator.pid);
  const z = await run(url, ['-m', 'sonnet-4.6', '-c', '32', zero]);
  emulatorCpu.push(((cpuOf(emulator.pid) - cpu0) * 1000) / z.wallMs);
  row('CPU per case, zero-latency endpoint, N=20,000', `${(z.cpuMs / 20000).toFixed(2)} ms (user + sys ${(z.cpuMs / 1000).toFixed(1)} s)`, '≤ 1 ms', z.cpuMs / 20000 <= 1);
  const m = await run(url, ['-m', 'sonnet-4.6', '-c', '64', big]);
  row('peak memory, N=100,000', `${m.maxRssMB.toFixed(0)} MB (run ${(m.wallMs / 1000).toFixed(1)} s)`, '≤ 150 MB', m.maxRssMB <= 150);
} finally {
  emulator.kill('SIGTERM');
}
const v = await startup(['--version']);
const h = await startup(['--help']);
row('start-up, tierbench --version (median of 7)', `${v.toFixed(0)} ms`, '≤ 150 ms', v <= 150);
row('start-up, tierbench --help (median of 7)', `${h.toFixed(0)} ms`, '≤ 150 ms', h <= 150);

console.log(`tierbench performance — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
console.log(`emulator in its own process; its CPU use during the runs: ${emulatorCpu.map((x) => `${Math.round(x * 100)} %`).join(', ')} of one core\n`);
const w = Math.max(...rows.map((r) => r.what.length));
for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'MISS'}  ${r.what.padEnd(w)}  ${r.figure}   target ${r.target}`);
