import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (bin/tierbench.js) in a child process. The environment is only PATH plus
 * what the test gives: a developer's real keys or base URLs can never leak into a test run. Each
 * call gets a fresh working directory (so its own response cache) unless the test names one.
 */
export function cli(args: string[], env: Record<string, string> = {}, cwd = mkdtempSync(join(tmpdir(), 'tierbench-cli-'))): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${ROOT}bin/tierbench.js`, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
