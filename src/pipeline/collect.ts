// The second stage: the calls. Every result is journaled as it lands (a crash, kill -9 or Ctrl-C
// loses at most the calls in flight); the first Ctrl-C stops new calls, the second aborts those in
// flight; spending stops at --max-cost.
import { setMaxListeners } from 'node:events';
import { BATCH_POLL_S } from '../defaults.js';
import { executeBatch } from '../execute/batch.js';
import type { CachedAnswer } from '../execute/cache.js';
import { type Execution, execute } from '../execute/fan-out.js';
import { JOURNAL_VERSION, Journal } from '../execute/journal.js';
import { Progress } from '../execute/progress.js';
import type { CaseResult } from '../types.js';
import { type RunDeps, type RunPlan, type Stop, safeUrl } from './plan.js';
import type { Prepared } from './prepare.js';

export interface Collected extends Execution {
  /** Why no new call was started before the end. */
  stopReason?: Stop['reason'];
  /** USD paid for the calls made in this segment (with a sequential run's earlier looks). */
  spent: number;
  /** The run journal could not be written (results recorded since are not on disk). */
  journalFailure?: NodeJS.ErrnoException;
}

/** The run this collection is part of; a sequential run collects once a look. */
export interface CollectRun {
  startedAt: Date;
  journalPath: string;
  /** When this segment of the run started (monotonic ms): the journal records its duration. */
  started: number;
  /** The journal exists already: a resumed run, or a later look. */
  resumed: boolean;
  /** USD the run paid before this collection (earlier looks): --max-cost counts it. */
  spent?: number;
  /** The response cache stays open: a later look reads it again. */
  keepCache?: boolean;
  /** `--resume RUN --cancel-batches`: cancel the run's open batches, submit nothing new. */
  cancelBatches?: boolean;
}

export async function collect(
  { plan, id, dataset, targets, request, known, cache, cacheKey, datasetHash, budget, openBatches }: Prepared,
  deps: RunDeps,
  run: CollectRun,
): Promise<Collected> {
  const journal = run.resumed
    ? Journal.reopen(run.journalPath)
    : Journal.create<RunPlan>(run.journalPath, {
        type: 'header',
        version: JOURNAL_VERSION,
        runId: id,
        startedAt: run.startedAt.toISOString(),
        datasetHash,
        // A password in a base URL is a credential: not written (a resume takes it from the environment again).
        plan: {
          ...plan,
          models: plan.models.map(safeModel),
          ...(plan.judge !== undefined && { judge: { ...plan.judge, models: plan.judge.models.map(safeModel) } }),
        },
      });
  const progress = new Progress({
    mode: plan.quiet ? 'off' : deps.stderr.isTTY ? 'live' : 'plain',
    models: plan.models.map((m) => m.name),
    total: dataset.cases.length * plan.repeats,
    out: deps.stderr,
    now: deps.now,
  });
  let stopReason: Stop['reason'] | undefined;
  let spent = run.spent ?? 0;
  const abort = new AbortController();
  // Every call in flight listens to it: hundreds, not the ten Node warns about.
  setMaxListeners(0, abort.signal);
  let interrupts = 0;
  const unsubscribe = deps.interrupts?.(() => {
    interrupts++;
    if (interrupts === 1) {
      stopReason = 'interrupted';
      deps.stderr.write(
        plan.batch === true
          ? `\ninterrupted: the batches keep running at the provider (what they answer is paid for); \`tierbench run --resume ${id}\` picks them up without submitting them again\n`
          : '\ninterrupted: no new calls; waiting for the calls in flight (Ctrl-C again to abort them)\n',
      );
    } else abort.abort();
  });
  let execution: Execution;
  if (run.cancelBatches) {
    const n = openBatches?.length ?? 0;
    deps.stderr.write(
      `canceling ${n} batch${n === 1 ? '' : 'es'} of run ${id}: what ${n === 1 ? 'it' : 'they'} answered before the cancel is kept; \`tierbench run --resume ${id}\` submits the rest again\n`,
    );
  }
  const shared = {
    signal: abort.signal,
    // A journal that cannot be written (a full disk) stops new calls: what they cost could not be kept.
    stopped: () => stopReason !== undefined || journal.failure !== undefined,
    done: (m: number, job: number) => known[m]?.get(job),
    ...(cache !== undefined && {
      cache: { key: cacheKey, get: (key: string) => cache.get(key), set: (key: string, answer: CachedAnswer) => cache.set(key, answer) },
    }),
    onResult: (m: number, r: CaseResult, origin: 'call' | 'cache' | 'journal') => {
      progress.record(m, r);
      if (origin === 'call' && r.cost !== null) {
        spent += r.cost;
        if (budget !== undefined && spent >= budget) stopReason ??= 'budget';
      }
      return origin === 'journal' ? undefined : journal.record(m, r);
    },
  };
  try {
    execution =
      plan.batch === true
        ? await executeBatch(dataset.cases, targets, request, {
            ...shared,
            pollMs: plan.batchPollMs ?? BATCH_POLL_S * 1000,
            ...(openBatches !== undefined && { open: openBatches }),
            submitted: (b) => journal.batch(b),
            read: (batchId) => journal.batchRead(batchId),
            progress: (m, status) => progress.batches(m, status),
            // Over budget, the batches still running are canceled: left running, they would go on spending.
            cancelOnStop: () => stopReason === 'budget',
            ...(run.cancelBatches === true && { cancelOpen: true }),
          }).then((batched) => {
            // What was never submitted is still to do: the run stops here, its journal kept for --resume.
            if (batched.unsubmitted > 0) stopReason ??= 'interrupted';
            return batched;
          })
        : await execute(dataset.cases, targets, request, {
            ...shared,
            concurrency: plan.concurrency,
            ...(plan.modelConcurrency !== undefined && { modelConcurrency: plan.modelConcurrency }),
            ...(plan.rpm !== undefined && { rpm: plan.rpm }),
            ...(plan.tpm !== undefined && { tpm: plan.tpm }),
            ...(plan.promptCache !== false && { warmUp: true }),
          });
  } finally {
    progress.stop();
    unsubscribe?.();
    journal.segment(deps.now() - run.started);
    journal.close();
    if (run.keepCache !== true) cache?.close();
  }
  // Read once the journal is closed: its last writes may be what failed.
  const journalFailure = journal.failure;
  if (journalFailure !== undefined) stopReason ??= 'disk';
  return { ...execution, ...(stopReason !== undefined && { stopReason }), spent, ...(journalFailure !== undefined && { journalFailure }) };
}

const safeModel = <M extends { baseURL?: string }>(m: M): M => (m.baseURL === undefined ? m : { ...m, baseURL: safeUrl(m.baseURL)! });
