import { type ChildProcess, execFile, spawn } from 'node:child_process';
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

/** Waits on a run's output and on its end, for a run in a child process or in this process. */
export interface Watched {
  /** Resolves with what was printed (stdout, then stderr) once it matches; rejects if the run ends first. */
  printed(pattern: RegExp): Promise<string>;
  /** `wait`, unless the run ends first: then a rejection that says how it ended, not a hung test. */
  until<T>(wait: Promise<T>): Promise<T>;
  done: Promise<CliResult>;
}

/** `output()` is what was printed so far; call the returned `wrote` after each write. */
export function watch(output: () => string, done: Promise<CliResult>): Watched & { wrote: () => void } {
  const watchers = new Set<() => void>();
  const until = <T>(wait: Promise<T>): Promise<T> =>
    Promise.race([
      wait,
      done.then((r) => {
        throw new Error(`the run ended first, exit ${r.code}: ${r.stderr}`);
      }),
    ]);
  return {
    wrote: () => {
      for (const w of [...watchers]) w();
    },
    printed: (pattern) =>
      until(
        new Promise<string>((resolve) => {
          const check = (): void => {
            if (!pattern.test(output())) return;
            watchers.delete(check);
            resolve(output());
          };
          watchers.add(check);
          check();
        }),
      ),
    until,
    done,
  };
}

/** Starts bin/tierbench.js as cli() does, without waiting for it: the test signals it, kills it or stops reading. */
export function spawnCli(args: string[], env: Record<string, string>, cwd: string): Watched & { child: ChildProcess } {
  const child = spawn(process.execPath, [`${ROOT}bin/tierbench.js`, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd });
  let stdout = '';
  let stderr = '';
  // 137: killed by SIGKILL, as a shell reports it.
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr })),
  );
  const { wrote, ...watched } = watch(() => stdout + stderr, done);
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c;
    wrote();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c;
    wrote();
  });
  return { child, ...watched };
}
