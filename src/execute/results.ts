// One model's results as columns: typed arrays sized for every job up front, answers in one array,
// the rare errors and log-probabilities aside. A result object with its usage object and boxed
// numbers took about 220 bytes and lived until the report was written, each one adding to the
// garbage V8 has to trace; here a result is about 70 bytes and nothing is allocated per call but
// the answer. The score step reads the store back as plain CaseResult records, once, after the
// calls (memory measured with and without: docs/decisions/columns.md).
import type { CaseResult, Finish, Usage } from '../types.js';

const PRESENT = 1;
const CACHED = 2;
const HAS_USAGE = 4;
const ESTIMATED = 8;
/** The cost is the gateway's reported charge (usage.charged). */
const CHARGED = 128;
/** Bits 4-6: the finish, 1-based (0: none, the call failed). */
const FINISH_SHIFT = 4;
const FINISHES: readonly Finish[] = ['answered', 'truncated', 'refused', 'empty'];
const TOKENS = 6;

/** null ↔ NaN: no measured figure is ever NaN. */
const put = (x: number | null): number => (x === null ? NaN : x);
const take = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x);

export class ResultColumns {
  private readonly flags: Uint8Array;
  private readonly latencies: Float64Array;
  private readonly ttfts: Float64Array;
  private readonly costs: Float64Array;
  private readonly retryCounts: Int32Array;
  private readonly paidCounts: Int32Array;
  /** input, output, cacheWrite, cacheRead, reasoning, cacheWrite1h per job. */
  private readonly tokens: Int32Array;
  private readonly outputs: Array<string | undefined>;
  /** A handful of distinct strings: each job holds a reference. */
  private readonly stopReasons: Array<string | undefined>;
  private readonly logprobs = new Map<number, number>();
  private readonly errors = new Map<number, NonNullable<CaseResult['error']>>();

  /** jobs = cases × samples; job = case × samples + sample. */
  constructor(
    readonly model: string,
    readonly samples: number,
    readonly jobs: number,
  ) {
    this.flags = new Uint8Array(jobs);
    this.latencies = new Float64Array(jobs);
    this.ttfts = new Float64Array(jobs);
    this.costs = new Float64Array(jobs);
    this.retryCounts = new Int32Array(jobs);
    this.paidCounts = new Int32Array(jobs);
    this.tokens = new Int32Array(jobs * TOKENS);
    this.outputs = new Array<string | undefined>(jobs);
    this.stopReasons = new Array<string | undefined>(jobs);
  }

  set(job: number, r: CaseResult): void {
    const finish = r.finish === undefined ? 0 : FINISHES.indexOf(r.finish) + 1;
    this.flags[job] =
      PRESENT |
      (r.cached === true ? CACHED : 0) |
      (r.usage !== null ? HAS_USAGE : 0) |
      (r.usage?.estimated ? ESTIMATED : 0) |
      (r.usage?.charged !== undefined ? CHARGED : 0) |
      (finish << FINISH_SHIFT);
    this.latencies[job] = put(r.latencyMs);
    this.ttfts[job] = put(r.ttftMs);
    this.costs[job] = put(r.cost);
    this.retryCounts[job] = r.retries;
    this.paidCounts[job] = r.paid ?? 0;
    if (r.usage !== null) {
      const t = this.tokens;
      const at = job * TOKENS;
      t[at] = r.usage.input;
      t[at + 1] = r.usage.output;
      t[at + 2] = r.usage.cacheWrite;
      t[at + 3] = r.usage.cacheRead;
      t[at + 4] = r.usage.reasoning ?? 0;
      t[at + 5] = r.usage.cacheWrite1h ?? 0;
    }
    this.outputs[job] = r.output;
    this.stopReasons[job] = r.stopReason;
    if (r.logprob !== undefined) this.logprobs.set(job, r.logprob);
    if (r.error !== undefined) this.errors.set(job, r.error);
  }

  has(job: number): boolean {
    return (this.flags[job]! & PRESENT) !== 0;
  }

  /** Every result there is, in job order (case order), as plain records scored by `scoreOf`. */
  records(scoreOf: (r: CaseResult) => number | null): CaseResult[] {
    const out: CaseResult[] = [];
    for (let job = 0; job < this.jobs; job++) {
      if (!this.has(job)) continue;
      const r = this.record(job);
      r.score = scoreOf(r);
      out.push(r);
    }
    return out;
  }

  /** The result of a job, as it was stored: optional fields only where they are set, no score. */
  private record(job: number): CaseResult {
    const output = this.outputs[job];
    const logprob = this.logprobs.get(job);
    const error = this.errors.get(job);
    const finish = FINISHES[(this.flags[job]! >> FINISH_SHIFT) - 1];
    const stopReason = this.stopReasons[job];
    return {
      caseIndex: Math.floor(job / this.samples),
      sample: job % this.samples,
      model: this.model,
      ...(output !== undefined && { output }),
      score: null,
      latencyMs: take(this.latencies[job]),
      ttftMs: take(this.ttfts[job]),
      usage: this.usage(job),
      cost: take(this.costs[job]),
      retries: this.retryCounts[job]!,
      paid: this.paidCounts[job]!,
      ...(finish !== undefined && { finish }),
      ...(stopReason !== undefined && { stopReason }),
      ...(logprob !== undefined && { logprob }),
      ...((this.flags[job]! & CACHED) !== 0 && { cached: true }),
      ...(error !== undefined && { error }),
    };
  }

  private usage(job: number): Usage | null {
    if ((this.flags[job]! & HAS_USAGE) === 0) return null;
    const t = this.tokens;
    const at = job * TOKENS;
    const reasoning = t[at + 4]!;
    const hour = t[at + 5]!;
    return {
      input: t[at]!,
      output: t[at + 1]!,
      cacheWrite: t[at + 2]!,
      cacheRead: t[at + 3]!,
      ...(reasoning > 0 && { reasoning }),
      ...(hour > 0 && { cacheWrite1h: hour }),
      ...((this.flags[job]! & ESTIMATED) !== 0 && { estimated: true as const }),
      ...((this.flags[job]! & CHARGED) !== 0 && { charged: this.costs[job]! }),
    };
  }
}
