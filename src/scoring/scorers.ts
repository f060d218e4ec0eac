// (output, expected) → score in [0, 1]. Pure; the dataset's labels are bound when the scorer is made.
import { UsageError } from '../errors.js';
import type { Case } from '../types.js';
import { extractJson, json } from './json.js';
import { makeLabel } from './label.js';
import { normalize } from './normalize.js';
import { number, parseNumber } from './number.js';
import { compilePattern, contains, exact, makeRegex, normalized } from './text.js';

export const SCORERS = ['exact', 'normalized', 'contains', 'regex', 'label', 'number', 'json'] as const;
export type ScorerName = (typeof SCORERS)[number];
export type Score = (output: string, expected: string) => number;

export function isScorerName(name: string): name is ScorerName {
  return (SCORERS as readonly string[]).includes(name);
}

/** The distinct expected values, in order of first appearance. */
export function labelSet(cases: readonly Case[]): string[] {
  return [...new Set(cases.map((c) => c.expected))];
}

/**
 * `label` when the expected values look like a small set of labels (few distinct, short, repeated),
 * `number` when they are all numbers, else `normalized`.
 */
export function defaultScorer(cases: readonly Case[]): ScorerName {
  const distinct = new Set(cases.map((c) => normalize(c.expected)));
  const short = [...distinct].every((v) => v.length <= 50 && v.split(' ').length <= 5);
  if (short && distinct.size <= 20 && distinct.size < cases.length) return 'label';
  if (cases.every((c) => /^\s*[-$]?[\d,.]+%?\s*$/.test(c.expected) && parseNumber(c.expected) !== undefined)) return 'number';
  return 'normalized';
}

export function makeScorer(name: ScorerName, cases: readonly Case[]): Score {
  switch (name) {
    case 'exact': return exact;
    case 'normalized': return normalized;
    case 'contains': return contains;
    case 'regex': return makeRegex();
    case 'label': return makeLabel(labelSet(cases));
    case 'number': return number;
    case 'json': return json;
  }
}

/** Expected values the scorer cannot use, found before any call is paid for. */
export function checkExpected(name: ScorerName, cases: readonly Case[], path: string): void {
  for (const c of cases) {
    let problem: string | undefined;
    if (name === 'regex') {
      try { compilePattern(c.expected); } catch (err) { problem = `is not a valid regular expression (${(err as Error).message})`; }
    } else if (name === 'number' && parseNumber(c.expected) === undefined) problem = 'is not a number';
    else if (name === 'json' && extractJson(c.expected) === undefined) problem = 'is not valid JSON';
    if (problem !== undefined) {
      throw new UsageError('E_EXPECTED', `${path}:${c.line}: the expected answer ${JSON.stringify(c.expected.slice(0, 60))} ${problem}`, `fix the value, or choose another --scorer (${SCORERS.join(', ')})`);
    }
  }
}
