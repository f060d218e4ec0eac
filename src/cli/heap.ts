// Two V8 limits that decide most of a long run's peak memory, set once `run` starts. Both flags are
// read each time V8 sizes a space, so setting them in the running process takes effect (NODE_OPTIONS
// refuses both).
// - How far the heap may grow past what a full collection found alive. By default the next full
//   collection waits until the old generation is up to four times the live data, so most of the
//   peak was garbage from finished calls: 100,000 cases peaked at 282 MB. Capped at 50 % the same
//   run peaked at 182 MB (25 % gave 179 MB) for about a tenth more CPU.
// - Whether the young generation may grow. It starts at 1 MB a semi-space and doubles, as calls
//   keep allocating, up to 16: 32 MB of the process that every call's garbage passes through. Kept
//   at its start, 100,000 cases peaked 35–40 MB lower (146 MB instead of 181–187) and 20,000 at
//   92–96 MB instead of 125–131, for 10–20 % more CPU (more, shorter scavenges; the reported p99 did
//   not move).
// bench/perf.mjs; docs/performance.md. A user who sets either on node's command line, or a
// semi-space size in NODE_OPTIONS, keeps theirs.
import { setFlagsFromString } from 'node:v8';

const FLAGS: ReadonlyArray<[flag: string, value: number, userSets: RegExp]> = [
  ['heap-growing-percent', 50, /heap[-_]growing[-_]percent/],
  ['semi-space-growth-factor', 1, /semi[-_]space/],
];

/** The flags to set: those the user did not choose on node's command line or in NODE_OPTIONS. */
export function leanFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const chosen = [...execArgv, nodeOptions].join(' ');
  return FLAGS.filter(([, , userSets]) => !userSets.test(chosen)).map(([flag, value]) => `--${flag}=${value}`);
}

export function leanHeap(execArgv: readonly string[], nodeOptions?: string): void {
  for (const flag of leanFlags(execArgv, nodeOptions)) setFlagsFromString(flag);
}
