// The real CLI, in this process, reporting its own resource use when it is done: the benchmark's
// way to measure the CLI alone (the emulator runs in another process). Started with --expose-gc,
// it also reports the heap still live after a full collection: the run's data, not its garbage.
import { writeFileSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

const code = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
const u = process.resourceUsage();
globalThis.gc?.();
writeFileSync(process.env.TIERBENCH_USAGE_FILE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMB: u.maxRSS / 1024, liveHeapMB: process.memoryUsage().heapUsed / 2 ** 20 }));
process.exitCode = code;
