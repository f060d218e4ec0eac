// What the benchmarks that drive the CLI against `tierbench emulate` in its own process share:
// starting it on a free port, with an answer key and simulated profiles, and reading its URL.
import { spawn } from 'node:child_process';

/** `tierbench emulate` (the bundle at `bin`) in a child process; resolves once it listens. */
export async function spawnEmulator(bin, keyFile, profilesFile) {
  const child = spawn(process.execPath, [bin, 'emulate', '--port', '0', '--key', keyFile, '--profiles', profilesFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
