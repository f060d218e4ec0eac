// One model's results as columns: typed arrays sized for every job up front, answers in one array,
// the rare errors and log-probabilities aside. A result object with its usage object and boxed
// numbers took about 220 bytes and lived until the report was written, each one adding to the
// garbage V8 has to trace; here a result is about 70 bytes and nothing is allocated per call but
// the answer. Readers get small views that look like CaseResult (and serialize like one).
import type { CaseResult, Usage } from '../types.js';

const PRESENT = 1;
const CACHED = 2;
const HAS_USAGE = 4;

/** null ↔ NaN: no measured figure is ever NaN. */
const put = (x: number | null): number => (x === null ? NaN : x);
const take = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x);

export class ResultColumns {
  private readonly flags: Uint8Array;
  private readonly scores: Float64Array;
  private readonly latencies: Float64Array;
  private readonly ttfts: Float64Array;
  private readonly costs: Float64Array;
  private readonly retryCounts: Int32Array;
  /** input, output, cacheWrite, cacheRead per job. */
  private readonly tokens: Int32Array;
  private readonly outputs: Array<string | undefined>;
  private readonly logprobs = new Map<number, number>();
  private readonly errors = new Map<number, NonNullable<CaseResult['error']>>();

  /** jobs = cases × samples; job = case × samples + sample. */
  constructor(readonly model: string, readonly samples: number, readonly jobs: number) {
    this.flags = new Uint8Array(jobs);
    this.scores = new Float64Array(jobs).fill(NaN);
    this.latencies = new Float64Array(jobs);
    this.ttfts = new Float64Array(jobs);
    this.costs = new Float64Array(jobs);
    this.retryCounts = new Int32Array(jobs);
    this.tokens = new Int32Array(jobs * 4);
    this.outputs = new Array<string | undefined>(jobs);
  }

  set(job: number, r: CaseResult): void {
    this.flags[job] = PRESENT | (r.cached === true ? CACHED : 0) | (r.usage !== null ? HAS_USAGE : 0);
    this.scores[job] = put(r.score);
    this.latencies[job] = put(r.latencyMs);
    this.ttfts[job] = put(r.ttftMs);
    this.costs[job] = put(r.cost);
    this.retryCounts[job] = r.retries;
    if (r.usage !== null) {
      const t = this.tokens;
      t[job * 4] = r.usage.input;
      t[job * 4 + 1] = r.usage.output;
      t[job * 4 + 2] = r.usage.cacheWrite;
      t[job * 4 + 3] = r.usage.cacheRead;
    }
    this.outputs[job] = r.output;
    if (r.logprob !== undefined) this.logprobs.set(job, r.logprob);
    if (r.error !== undefined) this.errors.set(job, r.error);
  }

  has(job: number): boolean {
    return (this.flags[job]! & PRESENT) !== 0;
  }

  at(job: number): CaseResult | undefined {
    return this.has(job) ? new ResultView(this, job) : undefined;
  }

  /** Every result there is, in job order (case order). */
  all(): CaseResult[] {
    const out: CaseResult[] = [];
    for (let job = 0; job < this.jobs; job++) if (this.has(job)) out.push(new ResultView(this, job));
    return out;
  }

  // Field access for the views.
  score(job: number): number | null { return take(this.scores[job]); }
  setScore(job: number, score: number | null): void { this.scores[job] = put(score); }
  latency(job: number): number | null { return take(this.latencies[job]); }
  ttft(job: number): number | null { return take(this.ttfts[job]); }
  cost(job: number): number | null { return take(this.costs[job]); }
  retries(job: number): number { return this.retryCounts[job]!; }
  output(job: number): string | undefined { return this.outputs[job]; }
  cached(job: number): boolean { return (this.flags[job]! & CACHED) !== 0; }
  logprob(job: number): number | undefined { return this.logprobs.get(job); }
  error(job: number): CaseResult['error'] { return this.errors.get(job); }
  usage(job: number): Usage | null {
    if ((this.flags[job]! & HAS_USAGE) === 0) return null;
    const t = this.tokens;
    const at = job * 4;
    return { input: t[at]!, output: t[at + 1]!, cacheWrite: t[at + 2]!, cacheRead: t[at + 3]! };
  }
}

class ResultView implements CaseResult {
  constructor(private readonly columns: ResultColumns, private readonly job: number) {}
  get caseIndex(): number { return Math.floor(this.job / this.columns.samples); }
  get sample(): number { return this.job % this.columns.samples; }
  get model(): string { return this.columns.model; }
  get output(): string | undefined { return this.columns.output(this.job); }
  get score(): number | null { return this.columns.score(this.job); }
  set score(score: number | null) { this.columns.setScore(this.job, score); }
  get latencyMs(): number | null { return this.columns.latency(this.job); }
  get ttftMs(): number | null { return this.columns.ttft(this.job); }
  get usage(): Usage | null { return this.columns.usage(this.job); }
  get cost(): number | null { return this.columns.cost(this.job); }
  get retries(): number { return this.columns.retries(this.job); }
  get logprob(): number | undefined { return this.columns.logprob(this.job); }
  get cached(): boolean | undefined { return this.columns.cached(this.job) || undefined; }
  get error(): CaseResult['error'] { return this.columns.error(this.job); }

  /** The report's shape: optional fields only where they are set. */
  toJSON(): CaseResult {
    const { output, logprob, cached, error } = this;
    return {
      caseIndex: this.caseIndex, sample: this.sample, model: this.model,
      ...(output !== undefined && { output }),
      score: this.score, latencyMs: this.latencyMs, ttftMs: this.ttftMs, usage: this.usage, cost: this.cost, retries: this.retries,
      ...(logprob !== undefined && { logprob }),
      ...(cached !== undefined && { cached }),
      ...(error !== undefined && { error }),
    };
  }
}
