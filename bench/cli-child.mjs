// The real CLI (the bundle bin/tierbench.js loads), in this process, reporting its own resource use
// when it is done: the benchmark's way to measure the CLI alone (the emulator runs in another process).
import { writeFileSync } from 'node:fs';
import { main } from '../dist/bundle/main.js';

const code = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
const u = process.resourceUsage();
writeFileSync(process.env.TIERBENCH_USAGE_FILE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMB: u.maxRSS / 1024 }));
process.exitCode = code;
