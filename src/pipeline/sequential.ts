// `--sequential`: the cases (already in their shuffled order, prepare.ts) in looks. Each look
// collects the next cases for every model (paired), scores them and analyses all the cases so far,
// with each candidate's α spent over the looks (docs/decisions/sequential.md); the run stops at the
// first look where the recommendation is decided. Every call is journaled as in a run in one go, so
// --resume replays the looks already made without a call and continues with the next.
import { lookSizes } from '../analysis/looks.js';
import type { CaseResult, Decision, Report } from '../types.js';
import { analyse, type RunFacts } from './analyse.js';
import { type Collected, type CollectRun, collect } from './collect.js';
import type { RunDeps } from './plan.js';
import type { Prepared } from './prepare.js';
import { score, scoreContext } from './score.js';

/** The report of a run, and what its calls did. */
export interface Analysed {
  report: Report;
  collected: Collected;
}

export async function inLooks(prepared: Prepared, deps: RunDeps, run: CollectRun, facts: () => RunFacts): Promise<Analysed> {
  const { plan, dataset } = prepared;
  const sizes = lookSizes(dataset.cases.length, plan.sequential?.looks ?? 1);
  let known = prepared.known;
  let spent = 0;
  let decided: Decision[] = [];
  try {
    for (let k = 0; ; k++) {
      const n = sizes[k] ?? dataset.cases.length;
      const last = k >= sizes.length - 1;
      // The first n cases of the shuffled order: a case's index is its place in it, so the jobs (and
      // the journal's results) keep their numbers from look to look.
      const look: Prepared = { ...prepared, dataset: { ...dataset, cases: dataset.cases.slice(0, n) }, cases: prepared.cases.slice(0, n), known };
      const calls = await collect(look, deps, { ...run, started: deps.now(), resumed: run.resumed || k > 0, spent, keepCache: true });
      spent = calls.spent;
      const scored = await score(calls.results, look.dataset.cases, prepared.scorer, scoreContext(prepared));
      const report = analyse(look, calls, scored, {
        ...facts(),
        sequential: { look: k + 1, sizes, plannedCases: dataset.cases.length, decided },
      });
      const stopped = calls.stopReason !== undefined || calls.stopped.size > 0;
      // The scoring embeddings are part of the run's spend, as in a run in one go.
      if (last || stopped || report.sequential?.decided === true)
        return { report, collected: { ...calls, spent: calls.spent + (prepared.embedding?.paid ?? 0) } };
      decided = report.recommendation.comparisons.filter((d) => d.verdict !== 'inconclusive');
      known = knownOf(
        known,
        scored,
        prepared.targets.map((t) => t.samples ?? 1),
      );
      if (!plan.quiet) deps.stderr.write(`${lookLine(report, k + 1, sizes)}\n`);
    }
  } finally {
    prepared.cache?.close();
    prepared.embedding?.close();
  }
}

/** What the next look finds done: what was (a resumed run's journal, beyond this look too) and what this look made; per model, by job. */
function knownOf(
  before: ReadonlyArray<ReadonlyMap<number, CaseResult>>,
  scored: readonly CaseResult[][],
  samples: readonly number[],
): Array<Map<number, CaseResult>> {
  return before.map((known, m) => {
    const next = new Map(known);
    for (const r of scored[m] ?? []) next.set(r.caseIndex * (samples[m] ?? 1) + r.sample, r);
    return next;
  });
}

/** Said after a look that did not decide: how many verdicts are still open, and the next look's size. */
function lookLine(report: Report, look: number, sizes: readonly number[]): string {
  const open = report.recommendation.comparisons.filter((d) => d.verdict === 'inconclusive').length;
  return `look ${look} of ${sizes.length} (${sizes[look - 1]!.toLocaleString('en-US')} cases): ${open} verdict${open === 1 ? '' : 's'} still open; going on to ${sizes[look]!.toLocaleString('en-US')} cases`;
}
