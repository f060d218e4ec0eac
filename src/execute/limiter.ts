// Adaptive concurrency per model, the way TCP finds a link's capacity: a slow start (one more slot
// per success, so the limit doubles each round trip, from `start` up to `max`), then additive
// increase on success, multiplicative decrease on throttling (429 / 529), at most once per window
// so one burst of 429s counts once. `retry-after` and exhausted rate-limit headers pause the model;
// optional --rpm / --tpm caps pace request starts.

export interface LimiterOptions {
  /** Upper bound: the run's per-model concurrency. */
  max: number;
  /**
   * Where the slow start begins (default: max, no slow start). Starting low spares a provider a
   * burst of `max` requests at once, and spares the measurements the queueing of `max` responses
   * arriving together while tierbench's code is still cold.
   */
  start?: number;
  rpm?: number;
  tpm?: number;
  now?: () => number;
  /** Decreases closer together than this count as one congestion event. */
  windowMs?: number;
}

export class AdaptiveLimit {
  private limit: number;
  private inFlight = 0;
  private pausedUntil = 0;
  private lastDecrease = -Infinity;
  /** Slow start lasts until the limit first reaches max or the provider first throttles. */
  private slowStart: boolean;
  /** Earliest start of the next request under --rpm / --tpm. */
  private nextStart = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Lowest limit reached, for the report. */
  floor: number;
  throttles = 0;

  constructor(private readonly options: LimiterOptions) {
    this.limit = Math.min(options.max, options.start ?? options.max);
    this.slowStart = this.limit < options.max;
    this.floor = options.max;
    this.now = options.now ?? Date.now;
  }

  get current(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  /** Wait for a slot; `tokens` (estimated input) counts against --tpm. */
  async acquire(tokens = 0): Promise<void> {
    for (;;) {
      const now = this.now();
      const wait = Math.max(this.pausedUntil, this.nextStart) - now;
      if (this.inFlight < this.current && wait <= 0) break;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        if (wait > 0) this.wake(wait);
      });
    }
    this.inFlight++;
    const start = Math.max(this.now(), this.nextStart);
    let gap = 0;
    if (this.options.rpm) gap = Math.max(gap, 60_000 / this.options.rpm);
    if (this.options.tpm && tokens > 0) gap = Math.max(gap, (tokens * 60_000) / this.options.tpm);
    this.nextStart = start + gap;
  }

  /** A call ended; `outputTokens` is charged to --tpm after the fact. */
  release(throttled: boolean, outputTokens = 0): void {
    this.inFlight--;
    if (!throttled) this.limit = Math.min(this.options.max, this.limit + (this.slowStart ? 1 : 1 / this.limit));
    if (this.limit >= this.options.max) this.slowStart = false;
    if (this.options.tpm && outputTokens > 0) this.nextStart += (outputTokens * 60_000) / this.options.tpm;
    this.next();
  }

  /** A 429 / 529 (also one the SDK is about to retry), with its retry-after if any. */
  throttled(retryAfterMs?: number): void {
    this.throttles++;
    const now = this.now();
    this.slowStart = false;
    if (now - this.lastDecrease >= (this.options.windowMs ?? 200)) {
      this.limit = Math.max(1, this.limit / 2);
      this.floor = Math.min(this.floor, this.current);
      this.lastDecrease = now;
    }
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.pause(retryAfterMs);
  }

  /** The provider says the quota is spent until then. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.min(ms, 60_000));
  }

  /**
   * Wake a waiter for every free slot: the limit may have grown by more than the slot released.
   * (Waking one per release kept a run at its starting concurrency when every case was already
   * waiting.) A waiter woken for nothing checks again and waits again.
   */
  private next(): void {
    for (let free = this.current - this.inFlight; free > 0 && this.waiters.length > 0; free--) this.waiters.shift()?.();
  }

  private wake(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Everyone re-checks: the pause may be over for all of them.
      for (const w of this.waiters.splice(0)) w();
    }, ms);
  }
}

/** "6m0s", "1.5s", "20ms" (OpenAI's reset format) → ms. */
function duration(text: string): number | undefined {
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/([\d.]+)(ms|s|m|h)/g)) {
    matched = true;
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  return matched ? total : undefined;
}

/** When the response says no requests remain, how long until they do. */
export function exhaustedFor(headers: Headers): number | undefined {
  if (headers.get('anthropic-ratelimit-requests-remaining') === '0') {
    const reset = Date.parse(headers.get('anthropic-ratelimit-requests-reset') ?? '');
    return Number.isNaN(reset) ? 1000 : Math.max(0, reset - Date.now());
  }
  if (headers.get('x-ratelimit-remaining-requests') === '0') return duration(headers.get('x-ratelimit-reset-requests') ?? '') ?? 1000;
  return undefined;
}
