// The JSON report, streamed: the small sections pretty-printed, `cases` and `results` one element
// per line, written in batches, so a 100,000-case report never exists as one string in memory.
import type { Writable } from 'node:stream';
import type { Report } from '../types.js';
import { writeAtomic } from './write.js';

const ARRAYS = new Set(['cases', 'results']);

/** Chunks of the report's JSON text, in order. */
function* chunks(report: Report): Generator<string> {
  const keys = Object.keys(report) as Array<keyof Report>;
  yield '{\n';
  for (const [k, key] of keys.entries()) {
    const value = report[key];
    const comma = k < keys.length - 1 ? ',' : '';
    if (ARRAYS.has(key) && Array.isArray(value)) {
      yield `  ${JSON.stringify(key)}: [`;
      let batch = '';
      for (let i = 0; i < value.length; i++) {
        batch += `${i === 0 ? '\n' : ',\n'}    ${JSON.stringify(value[i])}`;
        if (batch.length > 1 << 16) {
          yield batch;
          batch = '';
        }
      }
      yield `${batch}${value.length > 0 ? '\n  ' : ''}]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

/** Writes the report to a stream, waiting for it to drain rather than buffering the whole text. */
export async function streamJson(report: Report, out: Writable | { write(text: string): unknown }): Promise<void> {
  for (const chunk of chunks(report)) {
    const ok = out.write(chunk);
    if (ok === false && 'once' in out) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
}

/** The JSON report at `path`, written whole or not at all (`what` names it in an error). */
export function writeJson(what: string, path: string, report: Report): Promise<void> {
  return writeAtomic(what, path, chunks(report));
}

export function writeText(what: string, path: string, text: string): Promise<void> {
  return writeAtomic(what, path, [text]);
}
