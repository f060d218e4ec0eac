// The judging pass (`--judge`), between collect and score: every answer the candidates gave is
// put to the judge model(s) through the same fan-out as the candidates' calls, so the judges'
// calls share their machinery: the response cache (a rerun pays no judge call), the run journal
// (a crash or Ctrl-C during judging loses no paid verdict; --resume asks only the rest), the
// budget (--max-cost counts judge spend), the rate limits and the SDKs' retries. A reply that
// cannot be read is asked once more, showing it back; then it is a judge failure, counted apart.
import { setMaxListeners } from 'node:events';
import { ResponseCache } from '../execute/cache.js';
import { execute } from '../execute/fan-out.js';
import { Journal } from '../execute/journal.js';
import { Progress } from '../execute/progress.js';
import type { Collected } from '../pipeline/collect.js';
import type { Resume, RunDeps, Stop } from '../pipeline/plan.js';
import type { Prepared } from '../pipeline/prepare.js';
import { promptText } from '../prompts/render.js';
import { SETUP_FAILURES } from '../providers/failures.js';
import type { Scorer } from '../scoring/scorers.js';
import type { Case, CaseResult, ChatRequest, JudgeReport } from '../types.js';
import { judgeCode, judgeSlot } from './plan.js';
import { correction, pairwiseRequest, rubricRequest } from './prompt.js';
import { type Ask, type Item, judgeReport, type Replies, type Reply, readReply } from './verdicts.js';

export interface JudgeOutcome {
  /** The score of a candidate's answer, by model name: null when no judge scored it. */
  scoreOf(model: string, caseIndex: number, sample: number): number | null;
  report: JudgeReport;
  /** Why judging stopped before the end (Ctrl-C, the budget, the disk). */
  stopReason?: Stop['reason'];
  /** USD paid for judge calls in this segment of the run. */
  spent: number;
  /** Judges stopped by a failure a retry cannot fix (a bad key, a wrong id). */
  stoppedJudges: string[];
}

/** What a judging pass needs of the run besides the prepared plan and the answers. */
export interface JudgeRun {
  journalPath: string;
  resume?: Resume;
}

export async function judgeAnswers(prepared: Prepared, collected: Collected, deps: RunDeps, run: JudgeRun): Promise<JudgeOutcome> {
  const judging = prepared.judging!;
  const items = answersToJudge(prepared, collected);
  const samples = Math.max(1, ...collected.results.map((r) => r.samples));
  const asks = items.flatMap((item) => asksFor(prepared, item, samples));
  const replies: Replies = { final: judging.targets.map(() => new Map<number, Reply>()), calls: judging.targets.map(() => []), spent: [], stoppedJudges: [] };
  const session = new Session(prepared, collected, deps, run);
  try {
    // Nothing is judged once the calls stopped: --resume makes the rest of the calls, then judges.
    if (collected.stopReason === undefined) {
      for (let j = 0; j < judging.targets.length && session.going(); j++) {
        const first = await session.ask(j, asks);
        first.forEach((reply, k) => {
          replies.final[j]!.set(k, reply);
          replies.calls[j]!.push(reply.result);
        });
        // An answer that could not be read is asked once more, the reply shown back; a failed call is not (the SDK retried it).
        const retry = [...first].filter(([, reply]) => reply.result.output !== undefined && !reply.read).map(([k]) => k);
        const again = retry.map(
          (k): Ask => ({ ...asks[k]!, request: correction(asks[k]!.request, first.get(k)!.result.output!, judging.plan.mode), attempt: 1 }),
        );
        const second = await session.ask(j, again);
        second.forEach((reply, k) => {
          replies.final[j]!.set(retry[k]!, { ...reply, formatRetry: true });
          replies.calls[j]!.push(reply.result);
        });
      }
    }
  } finally {
    await session.close();
  }
  replies.spent = session.spentByJudge;
  replies.stoppedJudges = session.stoppedJudges;
  const verdicts = judgeReport(prepared, items, asks, replies);
  return {
    scoreOf: (model, caseIndex, sample) => verdicts.scores.get(`${model}|${caseIndex}|${sample}`) ?? null,
    report: verdicts.report,
    ...(session.stopReason !== undefined && collected.stopReason === undefined && { stopReason: session.stopReason }),
    spent: session.spent - collected.spent,
    stoppedJudges: session.stoppedJudges,
  };
}

/** Every answer of the candidates, and the data's human-graded answers. */
function answersToJudge({ plan, judging }: Prepared, collected: Collected): Item[] {
  const items: Item[] = [];
  collected.results.forEach((store, candidate) => {
    for (const r of store.records(() => null)) {
      if (r.output !== undefined) items.push({ candidate, model: plan.models[candidate]!.name, caseIndex: r.caseIndex, sample: r.sample, output: r.output });
    }
  });
  for (const [caseIndex, { answer }] of judging?.human?.grades ?? []) {
    items.push({ candidate: plan.models.length, model: 'human-graded', caseIndex, sample: 0, output: answer });
  }
  // Pairwise: each answer against the reference model's answer to the same case — with --repeats,
  // its answer of the same sample (its first, where it has fewer): each sample is a fresh pair.
  if (judging?.plan.mode === 'pairwise') {
    const reference = plan.models.findIndex((m) => m.name === plan.reference);
    const theirs = new Map(
      collected.results[reference]?.records(() => null).flatMap((r) => (r.output !== undefined ? [[`${r.caseIndex}|${r.sample}`, r.output]] : [])),
    );
    for (const item of items) {
      if (item.candidate === reference) item.versus = null;
      else item.versus = theirs.get(`${item.caseIndex}|${item.sample}`) ?? theirs.get(`${item.caseIndex}|0`);
    }
  }
  return items;
}

/** The judge calls one answer needs: one for a rubric, one per order for a pair. */
export function asksFor({ judging, dataset, request }: Prepared, item: Item, samples: number): Ask[] {
  const c = dataset.cases[item.caseIndex]!;
  const sent = request(c, item.candidate);
  const judged = {
    ...(sent.system !== undefined && { system: sent.system }),
    // A conversation turn by turn, an image by its source: what the candidate was asked, as text.
    task: promptText(sent),
    reference: c.expected,
  };
  const { mode, rubric } = judging!.plan;
  const code = (order: number): number => judgeCode(item.candidate, item.sample, samples, order, 0);
  if (mode === 'rubric') return [{ item, order: 0, attempt: 0, code: code(0), request: rubricRequest(judged, item.output, rubric) }];
  // The reference's own answers tie with themselves; an answer without a reference answer cannot be compared.
  if (item.versus === null || item.versus === undefined) return [];
  return [
    { item, order: 0, attempt: 0, code: code(0), request: pairwiseRequest(judged, item.output, item.versus, rubric) },
    { item, order: 1, attempt: 0, code: code(1), request: pairwiseRequest(judged, item.versus, item.output, rubric) },
  ];
}

/** The judges' calls in one run: one journal, one cache, one budget, one Ctrl-C. */
class Session {
  stopReason: Stop['reason'] | undefined;
  spent: number;
  readonly spentByJudge: number[];
  readonly stoppedJudges: string[] = [];
  private readonly journal: Journal;
  private readonly cache: Promise<ResponseCache | undefined>;
  private readonly known = new Map<string, CaseResult>();
  private readonly abort = new AbortController();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly prepared: Prepared,
    collected: Collected,
    private readonly deps: RunDeps,
    run: JudgeRun,
  ) {
    this.spent = collected.spent;
    this.spentByJudge = prepared.judging!.targets.map(() => 0);
    this.journal = Journal.reopen(run.journalPath);
    const { cache } = prepared.plan;
    // The candidates' pass closed its cache (flushed): opened again, it holds their answers too.
    this.cache = cache === null ? Promise.resolve(undefined) : ResponseCache.open(cache.dir, cache.ttlMs).catch(() => undefined);
    const candidates = prepared.plan.models.length;
    for (const { m, r } of run.resume?.results ?? []) {
      if (m < candidates || (r.error !== undefined && SETUP_FAILURES.has(r.error.kind))) continue;
      this.known.set(`${m}|${r.caseIndex}|${r.sample}`, r);
    }
    setMaxListeners(0, this.abort.signal);
    let interrupts = 0;
    this.unsubscribe = deps.interrupts?.(() => {
      interrupts++;
      if (interrupts > 1) return this.abort.abort();
      this.stopReason ??= 'interrupted';
      deps.stderr.write('\ninterrupted: no new judge calls; waiting for those in flight (Ctrl-C again to abort them)\n');
    });
  }

  going(): boolean {
    return this.stopReason === undefined && this.journal.failure === undefined;
  }

  /** One judge asked each of `asks`; by the ask's position, the reply (absent: never asked, the run stopped). */
  async ask(j: number, asks: ReadonlyArray<Ask>): Promise<Map<number, Reply>> {
    const { plan, judging } = this.prepared;
    const target = judging!.targets[j]!;
    const provider = judging!.providers[j]!;
    const slot = judgeSlot(plan.models.length, j);
    const cache = await this.cache;
    const pseudo: Case[] = asks.map((_, k) => ({ index: k, id: String(k), line: 0, vars: {}, expected: '' }));
    const progress = new Progress({
      mode: plan.quiet || asks.length === 0 ? 'off' : this.deps.stderr.isTTY ? 'live' : 'plain',
      models: [`judge ${target.spec.name}`],
      total: asks.length,
      out: this.deps.stderr,
      now: this.deps.now,
    });
    const at = (k: number): Ask => asks[k]!;
    let execution: Awaited<ReturnType<typeof execute>>;
    try {
      execution = await execute(pseudo, [target], (c): ChatRequest => at(c.index).request, {
        concurrency: plan.concurrency,
        ...(plan.modelConcurrency !== undefined && { modelConcurrency: plan.modelConcurrency }),
        ...(plan.rpm !== undefined && { rpm: plan.rpm }),
        ...(plan.tpm !== undefined && { tpm: plan.tpm }),
        signal: this.abort.signal,
        stopped: () => !this.going(),
        done: (_m, k) => this.known.get(`${slot}|${at(k).item.caseIndex}|${at(k).code + at(k).attempt}`),
        ...(cache !== undefined && {
          cache: {
            key: (_m, req, sample) => ResponseCache.key(target.spec, req, sample, provider.sent),
            get: (key) => cache.get(key),
            set: (key, a) => cache.set(key, a),
          },
        }),
        onResult: (_m, r, origin) => {
          progress.record(0, r);
          if (origin === 'journal') return undefined;
          if (origin === 'call' && r.cost !== null) this.pay(j, r.cost);
          const ask = at(r.caseIndex);
          return this.journal.record(slot, { ...r, caseIndex: ask.item.caseIndex, sample: ask.code + ask.attempt });
        },
      });
    } finally {
      progress.stop();
    }
    if (execution.stopped.size > 0 && !this.stoppedJudges.includes(target.spec.name)) this.stoppedJudges.push(target.spec.name);
    const replies = new Map<number, Reply>();
    for (const result of execution.results[0]!.records(() => null)) replies.set(result.caseIndex, { result, ...readReply(judging!.plan.mode, result) });
    return replies;
  }

  private pay(j: number, cost: number): void {
    this.spent += cost;
    this.spentByJudge[j]! += cost;
    const { budget } = this.prepared;
    if (budget !== undefined && this.spent >= budget) this.stopReason ??= 'budget';
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.journal.close();
    (await this.cache)?.close();
    if (this.journal.failure !== undefined) this.stopReason ??= 'disk';
  }
}

/** The score stage's scorer once the judges have spoken: each answer's score, looked up. */
export function judgeScorer(judged: JudgeOutcome): Scorer {
  return { name: 'judge', kind: 'pure', score: (_output, c, answer) => judged.scoreOf(answer.model, c.index, answer.sample) };
}
