#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do. The
// report is already on disk by the time anything is printed.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
