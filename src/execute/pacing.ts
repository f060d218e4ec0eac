// Running at the provider's limit. Every response says what the key may still send (Anthropic's
// `anthropic-ratelimit-*`, OpenAI's and Azure's `x-ratelimit-*`); tierbench keeps a token bucket
// per model and dimension, filled at the advertised limit per minute, and starts a request only
// when each bucket holds its cost: 1 request, its estimated input tokens, and its max_tokens of
// output (Anthropic gives back what the answer did not use when it ends; OpenAI counts prompt plus
// max_tokens and gives nothing back). Both providers enforce a per-minute limit over shorter
// intervals ("60 RPM may be enforced as 1 request per second"), so a bucket holds one second's
// worth, whatever `remaining` says: a minute's worth at once would be refused. Servers that send
// no headers (vLLM, Ollama, LM Studio, most gateways) leave only the adaptive limit and 429s.
// The limits are really per key and organisation; kept per model endpoint here, as tierbench sees
// one model per key in most runs.

/** One dimension of a response's rate-limit headers. */
interface Allowance {
  /** Per minute; absent where a server sends only what remains (Azure). */
  limit?: number;
  remaining: number;
  /** ms until the dimension is full again, as the server says. */
  resetMs?: number;
}

export type Dimension = 'requests' | 'tokens' | 'input' | 'output';

export interface Advertised {
  /** Which API's rules count the tokens: Anthropic input / output apart, OpenAI prompt + max_tokens together. */
  family: 'anthropic' | 'openai';
  limits: Partial<Record<Dimension, Allowance>>;
}

/** "6m0s", "1.5s", "20ms" (OpenAI's reset format) → ms. */
export function duration(text: string): number | undefined {
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/([\d.]+)(ms|s|m|h)/g)) {
    matched = true;
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  return matched ? total : undefined;
}

/** A count a header gives, or undefined for none or nonsense (Azure's -1: "not reported"). */
function count(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function allowance(limit: number | undefined, remaining: number | undefined, resetMs: number | undefined): Allowance | undefined {
  if (remaining === undefined) return undefined;
  return {
    ...(limit !== undefined && limit > 0 && { limit }),
    remaining,
    ...(resetMs !== undefined && Number.isFinite(resetMs) && { resetMs: Math.max(0, resetMs) }),
  };
}

/** What a response's headers say of the limits, or undefined when they say nothing. `wallNow`: for Anthropic's reset times. */
export function advertised(headers: Headers, wallNow = Date.now()): Advertised | undefined {
  const limits: Advertised['limits'] = {};
  if (headers.has('anthropic-ratelimit-requests-remaining') || headers.has('anthropic-ratelimit-input-tokens-remaining')) {
    const read = (kind: string): Allowance | undefined => {
      const reset = Date.parse(headers.get(`anthropic-ratelimit-${kind}-reset`) ?? '');
      return allowance(
        count(headers, `anthropic-ratelimit-${kind}-limit`),
        count(headers, `anthropic-ratelimit-${kind}-remaining`),
        Number.isNaN(reset) ? undefined : reset - wallNow,
      );
    };
    const pairs: Array<[Dimension, string]> = [
      ['requests', 'requests'],
      ['input', 'input-tokens'],
      ['output', 'output-tokens'],
    ];
    // `tokens-*` is the most restrictive of input and output: only where those are not sent.
    if (!headers.has('anthropic-ratelimit-input-tokens-remaining')) pairs.push(['tokens', 'tokens']);
    for (const [dimension, kind] of pairs) {
      const a = read(kind);
      if (a) limits[dimension] = a;
    }
    return Object.keys(limits).length > 0 ? { family: 'anthropic', limits } : undefined;
  }
  for (const dimension of ['requests', 'tokens'] as const) {
    const reset = duration(headers.get(`x-ratelimit-reset-${dimension}`) ?? '');
    const a = allowance(count(headers, `x-ratelimit-limit-${dimension}`), count(headers, `x-ratelimit-remaining-${dimension}`), reset);
    if (a) limits[dimension] = a;
  }
  return Object.keys(limits).length > 0 ? { family: 'openai', limits } : undefined;
}

/** A request's cost to the buckets, before it is sent. */
export interface Cost {
  /** Input tokens as the server will count them: the estimate, scaled by what the server's counts have been. */
  input: number;
  /** The max_tokens it asks for. */
  maxTokens: number;
  /** tierbench's own estimate of the input (about 4 characters a token). */
  estimate?: number;
}

/** A response's token counts, as the Report's Usage has them (`input` without the cached parts). */
interface Used {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  estimated?: boolean;
}

/** The buckets' take counts at a moment (a response's headers), where there are buckets. */
export interface Mark {
  at: number;
  taken: Partial<Record<Dimension, number>>;
}

/** How much of a per-minute limit may be spent at once. */
const BURST_MS = 1000;

class Bucket {
  private level: number;
  private at: number;
  rate = 0;
  burst = 0;
  limit = 0;

  constructor(limit: number, now: number) {
    this.at = now;
    this.resize(limit);
    this.level = this.burst;
  }

  resize(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    this.rate = limit / 60_000;
    this.burst = Math.max(1, Math.min(limit, this.rate * BURST_MS));
  }

  private refill(now: number): void {
    this.level = Math.min(this.burst, this.level + (now - this.at) * this.rate);
    this.at = now;
  }

  /** ms until `cost` can start; a cost beyond a burst waits for a full one and leaves a debt. */
  waitFor(cost: number, now: number): number {
    this.refill(now);
    const needed = Math.min(cost, this.burst);
    return this.level >= needed ? 0 : (needed - this.level) / this.rate;
  }

  /** All ever taken: how much was taken since a moment is the difference of two readings. */
  taken = 0;

  take(cost: number): void {
    this.level -= cost;
    this.taken += cost;
  }

  /**
   * Tokens reserved and not used, back. The server gave them back when its response ended, at
   * some moment after it sent the headers (`takenThen`: the count then), and a full bucket there
   * kept none of what overflowed: counted here as if it was full then, and took only what was
   * taken here since.
   */
  give(n: number, now: number, takenThen = this.taken): void {
    this.refill(now);
    this.level = Math.min(this.burst - (this.taken - takenThen), this.level + n);
  }

  /**
   * The server's view, when it is tighter than ours (another client on the same key): its
   * `remaining` is out of a minute's limit, of which the part beyond one burst is never spent at
   * once. It was counted when the request arrived, at about `sent`: brought up to now with what
   * was replenished and taken here since (else every reading, late, would only ever lower the
   * bucket). `slack`: the headers' rounding (Anthropic's tokens, to the nearest thousand).
   */
  sync(remaining: number, slack: number, now: number, sent: { at: number; taken: number } | undefined): void {
    this.refill(now);
    const since = sent === undefined ? 0 : Math.max(0, now - sent.at) * this.rate - (this.taken - sent.taken);
    this.level = Math.min(this.level, remaining - (this.limit - this.burst) + slack + since);
  }
}

/** The buckets of one model, kept to what its responses advertise. */
export class Pacer {
  private readonly buckets = new Map<Dimension, Bucket>();
  private family: Advertised['family'] = 'openai';
  /** The latest advertised limit per dimension, for the report's notes. */
  readonly seen: Partial<Record<Dimension, number>> = {};
  /** Input tokens the server counted, and tierbench had estimated, over the answers so far. */
  private counted = 0;
  private estimated = 0;

  /**
   * A request's cost, its input estimate scaled by how the server has counted so far: a model
   * whose tokenizer counts 30 % more than four characters a token would otherwise overdraw the
   * input buckets by 30 % (OpenAI's, which nothing settles).
   */
  cost(estimate: number, maxTokens: number): Cost {
    const ratio = this.estimated > 0 ? this.counted / this.estimated : 1;
    return { input: Math.ceil(estimate * ratio), maxTokens, estimate };
  }

  get active(): boolean {
    return this.buckets.size > 0;
  }

  /**
   * A response's headers: new limits, and the server's view of what remains. `inFlight`: the
   * requests started and not ended, which the first headers seen may not count yet.
   */
  observe(ad: Advertised, now: number, inFlight: Cost & { requests: number }, sent?: Mark): void {
    this.family = ad.family;
    for (const [dimension, a] of Object.entries(ad.limits) as Array<[Dimension, Allowance]>) {
      if (a.limit === undefined) continue;
      this.seen[dimension] = a.limit;
      let bucket = this.buckets.get(dimension);
      if (bucket === undefined) {
        bucket = new Bucket(a.limit, now);
        this.buckets.set(dimension, bucket);
        // Counted as if started now: the server counted the one that answered and maybe a few more.
        const costs = this.costs(inFlight);
        costs[0] = ['requests', inFlight.requests];
        bucket.take(costs.find(([d]) => d === dimension)?.[1] ?? 0);
      } else bucket.resize(a.limit);
      const taken = sent?.taken[dimension];
      const rounding = ad.family === 'anthropic' && dimension !== 'requests' ? 500 : 0;
      bucket.sync(a.remaining, rounding, now, sent && taken !== undefined ? { at: sent.at, taken } : undefined);
    }
  }

  private costs(cost: Cost): Array<[Dimension, number]> {
    return [
      ['requests', 1],
      ['input', cost.input],
      ['output', cost.maxTokens],
      // OpenAI's tokens: prompt and max_tokens; Anthropic's (sent alone by older versions): the tighter of the two, taken as both.
      ['tokens', cost.input + cost.maxTokens],
    ];
  }

  /** ms until every bucket can take the request (0: now). */
  waitFor(cost: Cost, now: number): number {
    let wait = 0;
    for (const [dimension, n] of this.costs(cost)) wait = Math.max(wait, this.buckets.get(dimension)?.waitFor(n, now) ?? 0);
    return wait;
  }

  take(cost: Cost): void {
    for (const [dimension, n] of this.costs(cost)) this.buckets.get(dimension)?.take(n);
  }

  /**
   * The request ended. Anthropic sets the output reserved to the output made, and counts the input
   * the response reports (cache reads are not counted); nothing was used by a request that failed.
   */
  settle(cost: Cost, used: Used | undefined, now: number, mark: Mark): void {
    // What counts as input: Anthropic's limit leaves cache reads out; OpenAI's prompt_tokens has them.
    const input = used === undefined ? undefined : used.input + used.cacheWrite + (this.family === 'anthropic' ? 0 : used.cacheRead);
    if (input !== undefined && used?.estimated !== true && cost.estimate !== undefined && cost.estimate > 0) {
      this.counted += input;
      this.estimated += cost.estimate;
    }
    if (this.family !== 'anthropic') return;
    this.buckets.get('output')?.give(cost.maxTokens - (used?.output ?? 0), now, mark.taken.output);
    if (input !== undefined) this.buckets.get('input')?.give(cost.input - input, now, mark.taken.input);
  }

  /** What had been taken by a moment (a request sent, a response's headers), to count what was taken since. */
  mark(now: number): Mark {
    const taken: Mark['taken'] = {};
    for (const [dimension, bucket] of this.buckets) taken[dimension] = bucket.taken;
    return { at: now, taken };
  }
}
