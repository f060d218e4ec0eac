// How far V8 lets the heap grow past what a garbage collection found alive. By default the next
// full collection waits until the old generation is up to four times the live data, so most of a
// long run's peak is garbage from finished calls: 100,000 cases peaked at 282 MB. Capped at 50 %
// the same run peaks at 182 MB (25 % gave 179 MB: the young generation and the node binary are the
// rest) for about a tenth more CPU (bench/perf.mjs; README, "Performance"). V8 reads the flag each
// time it sets the next limit, so setting it once the process runs takes effect.
import { setFlagsFromString } from 'node:v8';

const FLAG = 'heap-growing-percent';
const HEAP_GROWING_PERCENT = 50;

/** Unless the user chose their own on node's command line (NODE_OPTIONS does not take this flag). */
export function leanHeap(execArgv: readonly string[]): void {
  if (!execArgv.some((a) => a.includes(FLAG) || a.includes(FLAG.replace(/-/g, '_')))) setFlagsFromString(`--${FLAG}=${HEAP_GROWING_PERCENT}`);
}
