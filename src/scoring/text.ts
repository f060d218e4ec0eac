import { normalize } from './normalize.js';

export const exact = (output: string, expected: string): number => (output.trim() === expected.trim() ? 1 : 0);

export const normalized = (output: string, expected: string): number => (normalize(output) === normalize(expected) ? 1 : 0);

/** The expected answer appears in the output, as whole words, after normalising both. */
export const contains = (output: string, expected: string): number => (` ${normalize(output)} `.includes(` ${normalize(expected)} `) ? 1 : 0);

/** `expected` holds a pattern, plain (`^bill(ing)?$`) or in slashes with flags (`/billing/i`). */
export function compilePattern(expected: string): RegExp {
  const slashed = /^\/(.*)\/([dgimsuvy]*)$/s.exec(expected);
  return slashed ? new RegExp(slashed[1] ?? '', slashed[2]) : new RegExp(expected);
}

export function makeRegex(): (output: string, expected: string) => number {
  const cache = new Map<string, RegExp>();
  return (output, expected) => {
    let re = cache.get(expected);
    if (re === undefined) {
      re = compilePattern(expected);
      cache.set(expected, re);
    }
    re.lastIndex = 0;
    return re.test(output) ? 1 : 0;
  };
}
