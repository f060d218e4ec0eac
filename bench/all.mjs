// `npm run bench`: every cost and speed benchmark in turn, each in its own process, on a quiet
// machine (about 25 minutes): the harness's own overhead (perf.mjs), a batch run against a live
// one (batch.mjs), throughput at an enforced rate limit (pacing.mjs), and the calls to a decision,
// sequential against fixed, with the error rates (decisions.mjs). `npm run bench -- memory` runs
// only perf.mjs's memory measurement; each has its own script too (bench:perf, bench:batch, …).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const benches = args.includes('memory')
  ? [['perf.mjs', args]]
  : [
      ['perf.mjs', args],
      ['batch.mjs', []],
      ['pacing.mjs', []],
      ['decisions.mjs', []],
    ];
for (const [file, extra] of benches) {
  process.stdout.write(`\n== bench/${file}\n`);
  const { status } = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url)), ...extra], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
