import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import type { CliResult } from './cli.js';

/**
 * Runs the CLI in this process through main(io): the same commands, flags and exit codes as
 * bin/tierbench.js, with argv, environment and output injected, and no Ctrl-C.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'tierbench-run-')),
  today?: Date,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv: args,
    env,
    cwd,
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
    },
    interrupts: () => () => undefined,
    ...(today !== undefined && { today: () => today }),
  });
  return { code, stdout, stderr };
}
