// Cases × models, concurrently. Each model has its own workers pulling the next case (so a slow
// model never starves a fast one, and memory does not grow with the number of cases), and every
// call goes through one global p-limit, the run's --concurrency.
import pLimit from 'p-limit';
import type { Provider } from '../providers/provider.js';
import type { Case, CaseResult, ChatRequest, ErrorKind, Failure, ModelSpec, Outcome, Usage } from '../types.js';

export interface Target {
  spec: ModelSpec;
  provider: Pick<Provider, 'complete'>;
  /** Samples per case (`--repeats`, or 2 for a cascade's agreement check); default 1. */
  samples?: number;
  /** USD for a call's usage; null when the model is unpriced. */
  cost(usage: Usage): number | null;
}

export interface ExecuteOptions {
  concurrency: number;
  /** Cap on calls in flight per model; defaults to the global concurrency. */
  modelConcurrency?: number;
  signal?: AbortSignal;
  onResult?: (modelIndex: number, result: CaseResult) => void;
}

export interface Execution {
  /** results[model][case × samples + sample]; undefined where never sent (the model was stopped). */
  results: Array<Array<CaseResult | undefined>>;
  /** Models stopped early, with the failure that stopped them. */
  stopped: Map<number, Failure>;
}

/** Failures that will repeat for every case: going on would only print the same error n times. */
const FATAL: ReadonlySet<ErrorKind> = new Set(['auth', 'permission', 'billing', 'not_found']);

export async function execute(cases: readonly Case[], targets: readonly Target[], request: (c: Case) => ChatRequest, options: ExecuteOptions): Promise<Execution> {
  const global = pLimit(options.concurrency);
  const results = targets.map((t) => new Array<CaseResult | undefined>(cases.length * (t.samples ?? 1)));
  const stopped = new Map<number, Failure>();

  await Promise.all(targets.map(async (target, m) => {
    const samples = target.samples ?? 1;
    const jobs = cases.length * samples;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs && !stopped.has(m) && !options.signal?.aborted) {
        const job = next++;
        const c = cases[Math.floor(job / samples)];
        if (c === undefined) break;
        const outcome = await global(() => (stopped.has(m) ? undefined : target.provider.complete(request(c), options.signal)));
        if (outcome === undefined) break;
        const result = toResult(c.index, job % samples, target, outcome);
        results[m]![job] = result;
        if (!outcome.ok && FATAL.has(outcome.kind) && !stopped.has(m)) stopped.set(m, outcome);
        options.onResult?.(m, result);
      }
    };
    const workers = Math.min(options.modelConcurrency ?? options.concurrency, options.concurrency, jobs);
    await Promise.all(Array.from({ length: workers }, worker));
  }));
  return { results, stopped };
}

function toResult(caseIndex: number, sample: number, target: Target, outcome: Outcome): CaseResult {
  if (outcome.ok) {
    return {
      caseIndex, sample, model: target.spec.name, output: outcome.text, score: null,
      latencyMs: outcome.latencyMs, ttftMs: outcome.ttftMs, usage: outcome.usage, cost: target.cost(outcome.usage), retries: outcome.retries,
      ...(outcome.logprob !== undefined && { logprob: outcome.logprob }),
    };
  }
  return {
    caseIndex, sample, model: target.spec.name, score: null, latencyMs: null, ttftMs: null, usage: null, cost: null, retries: outcome.retries,
    error: { kind: outcome.kind, ...(outcome.status !== undefined && { status: outcome.status }), message: outcome.message },
  };
}
