// Cases × models through the providers' batch APIs (`--batch`): half price, no latency measured.
// What the journal or the response cache already holds is not submitted; the rest goes in as few
// batches as the providers' limits allow, each batch's id journaled (with the jobs it stands for)
// before anything waits on it, so a crash, Ctrl-C or a closed laptop loses nothing: --resume
// re-attaches to the same batches. Results are journaled and cached as live ones are; a batch is
// marked read once all its lines are, so a resume never reads it again.
import { setTimeout as sleep } from 'node:timers/promises';
import { type BatchCounts, BatchRefused, type BatchReply, type BatchRequest } from '../providers/batch.js';
import type { Answer } from '../providers/call.js';
import { NOT_RUN, SETUP_FAILURES } from '../providers/failures.js';
import { Shared } from '../share.js';
import type { Case, CaseResult, ChatRequest, ErrorKind, Failure } from '../types.js';
import { toCachedAnswer } from './cache.js';
import { type ExecuteOptions, type Execution, fromCache, type Target } from './fan-out.js';
import { ResultColumns } from './results.js';

/** A batch submitted by this run (journaled): the model it is for and the jobs (case × samples + sample) in it. */
export interface SubmittedBatch {
  m: number;
  id: string;
  jobs: number[];
}

export interface BatchOptions extends Pick<ExecuteOptions, 'signal' | 'stopped' | 'done' | 'cache' | 'onResult'> {
  /** How often each open batch is asked how far it is. */
  pollMs: number;
  /** Batches an earlier attempt at this run submitted and did not finish reading: waited on again, not submitted again. */
  open?: readonly SubmittedBatch[];
  /** A batch was created: awaited (journaled) before the run waits on it. */
  submitted(batch: SubmittedBatch): Promise<void>;
  /** Every line of a batch has been recorded: it is not read again. */
  read(id: string): Promise<void>;
  /** Called on each poll with the model's batches as the provider describes them. */
  progress?(m: number, status: string): void;
  /** When the run stops early, cancel the open batches too (the budget is spent), rather than leave them running. */
  cancelOnStop?: () => boolean;
  /** `--cancel-batches`: cancel the open batches, submit nothing new, and read what they answered before the cancel took effect. */
  cancelOpen?: boolean;
}

export interface BatchExecution extends Execution {
  /** Batches still running at the provider when the run stopped waiting (Ctrl-C): --resume picks them up. */
  running: SubmittedBatch[];
  /** Jobs left out of any batch (`cancelOpen`): --resume submits them. */
  unsubmitted: number;
}

/** The first wait between polls; it doubles up to --batch-poll. */
const FIRST_POLL_MS = 1000;

/** `m3-j17`: within Anthropic's `^[a-zA-Z0-9_-]{1,64}$`, and unique in a batch. */
const customId = (m: number, job: number): string => `m${m}-j${job}`;
const CUSTOM = /^m(\d+)-j(\d+)$/;

export async function executeBatch(
  cases: readonly Case[],
  targets: readonly Target[],
  request: (c: Case, modelIndex: number) => ChatRequest,
  options: BatchOptions,
): Promise<BatchExecution> {
  const results = targets.map((t) => new ResultColumns(t.spec.name, t.samples ?? 1, cases.length * (t.samples ?? 1)));
  const stopped = new Map<number, Failure>();
  const answers = targets.map(() => new Shared());
  const halted = (): boolean => options.signal?.aborted === true || options.stopped?.() === true;
  /** Jobs waiting on a batch, by model: each request and its cache key, built once. */
  const waiting = targets.map(() => new Map<number, { req: ChatRequest; key?: string }>());
  const pending: number[][] = targets.map(() => []);
  /** Requests the batch never ran, by model and kind (expired, canceled): the model ends partial, --resume submits them again. */
  const notRun = targets.map(() => new Map<ErrorKind, number>());
  const attached = new Set<string>();
  for (const b of options.open ?? []) for (const job of b.jobs) attached.add(customId(b.m, job));

  for (const [m, target] of targets.entries()) {
    const samples = target.samples ?? 1;
    for (let job = 0; job < cases.length * samples; job++) {
      const known = options.done?.(m, job);
      if (known !== undefined) {
        results[m]!.set(job, known);
        options.onResult?.(m, known, 'journal');
        continue;
      }
      const c = cases[Math.floor(job / samples)]!;
      const req = request(c, m);
      const key = options.cache?.key(m, req, job % samples);
      const hit = key === undefined ? undefined : options.cache?.get(key);
      if (hit !== undefined) {
        const cached = fromCache(c.index, job % samples, target, hit, answers[m]!);
        results[m]!.set(job, cached);
        // Not awaited (as in the live fan-out): nothing was paid for it.
        options.onResult?.(m, cached, 'cache');
        continue;
      }
      waiting[m]!.set(job, { req, ...(key !== undefined && { key }) });
      if (!attached.has(customId(m, job))) pending[m]!.push(job);
    }
  }

  let simulated = false;
  let polls = 0;
  /** Batches whose results could not be read: left for --resume. */
  const running: SubmittedBatch[] = [];
  const open: SubmittedBatch[] = (options.open ?? []).filter((b) => b.jobs.some((job) => waiting[b.m]?.has(job)));
  const counts = new Map<string, BatchCounts>();
  const show = (m: number): void => {
    const mine = open.filter((b) => b.m === m);
    if (mine.length === 0) return;
    const sum = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const b of mine) for (const [k, v] of Object.entries(counts.get(b.id) ?? {})) sum[k as keyof BatchCounts] += v;
    options.progress?.(
      m,
      `${mine.length} batch${mine.length === 1 ? '' : 'es'}: ${sum.processing} processing, ${sum.succeeded} succeeded, ${sum.errored} errored` +
        (sum.expired + sum.canceled > 0 ? `, ${sum.expired} expired, ${sum.canceled} canceled` : ''),
    );
  };

  /**
   * A job's result, recorded: into the columns, the cache (answers), the journal. The journal
   * writes are not awaited one by one (a batch's lines would take an event-loop turn each):
   * `close` awaits them all before it marks the batch read, and the appender keeps their order.
   */
  let writes: Array<void | Promise<void>> = [];
  const record = (m: number, job: number, reply: { ok: true; answer: Answer } | { ok: false; failure: Failure }) => {
    const target = targets[m]!;
    const samples = target.samples ?? 1;
    const w = waiting[m]!.get(job);
    if (w === undefined) return;
    waiting[m]!.delete(job);
    const r = settled(cases[Math.floor(job / samples)]!.index, job % samples, target, reply, answers[m]!);
    if (reply.ok && w.key !== undefined) options.cache?.set(w.key, toCachedAnswer(reply.answer));
    if (!reply.ok && SETUP_FAILURES.has(reply.failure.kind) && !stopped.has(m)) stopped.set(m, reply.failure);
    if (!reply.ok && NOT_RUN.has(reply.failure.kind)) notRun[m]!.set(reply.failure.kind, (notRun[m]!.get(reply.failure.kind) ?? 0) + 1);
    results[m]!.set(job, r);
    writes.push(options.onResult?.(m, r, 'call'));
  };
  const written = async (): Promise<void> => {
    const pending = writes;
    writes = [];
    await Promise.all(pending);
  };

  if (options.cancelOpen === true) {
    // A batch that ended meanwhile cannot be canceled: it is read as it is.
    for (const b of open) await targets[b.m]!.provider.batch?.api.cancel(b.id).catch(() => undefined);
  }
  // Submit what is new: per model, in chunks within the provider's limits.
  for (const [m, target] of targets.entries()) {
    if (options.cancelOpen === true) break;
    const support = target.provider.batch;
    if (support === undefined || pending[m]!.length === 0) continue;
    for (const chunk of chunks(pending[m]!, (job) => support.body(waiting[m]!.get(job)!.req), support.api.limits)) {
      if (halted() || stopped.has(m)) break;
      const requests: BatchRequest[] = chunk.map(({ job, body }) => ({ customId: customId(m, job), body }));
      let id: string;
      try {
        id = await support.api.submit(requests);
      } catch (err) {
        // Nothing was run or paid: the jobs stay without a result (not failures counted against
        // the model), the model is stopped, and --resume submits them again.
        const failure = refusal(err);
        stopped.set(m, { ...failure, message: `submitting a batch failed: ${failure.message}` });
        break;
      }
      const batch = { m, id, jobs: chunk.map((c) => c.job) };
      // Journaled before anything waits on it: from here a crash costs nothing, --resume re-attaches.
      await options.submitted(batch);
      open.push(batch);
    }
  }

  // Wait: each open batch is asked how far it is; an ended one is read, line by line, and closed.
  while (open.length > 0 && !halted()) {
    for (const batch of [...open]) {
      if (halted()) break;
      const api = targets[batch.m]!.provider.batch!.api;
      let state: Awaited<ReturnType<typeof api.state>>;
      try {
        state = await api.state(batch.id);
      } catch (err) {
        const failure = refusal(err);
        // The SDK retried what is worth retrying; a batch that is gone or refused fails its jobs (made again by --resume when a setup failure).
        if (['rate_limit', 'overloaded', 'server', 'connection', 'timeout'].includes(failure.kind)) continue;
        for (const job of batch.jobs) record(batch.m, job, { ok: false, failure });
        await close(batch);
        continue;
      }
      if (state.simulated) simulated = true;
      counts.set(batch.id, state.counts);
      show(batch.m);
      if (!state.ended) continue;
      if (state.failed !== undefined) {
        const failure: Failure = { ok: false, kind: 'bad_request', message: `the batch ${batch.id} was refused: ${state.failed}`, retries: 0 };
        for (const job of batch.jobs) record(batch.m, job, { ok: false, failure });
      } else {
        const unread = await readResults(batch);
        if (unread !== undefined) {
          // Not marked read: --resume reads it again. The model is stopped, so the journal is kept.
          await written();
          open.splice(open.indexOf(batch), 1);
          running.push(batch);
          if (!stopped.has(batch.m)) stopped.set(batch.m, unread);
          continue;
        }
      }
      await close(batch);
    }
    // Soon at first (a small batch may end within seconds), then every --batch-poll.
    if (open.length > 0 && !halted()) await pause(Math.min(options.pollMs, FIRST_POLL_MS * 2 ** polls++), options);
  }
  await written();
  notRun.forEach((kinds, m) => {
    if (kinds.size === 0 || stopped.has(m)) return;
    // The model's failure is named by the larger kind; the message counts both.
    const kind = [...kinds].sort((a, b) => b[1] - a[1])[0]![0];
    const what = [...kinds].map(([k, c]) => `${c.toLocaleString('en-US')} request${c === 1 ? '' : 's'} ${k}`).join(' and ');
    stopped.set(m, { ok: false, kind, message: `${what} in the batch before being run (not billed): --resume submits only those`, retries: 0 });
  });
  if (open.length > 0 && options.cancelOnStop?.() === true) {
    for (const b of open) await targets[b.m]!.provider.batch!.api.cancel(b.id).catch(() => undefined);
  }
  return {
    results,
    stopped,
    // No concurrency to adapt and no pace: a batch is one request a model, its calls the provider's to schedule.
    limits: targets.map(() => ({ floor: 0, throttles: 0, advertised: {}, pacedMs: 0 })),
    simulated,
    running: [...open, ...running],
    unsubmitted: options.cancelOpen === true ? pending.reduce((n, jobs) => n + jobs.length, 0) : 0,
  };

  /** Records every line of an ended batch; a failure to read them (what was read is kept) is returned. */
  async function readResults(batch: SubmittedBatch): Promise<Failure | undefined> {
    const support = targets[batch.m]!.provider.batch!;
    const mine = new Set(batch.jobs);
    let lines: AsyncIterable<BatchReply>;
    try {
      lines = support.api.results(batch.id);
      for await (const line of lines) {
        const parsed = CUSTOM.exec(line.customId);
        const m = Number(parsed?.[1]);
        const job = Number(parsed?.[2]);
        // A line for another batch, model or run is not this one's to record.
        if (parsed === null || m !== batch.m || !mine.has(job)) continue;
        const w = waiting[m]!.get(job);
        if (w === undefined) continue;
        if (!line.ok) {
          record(m, job, { ok: false, failure: line.failure });
          continue;
        }
        const read = support.read(line.body, w.req);
        record(m, job, read.ok ? { ok: true, answer: read } : { ok: false, failure: read });
      }
    } catch (err) {
      const failure = refusal(err);
      return { ...failure, message: `reading the results of batch ${batch.id}: ${failure.message} (--resume reads them again)` };
    }
    // Every job of the batch should have had its line: one that had none says so, rather than vanishing.
    for (const job of batch.jobs) {
      if (waiting[batch.m]!.has(job))
        record(batch.m, job, { ok: false, failure: { ok: false, kind: 'invalid_response', message: `no result line in batch ${batch.id}`, retries: 0 } });
    }
    return undefined;
  }

  async function close(batch: SubmittedBatch): Promise<void> {
    await written();
    open.splice(open.indexOf(batch), 1);
    await options.read(batch.id);
  }
}

/** What the SDK threw, as a failure (the provider classified it); anything else is not ours to swallow. */
function refusal(err: unknown): Failure {
  if (err instanceof BatchRefused) return err.failure;
  throw err;
}

async function pause(ms: number, options: Pick<BatchOptions, 'signal' | 'stopped'>): Promise<void> {
  // Short steps, so a Ctrl-C (which only sets a flag) is seen within a fraction of a poll.
  const step = Math.min(ms, 200);
  for (let waited = 0; waited < ms && options.stopped?.() !== true; waited += step) {
    await sleep(step, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
    if (options.signal?.aborted) return;
  }
}

/** Jobs in batches within the limits: so many requests, so many bytes (a line's JSON, with room for its envelope). */
function* chunks(
  jobs: readonly number[],
  body: (job: number) => Record<string, unknown>,
  limits: { requests: number; bytes: number },
): Generator<Array<{ job: number; body: Record<string, unknown> }>> {
  let chunk: Array<{ job: number; body: Record<string, unknown> }> = [];
  let bytes = 0;
  for (const job of jobs) {
    const b = body(job);
    const size = Buffer.byteLength(JSON.stringify(b)) + 128;
    if (chunk.length > 0 && (chunk.length >= limits.requests || bytes + size > limits.bytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push({ job, body: b });
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function settled(
  caseIndex: number,
  sample: number,
  target: Target,
  reply: { ok: true; answer: Answer } | { ok: false; failure: Failure },
  answers: Shared,
): CaseResult {
  const base = { caseIndex, sample, model: target.spec.name, score: null, latencyMs: null, ttftMs: null, retries: 0 };
  if (reply.ok) {
    const a = reply.answer;
    return {
      ...base,
      output: answers.get(a.text),
      usage: a.usage,
      cost: target.cost(a.usage),
      // A batch answer is billed once, at the batch rate.
      paid: 1,
      finish: a.finish,
      ...(a.stopReason !== null && { stopReason: a.stopReason }),
      ...(a.logprob !== undefined && { logprob: a.logprob }),
    };
  }
  const f = reply.failure;
  return { ...base, usage: null, cost: null, paid: 0, error: { kind: f.kind, ...(f.status !== undefined && { status: f.status }), message: f.message } };
}
