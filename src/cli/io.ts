import type { Out, RunDeps } from '../pipeline/plan.js';

/** Everything the CLI touches in the outside world, passed in so tests drive the real CLI. */
export interface Io {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: Out;
  stderr: Out;
  cwd: string;
  /** The wall clock; the system's when not given. */
  today?: () => Date;
  /**
   * Ctrl-C: `run` stops scheduling at the first and aborts at the second; `emulate` stops serving.
   * main() listens to the process's SIGINT and SIGTERM when this is not given.
   */
  interrupts?: RunDeps['interrupts'];
}
