// The third stage: each answer against its case's expected answer. Pure: it returns scored copies
// and leaves the collected results as they were journaled.
import type { Case, CaseResult } from '../types.js';

export function score(results: readonly CaseResult[][], cases: readonly Case[], scorer: (output: string, expected: string) => number): CaseResult[][] {
  return results.map((mine) =>
    mine.map((r) => {
      const c = cases[r.caseIndex];
      return r.output === undefined || c === undefined ? r : { ...r, score: scorer(r.output, c.expected) };
    }),
  );
}
