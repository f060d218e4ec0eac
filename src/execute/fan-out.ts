// Cases × models, concurrently. Each model has its own workers pulling the next case (so a slow
// model never starves a fast one, and memory does not grow with the number of cases) behind its own
// adaptive limit, and every call goes through one global p-limit, the run's --concurrency.
import pLimit from 'p-limit';
import { retryAfterMs } from '../providers/attempts.js';
import { estimateRequestTokens } from '../providers/call.js';
import { SETUP_FAILURES } from '../providers/failures.js';
import { type Provider, SIMULATED_HEADER } from '../providers/provider.js';
import { Shared } from '../share.js';
import type { Case, CaseResult, ChatRequest, ErrorKind, Failure, ModelSpec, Outcome, Usage } from '../types.js';
import { type CachedAnswer, cachedFinish, toCachedAnswer } from './cache.js';
import { AdaptiveLimit } from './limiter.js';
import { advertised, type Mark } from './pacing.js';
import { ResultColumns } from './results.js';

export interface Target {
  spec: ModelSpec;
  provider: Pick<Provider, 'complete' | 'countTokens' | 'batch'>;
  /** Samples per case (`--repeats`, or 2 for a cascade's agreement check); default 1. */
  samples?: number;
  /** USD for a call's usage; null when the model is unpriced. */
  cost(usage: Usage): number | null;
}

/** Where a result came from. */
type Origin = 'call' | 'cache' | 'journal';

export interface ExecuteOptions {
  concurrency: number;
  /** Cap on calls in flight per model; defaults to the global concurrency. */
  modelConcurrency?: number;
  /** Pace each model's request starts (requests / tokens per minute). */
  rpm?: number;
  tpm?: number;
  /**
   * Each model's first call goes alone (`--prompt-cache`): a prompt-cache entry can be read only once
   * the response that writes it has begun, so calls sent with the first would each write it, at
   * 1.25x or 2x the input rate. Slow start then grows from one.
   */
  warmUp?: boolean;
  /** Hard stop: calls in flight are cancelled (a second Ctrl-C). */
  signal?: AbortSignal;
  /** Soft stop: once it returns true no new call starts; calls in flight finish (Ctrl-C, budget). */
  stopped?: () => boolean;
  /** Results already in the run's journal (a resumed run): not sent again. */
  done?: (modelIndex: number, job: number) => CaseResult | undefined;
  /** Answers on disk: `key` names a call (hashed once per call), `get` / `set` read and store under it. */
  cache?: {
    key(modelIndex: number, request: ChatRequest, sample: number): string;
    get(key: string): CachedAnswer | undefined;
    set(key: string, answer: CachedAnswer): void;
  };
  /**
   * Times a call that failed transiently goes back in the queue: still throttled after the SDK's
   * retries, or broken after the response began (a reset, a cut stream), which the SDKs never retry.
   */
  requeues?: number;
  /**
   * Every result. For a paid call the returned promise is awaited while the call still holds its
   * concurrency slot, so a result is journaled before another call can start: at any moment, at
   * most --concurrency paid calls are not yet on disk.
   */
  onResult?: (modelIndex: number, result: CaseResult, origin: Origin) => void | Promise<void>;
}

export interface Execution {
  /** Per model, by job (case × samples + sample); a job never sent (stopped early) has none. */
  results: ResultColumns[];
  /** Models stopped early, with the failure that stopped them. */
  stopped: Map<number, Failure>;
  /** Per model: the lowest concurrency the adaptive limit went down to, 429/529 responses seen, and the pacing to advertised limits. */
  limits: Array<{ floor: number; throttles: number; advertised: AdaptiveLimit['advertised']; pacedMs: number }>;
  /** Some answer came from tierbench's emulator: the report says the models were simulated. */
  simulated: boolean;
}

/** Calls in flight per model at the start; doubles each round trip up to the model's limit. */
const SLOW_START = 8;

const THROTTLED: ReadonlySet<ErrorKind> = new Set(['rate_limit', 'overloaded']);
/**
 * Worth another try later. Not timeouts (before the headers the SDK has retried them already,
 * each costing --timeout; a body that went silent would likely do so again, and was paid), nor
 * what would fail the same way again: a body that is not what the API sends (invalid_response),
 * a filtered input.
 */
const TRANSIENT: ReadonlySet<ErrorKind> = new Set([...THROTTLED, 'server', 'connection']);
/** A response cut after it began was billed: it is asked again once, not three times. */
const PAID_TRIES = 2;

export async function execute(
  cases: readonly Case[],
  targets: readonly Target[],
  request: (c: Case, modelIndex: number) => ChatRequest,
  options: ExecuteOptions,
): Promise<Execution> {
  const global = pLimit(options.concurrency);
  const results = targets.map((t) => new ResultColumns(t.spec.name, t.samples ?? 1, cases.length * (t.samples ?? 1)));
  const stopped = new Map<number, Failure>();
  const perModel = Math.min(options.modelConcurrency ?? options.concurrency, options.concurrency);
  const limits = targets.map(
    () =>
      new AdaptiveLimit({
        max: perModel,
        start: options.warmUp ? 1 : SLOW_START,
        ...(options.rpm && { rpm: options.rpm }),
        ...(options.tpm && { tpm: options.tpm }),
      }),
  );
  let simulated = false;
  const halted = (m: number): boolean => stopped.has(m) || options.signal?.aborted === true || options.stopped?.() === true;

  await Promise.all(
    targets.map(async (target, m) => {
      const samples = target.samples ?? 1;
      // Short answers (labels, numbers) repeat: each result keeps the one copy.
      const answers = new Shared();
      const jobs = cases.length * samples;
      const limit = limits[m]!;
      const observe = (status: number, headers: Headers, sent: Mark): void => {
        if (headers.has(SIMULATED_HEADER)) simulated = true;
        if (status === 429 || status === 529) limit.throttled(retryAfterMs(headers));
        const ad = advertised(headers);
        if (ad !== undefined) limit.observe(ad, sent);
      };
      let next = 0;

      const call = async (c: Case, job: number): Promise<CaseResult | undefined> => {
        const sample = job % samples;
        const req = request(c, m);
        const cache = options.cache;
        const key = cache?.key(m, req, sample);
        const hit = key === undefined ? undefined : cache?.get(key);
        if (hit !== undefined) {
          const cached = fromCache(c.index, sample, target, hit, answers);
          options.onResult?.(m, cached, 'cache');
          return cached;
        }
        let earlierRetries = 0;
        let earlierPaid = 0;
        for (let requeue = 0; ; requeue++) {
          const cost = await limit.acquire(estimateRequestTokens(req), target.spec.maxTokens);
          let outcome: Outcome | undefined;
          let result: CaseResult | undefined;
          try {
            result = await global(async () => {
              if (halted(m)) return undefined;
              let answered: Mark | undefined;
              const sent = limit.mark();
              outcome = await target.provider.complete(req, options.signal, (status, headers) => {
                observe(status, headers, sent);
                // The SDK sends a throttled request again by itself, past the pacing: counted now.
                if (status === 429 || status === 529) limit.resent(cost);
                else answered = limit.mark();
              });
              limit.settle(cost, outcome.ok ? outcome.usage : undefined, answered);
              // Cancelled by a second Ctrl-C: not an answer, and made again on --resume.
              if (!outcome.ok && outcome.kind === 'aborted') return undefined;
              // A transient failure: back in the queue (throttled ones behind the smaller limit).
              if (
                !outcome.ok &&
                TRANSIENT.has(outcome.kind) &&
                requeue < (options.requeues ?? 3) &&
                earlierPaid + (outcome.paid ?? 0) < PAID_TRIES &&
                !halted(m)
              )
                return undefined;
              const settled = toResult(c.index, sample, target, outcome, earlierRetries, earlierPaid, answers);
              if (outcome.ok && key !== undefined) {
                cache?.set(key, toCachedAnswer(outcome));
              }
              if (!outcome.ok && SETUP_FAILURES.has(outcome.kind) && !stopped.has(m)) stopped.set(m, outcome);
              await options.onResult?.(m, settled, 'call');
              return settled;
            });
          } finally {
            const o = outcome as Outcome | undefined;
            limit.release(o !== undefined && !o.ok && THROTTLED.has(o.kind), cost, o?.ok ? o.usage.output : 0);
          }
          if (result !== undefined) return result;
          const o = outcome as Outcome | undefined;
          if (o === undefined || o.ok || o.kind === 'aborted' || halted(m)) return undefined;
          earlierRetries += o.retries + 1;
          earlierPaid += o.paid ?? 0;
        }
      };

      const worker = async (): Promise<void> => {
        while (next < jobs && !halted(m)) {
          const job = next++;
          const c = cases[Math.floor(job / samples)];
          if (c === undefined) break;
          const known = options.done?.(m, job);
          if (known !== undefined) {
            results[m]!.set(job, known);
            options.onResult?.(m, known, 'journal');
            continue;
          }
          const result = await call(c, job);
          if (result === undefined) break;
          results[m]!.set(job, result);
        }
      };
      await Promise.all(Array.from({ length: Math.min(perModel, jobs) }, worker));
    }),
  );
  return { results, stopped, limits: limits.map((l) => ({ floor: l.floor, throttles: l.throttles, advertised: l.advertised, pacedMs: l.pacedMs })), simulated };
}

/** A cached answer as this run's result: not paid for, not measured. */
export function fromCache(caseIndex: number, sample: number, target: Target, hit: CachedAnswer, answers: Shared): CaseResult {
  return {
    caseIndex,
    sample,
    model: target.spec.name,
    output: answers.get(hit.text),
    score: null,
    // Not measured in this run: left out of latency statistics.
    latencyMs: null,
    ttftMs: null,
    usage: hit.usage,
    cost: target.cost(hit.usage),
    retries: 0,
    paid: 0,
    cached: true,
    finish: cachedFinish(hit),
    ...(hit.stopReason !== null && { stopReason: hit.stopReason }),
    ...(hit.logprob !== undefined && { logprob: hit.logprob }),
  };
}

function toResult(
  caseIndex: number,
  sample: number,
  target: Target,
  outcome: Outcome,
  earlierRetries: number,
  earlierPaid: number,
  answers: Shared,
): CaseResult {
  const retries = outcome.retries + earlierRetries;
  const paid = (outcome.paid ?? 0) + earlierPaid;
  if (outcome.ok) {
    return {
      caseIndex,
      sample,
      model: target.spec.name,
      output: answers.get(outcome.text),
      score: null,
      latencyMs: outcome.latencyMs,
      ttftMs: outcome.ttftMs,
      usage: outcome.usage,
      cost: target.cost(outcome.usage),
      retries,
      paid,
      finish: outcome.finish,
      ...(outcome.stopReason !== null && { stopReason: outcome.stopReason }),
      ...(outcome.logprob !== undefined && { logprob: outcome.logprob }),
    };
  }
  return {
    caseIndex,
    sample,
    model: target.spec.name,
    score: null,
    latencyMs: null,
    ttftMs: null,
    usage: null,
    cost: null,
    retries,
    paid,
    error: { kind: outcome.kind, ...(outcome.status !== undefined && { status: outcome.status }), message: outcome.message },
  };
}
