// The third stage: each answer against its case's expected answer. It reads the collected results
// out of their store as plain records, scored; the store is left as it was.
import type { ResultColumns } from '../execute/results.js';
import type { Case, CaseResult } from '../types.js';

export function score(stores: readonly ResultColumns[], cases: readonly Case[], scorer: (output: string, expected: string) => number): CaseResult[][] {
  return stores.map((store) =>
    store.records((r) => {
      const c = cases[r.caseIndex];
      return r.output === undefined || c === undefined ? null : scorer(r.output, c.expected);
    }),
  );
}
