// The third stage: each answer against its case. It reads the collected results out of their
// store as plain records and scores them; the store is left as it was. A refusal is no answer,
// whatever its text would score: it counts wrong, and apart (README, "Outcomes") — unless the case
// expects one (--expect-refusal, for moderation): then it is the right answer. A pure scorer
// scores inline; one that must wait (a command, a user's module, a model) runs with its own
// concurrency, after every answer is paid for and journaled, so a scorer that fails loses
// nothing: fix it and --resume scores the same answers again without a call.
import pLimit from 'p-limit';
import { UsageError } from '../errors.js';
import type { ResultColumns } from '../execute/results.js';
import type { Scored, Scorer } from '../scoring/scorers.js';
import type { Case, CaseResult } from '../types.js';
import type { Prepared } from './prepare.js';

/** Where the cases come from and which run a failed scorer can be resumed as, for its one-line error. */
export interface ScoreContext {
  datasetPath: string;
  runId: string;
  /** --expect-refusal: the expected answer that asks for a refusal. */
  expectRefusal?: string;
}

export async function score(stores: readonly ResultColumns[], cases: readonly Case[], scorer: Scorer, context: ScoreContext): Promise<CaseResult[][]> {
  // Fresh records, owned here: their scores (and the scorer's reasons) are filled in below.
  const scored = stores.map((store) => store.records(() => null));
  const limit = scorer.kind === 'async' ? pLimit(scorer.concurrency) : undefined;
  const pending: Array<Promise<void>> = [];
  for (const records of scored) {
    for (const r of records) {
      const c = cases[r.caseIndex];
      const output = r.output;
      if (output === undefined || c === undefined) continue;
      if (r.finish === 'refused') r.score = refusalWanted(c, context.expectRefusal) ? 1 : 0;
      else if (scorer.kind === 'pure')
        keep(
          r,
          checked(() => scorer.score(output, c, r), scorer, c, context),
        );
      else pending.push(limit!(async () => keep(r, await checkedAsync(() => scorer.score(output, c, r), scorer, c, context))));
    }
  }
  // Every score settles before the first failure is reported: no scorer is left running behind the error.
  const failed = (await Promise.allSettled(pending)).find((p) => p.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return scored;
}

/** A run's context for its scorer: its data, its id, and --expect-refusal. */
export const scoreContext = ({ dataset, id, plan }: Pick<Prepared, 'dataset' | 'id' | 'plan'>): ScoreContext => ({
  datasetPath: dataset.path,
  runId: id,
  ...(plan.expectRefusal !== undefined && { expectRefusal: plan.expectRefusal }),
});

/** Whether the case's expected answer is --expect-refusal's, spacing and case aside. */
export const refusalWanted = (c: Case, answer: string | undefined): boolean =>
  answer !== undefined && c.expected.trim().toLowerCase() === answer.trim().toLowerCase();

/** null: the scorer could not score this answer (a judge's unreadable reply): unscored, counted apart. */
function keep(r: CaseResult, scored: Scored | null): void {
  r.score = scored?.score ?? null;
  if (scored?.reason !== undefined && scored.reason !== '') r.reason = scored.reason;
}

function checked(run: () => number | Scored | null, scorer: Scorer, c: Case, context: ScoreContext): Scored | null {
  let value: number | Scored | null;
  try {
    value = run();
  } catch (err) {
    throw failure(scorer, c, context, (err as Error)?.message ?? String(err));
  }
  return inRange(value, scorer, c, context);
}

async function checkedAsync(run: () => Promise<number | Scored | null>, scorer: Scorer, c: Case, context: ScoreContext): Promise<Scored | null> {
  let value: number | Scored | null;
  try {
    value = await run();
  } catch (err) {
    throw failure(scorer, c, context, (err as Error)?.message ?? String(err));
  }
  return inRange(value, scorer, c, context);
}

function inRange(value: number | Scored | null, scorer: Scorer, c: Case, context: ScoreContext): Scored | null {
  if (value === null) return null;
  const scored = typeof value === 'object' ? value : { score: value };
  if (typeof scored.score === 'number' && scored.score >= 0 && scored.score <= 1) return scored;
  throw failure(scorer, c, context, `it gave ${typeof scored.score === 'number' ? scored.score : JSON.stringify(scored.score)}, not a number from 0 to 1`);
}

function failure(scorer: Scorer, c: Case, { datasetPath, runId }: ScoreContext, what: string): UsageError {
  return new UsageError(
    'E_SCORE_FAILED',
    `scorer ${scorer.name} failed on case ${c.id} (${datasetPath}:${c.line}): ${what.split('\n')[0]}`,
    `fix the scorer, then run tierbench run --resume ${runId}: the answers are kept, nothing is paid again`,
  );
}
