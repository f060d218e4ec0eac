// How far V8 lets the heap grow past what a garbage collection found alive. By default the next
// collection waits until the old generation is up to four times the live data: a 100,000-case run
// with 90 MB alive peaked at 400 MB, most of it garbage from finished calls. Capping growth at 25 %
// brings that run to about 200 MB for about a fifth more CPU (measured in bench/perf.mjs; README,
// "Performance"). The flag is read each time V8 sets its next limit, so setting it at start-up works.
import { setFlagsFromString } from 'node:v8';

const FLAG = 'heap-growing-percent';
export const HEAP_GROWING_PERCENT = 25;

/** Unless the user chose their own on node's command line (NODE_OPTIONS does not take this flag). */
export function leanHeap(execArgv: readonly string[]): void {
  if (!execArgv.some((a) => a.includes(FLAG) || a.includes(FLAG.replace(/-/g, '_')))) setFlagsFromString(`--${FLAG}=${HEAP_GROWING_PERCENT}`);
}
