// The only module that knows every stage, in order: prepare (cases, prompts, scorer, keys, outputs,
// budget: all checked before anything is paid for) → collect (the calls, journaled) → score →
// analyse (the report) → publish (given by the CLI); with --sequential, collect → score → analyse
// once a look, until the recommendation is decided. Each stage returns data for the next; what
// they touch in the outside world comes in through `deps`.
import { rm } from 'node:fs/promises';
import { fileProblem } from './errors.js';
import { lockRun } from './execute/lock.js';
import { ignoredStateDir } from './files.js';
import { judgeAnswers, judgeScorer } from './judge/judge.js';
import { analyse, type RunFacts } from './pipeline/analyse.js';
import { type Collected, type CollectRun, collect } from './pipeline/collect.js';
import { runEmbeddingsPath } from './pipeline/embedding.js';
import { newRunId, type RunDeps, type RunExtras, type RunOutcome, type RunPlan, runJournalPath, type Stop } from './pipeline/plan.js';
import { type Prepared, prepare } from './pipeline/prepare.js';
import { score, scoreContext } from './pipeline/score.js';
import { type Analysed, inLooks } from './pipeline/sequential.js';

export async function runBench(plan: RunPlan, deps: RunDeps, extras: RunExtras = {}): Promise<RunOutcome> {
  const started = deps.now();
  const startedAt = extras.resume ? new Date(extras.resume.startedAt) : deps.date();
  const id = extras.resume?.runId ?? newRunId(startedAt);
  const journalPath = extras.resume?.journalPath ?? runJournalPath(deps.cwd, id);
  ignoredStateDir(deps.cwd);
  const release = lockRun(journalPath.replace(/\.journal\.jsonl$/, '.lock'), id);
  try {
    const prepared = await prepare(plan, deps, extras, { id, journalPath });
    const run: CollectRun = {
      startedAt,
      journalPath,
      started,
      resumed: extras.resume !== undefined,
      ...(extras.resume?.cancelBatches === true && { cancelBatches: true }),
    };
    const facts = (): RunFacts => ({
      id,
      version: deps.version,
      startedAt,
      finishedAt: deps.date(),
      durationMs: deps.now() - started + (extras.resume?.elapsedMs ?? 0),
      providerNotes: prepared.providers.flatMap((p) => p.notes),
      ...(prepared.cache?.failure !== undefined && { cacheFailure: prepared.cache.failure }),
      ...(extras.followUp !== undefined && { followUp: extras.followUp }),
      ...(extras.gate !== undefined && { gate: extras.gate }),
      ...(prepared.embedding !== undefined && { embedding: { spec: prepared.embedding.spec, tally: prepared.embedding.tally } }),
    });
    const { report, collected } = plan.sequential === undefined ? await inOneGo(prepared, deps, run, extras, facts) : await inLooks(prepared, deps, run, facts);
    await deps.publish(report, prepared.destinations, collected.journalFailure !== undefined);
    const stoppedModels = [...collected.stopped.keys()].map((m) => plan.models[m]?.name ?? String(m));
    const planned = prepared.targets.reduce((n, t) => n + prepared.dataset.cases.length * (t.samples ?? 1), 0);
    const stop = stopOf(collected, { calls: report.summaries.reduce((n, s) => n + s.n, 0), planned }, journalPath);
    // Complete: the report holds everything the journal did. Otherwise the journal is what --resume continues from.
    if (stop === undefined && stoppedModels.length === 0) {
      await rm(journalPath, { force: true });
      if (prepared.embedding !== undefined) await rm(runEmbeddingsPath(journalPath), { force: true });
    }
    return { report, reportPath: prepared.destinations.reportPath, ...(stop !== undefined && { stop }), stoppedModels };
  } finally {
    release();
  }
}

/** Every case at once: collect → judge → score → analyse. */
async function inOneGo(prepared: Prepared, deps: RunDeps, run: CollectRun, extras: RunExtras, facts: () => RunFacts): Promise<Analysed> {
  const calls = await collect(prepared, deps, run);
  const judged =
    prepared.judging === undefined
      ? undefined
      : await judgeAnswers(prepared, calls, deps, { journalPath: run.journalPath, ...(extras.resume && { resume: extras.resume }) });
  const scorer = judged === undefined ? prepared.scorer : judgeScorer(judged);
  const scored = await score(calls.results, prepared.dataset.cases, scorer, scoreContext(prepared)).finally(() => prepared.embedding?.close());
  // The judges' and the embeddings' calls are part of the run: their spend, and why the judges stopped, count as the candidates' do.
  const collected: Collected = {
    ...calls,
    spent: calls.spent + (judged?.spent ?? 0) + (prepared.embedding?.paid ?? 0),
    ...(judged?.stopReason !== undefined && { stopReason: judged.stopReason }),
  };
  const report = analyse({ ...prepared, scorer }, collected, scored, { ...facts(), ...(judged !== undefined && { judge: judged.report }) });
  return { report, collected };
}

function stopOf(collected: Collected, { calls, planned }: { calls: number; planned: number }, journalPath: string): Stop | undefined {
  const reason = collected.stopReason;
  if (reason === undefined) return undefined;
  return {
    reason,
    calls,
    planned,
    spent: collected.spent,
    ...(reason === 'disk' && { journalProblem: `cannot write the run journal ${journalPath}: ${fileProblem(collected.journalFailure).reason}` }),
  };
}
