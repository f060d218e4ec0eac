// The providers' rate limits, enforced as they describe them. Anthropic: a token bucket per
// dimension (requests, input tokens, output tokens per minute), "continuously replenished up to
// your maximum limit, rather than being reset at fixed intervals"; output tokens are reserved at
// `max_tokens` when a request starts and set to the actual count when it ends; cache reads do not
// count as input. OpenAI: requests and tokens per minute, tokens counted when a request starts as
// its prompt plus `max_tokens` (its guide: "the maximum of max_tokens and the estimated number of
// tokens"), and a refused request still counts against the requests limit. Both warn that a
// per-minute limit is enforced over shorter intervals ("60 RPM may be enforced as 1 request per
// second"): a request is admitted only while the last `burstMs` worth of the limit is not spent,
// so a burst of a minute's requests at once is refused even though the headers' `remaining`
// says a minute's worth is left. Limits are per model here (per organisation and model class
// there).
import type { Profile } from './simulated.js';

export type Shape = 'anthropic' | 'openai';

/** What a request costs before it is answered. */
export interface Cost {
  /** Input tokens that count against the limits (Anthropic: not the cache reads). */
  input: number;
  maxTokens: number;
}

export type Admission =
  | {
      ok: true;
      headers: Record<string, string> /** Anthropic: set the output reservation to the actual output when the response ends. */;
      settle(output: number): void;
    }
  | { ok: false; headers: Record<string, string>; retryAfterS: number /** Which limit was hit, as the APIs name it in the message. */; which: string };

/** Limits no profile sets: nothing is enforced, and the headers say so with numbers no client will reach. */
const UNLIMITED = 1_000_000_000;

class Bucket {
  private level: number;
  private at: number;
  readonly rate: number;
  /** How much of the limit a burst may spend: `burstMs` of replenishment, at least one request's worth. */
  private readonly burst: number;

  constructor(
    readonly limit: number,
    now: number,
    burstMs: number,
  ) {
    this.level = limit;
    this.at = now;
    this.rate = limit / 60_000;
    this.burst = Math.max(1, Math.min(limit, this.rate * burstMs));
  }

  private refill(now: number): void {
    this.level = Math.min(this.limit, this.level + (now - this.at) * this.rate);
    this.at = now;
  }

  /** ms until `cost` can be taken (0: now). A cost larger than a burst waits for a full burst, and leaves a debt. */
  waitFor(cost: number, now: number): number {
    this.refill(now);
    const needed = this.limit - this.burst + Math.min(cost, this.burst);
    return this.level >= needed ? 0 : (needed - this.level) / this.rate;
  }

  take(cost: number): void {
    this.level -= cost;
  }

  /** A refused request's charge (OpenAI): never below an empty burst, so waiting out the retry-after works. */
  charge(cost: number): void {
    this.level = Math.max(this.limit - this.burst, this.level - cost);
  }

  give(n: number): void {
    this.level = Math.min(this.limit, this.level + n);
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.level));
  }

  /** ms until the bucket is full again: the headers' "reset". */
  fullIn(now: number): number {
    this.refill(now);
    return (this.limit - this.level) / this.rate;
  }
}

interface Buckets {
  requests: Bucket;
  /** OpenAI: prompt and max_tokens together. */
  tokens: Bucket;
  input: Bucket;
  output: Bucket;
}

export class RateLimits {
  private readonly buckets = new Map<string, Buckets>();

  constructor(
    private readonly burstMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private of(model: string, profile: Profile): Buckets {
    let b = this.buckets.get(model);
    if (b === undefined) {
      const now = this.now();
      const bucket = (limit: number | undefined): Bucket => new Bucket(limit ?? UNLIMITED, now, this.burstMs);
      b = { requests: bucket(profile.rpm), tokens: bucket(profile.tpm), input: bucket(profile.itpm), output: bucket(profile.otpm) };
      this.buckets.set(model, b);
    }
    return b;
  }

  admit(model: string, profile: Profile, shape: Shape, cost: Cost): Admission {
    const b = this.of(model, profile);
    const now = this.now();
    const asked: Array<[Bucket, number, string]> =
      shape === 'anthropic'
        ? [
            [b.requests, 1, 'requests'],
            [b.input, cost.input, 'input tokens'],
            [b.output, cost.maxTokens, 'output tokens'],
          ]
        : [
            [b.requests, 1, 'requests'],
            [b.tokens, cost.input + cost.maxTokens, 'tokens'],
          ];
    let wait = 0;
    let which = '';
    for (const [bucket, n, name] of asked) {
      const w = bucket.waitFor(n, now);
      if (w > wait) {
        wait = w;
        which = name;
      }
    }
    if (wait > 0) {
      if (shape === 'openai') b.requests.charge(1);
      return { ok: false, headers: this.headers(b, shape, now), retryAfterS: Math.max(1, Math.ceil(wait / 1000)), which };
    }
    for (const [bucket, n] of asked) bucket.take(n);
    const headers = this.headers(b, shape, now);
    return {
      ok: true,
      headers,
      settle: (output) => {
        if (shape === 'anthropic') b.output.give(Math.max(0, cost.maxTokens - output));
      },
    };
  }

  private headers(b: Buckets, shape: Shape, now: number): Record<string, string> {
    if (shape === 'openai') {
      return {
        'x-ratelimit-limit-requests': String(b.requests.limit),
        'x-ratelimit-remaining-requests': String(b.requests.remaining(now)),
        'x-ratelimit-reset-requests': openAIDuration(b.requests.fullIn(now)),
        'x-ratelimit-limit-tokens': String(b.tokens.limit),
        'x-ratelimit-remaining-tokens': String(b.tokens.remaining(now)),
        'x-ratelimit-reset-tokens': openAIDuration(b.tokens.fullIn(now)),
      };
    }
    const h: Record<string, string> = {};
    const put = (kind: string, bucket: Bucket, thousands: boolean): void => {
      const remaining = bucket.remaining(now);
      h[`anthropic-ratelimit-${kind}-limit`] = String(bucket.limit);
      // "rounded to the nearest thousand" for tokens, as the API documents.
      h[`anthropic-ratelimit-${kind}-remaining`] = String(thousands ? Math.round(remaining / 1000) * 1000 : remaining);
      h[`anthropic-ratelimit-${kind}-reset`] = rfc3339(now + bucket.fullIn(now));
    };
    put('requests', b.requests, false);
    put('input-tokens', b.input, true);
    put('output-tokens', b.output, true);
    // "tokens-*": the most restrictive limit currently in effect.
    const tighter = b.input.remaining(now) / b.input.limit <= b.output.remaining(now) / b.output.limit ? b.input : b.output;
    put('tokens', tighter, true);
    return h;
  }
}

/** As Anthropic sends times: RFC 3339, whole seconds, rounded up (the bucket is full by then). */
const rfc3339 = (ms: number): string => new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** OpenAI's durations: "20ms", "1.5s", "6m0s". */
export function openAIDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 10) / 100;
  return minutes > 0 ? `${minutes}m${Math.floor(seconds)}s` : `${seconds}s`;
}
