import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { type CliResult, type Watched, watch } from './cli.js';

/**
 * Starts the CLI in this process through main(io): the same commands, flags and exit codes as
 * bin/tierbench.js, with argv, environment and output injected, and Ctrl-C in the test's hands:
 * `interrupt()` reaches the run at once, as a SIGINT reaches main().
 */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'tierbench-run-')),
  today?: Date,
): Watched & { interrupt: () => void } {
  let stdout = '';
  let stderr = '';
  const handlers = new Set<() => void>();
  let wrote = (): void => undefined;
  const done = main({
    argv: args,
    env,
    cwd,
    stdout: {
      write: (s: string) => {
        stdout += s;
        wrote();
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        wrote();
        return true;
      },
    },
    interrupts: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    ...(today !== undefined && { today: () => today }),
  }).then((code): CliResult => ({ code, stdout, stderr }));
  const watched = watch(() => stdout + stderr, done);
  wrote = watched.wrote;
  return {
    interrupt: () => {
      for (const h of [...handlers]) h();
    },
    printed: watched.printed,
    until: watched.until,
    done,
  };
}

/** Runs the CLI in this process to its end, with no Ctrl-C. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string, today?: Date): Promise<CliResult> {
  return startCli(args, env, cwd, today).done;
}
