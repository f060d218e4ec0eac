#!/usr/bin/env node
// One bundled file per lazily loaded command (npm run build): a few modules to load instead of
// hundreds, which is most of tierbench's start-up.
import { main } from '../dist/bundle/main.js';

// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do. The
// report is already on disk by the time anything is printed.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
// Done: a timer an SDK left behind (the openai SDK's backoff sleep ignores cancellation) must not
// keep the process alive. Exit once what was written has been flushed.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
