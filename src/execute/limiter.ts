// Adaptive concurrency per model, the way TCP finds a link's capacity: a slow start (one more slot
// per success, so the limit doubles each round trip, from `start` up to `max`), then additive
// increase on success, multiplicative decrease on throttling (429 / 529), at most once per window
// so one burst of 429s counts once. Request starts are also paced to the limits the provider
// advertises (pacing.ts), and to the user's --rpm / --tpm caps; `retry-after` pauses the model.
// Waiting requests start in the order they asked, so a pacing wait is one timer, not one per waiter.
import { type Advertised, type Cost, type Mark, Pacer } from './pacing.js';

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
  private readonly queue: Array<{ cost: Cost; start: () => void }> = [];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly pacer = new Pacer();
  /** Since when the first request in line has waited for the advertised limits alone. */
  private pacingSince: number | undefined;
  /** What the requests started and not yet ended cost. */
  private readonly started = { requests: 0, input: 0, maxTokens: 0 };
  /** Lowest limit reached, for the report. */
  floor: number;
  throttles = 0;
  /** Time request starts waited for the advertised limits, ms. */
  pacedMs = 0;

  constructor(private readonly options: LimiterOptions) {
    this.limit = Math.min(options.max, options.start ?? options.max);
    this.slowStart = this.limit < options.max;
    this.floor = options.max;
    this.now = options.now ?? Date.now;
  }

  get current(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  /** The limits the provider advertised, per minute (empty when it sent none). */
  get advertised(): Pacer['seen'] {
    return this.pacer.seen;
  }

  /**
   * Wait for a slot and for the limits: `input` (estimated input tokens) counts against --tpm and
   * the advertised token limits, `maxTokens` against the advertised output limit. Resolves to the
   * cost taken, for settle(), resent() and release().
   */
  acquire(input = 0, maxTokens = 0): Promise<Cost> {
    const cost = this.pacer.cost(input, maxTokens);
    return new Promise<Cost>((start) => {
      this.queue.push({ cost, start: () => start(cost) });
      this.pump();
    });
  }

  /** A call ended (journaled, its slot free); `outputTokens` counts against --tpm after the fact. */
  release(throttled: boolean, cost: Cost = { input: 0, maxTokens: 0 }, outputTokens = 0): void {
    this.inFlight--;
    this.started.requests--;
    this.started.input -= cost.input;
    this.started.maxTokens -= cost.maxTokens;
    if (!throttled) this.limit = Math.min(this.options.max, this.limit + (this.slowStart ? 1 : 1 / this.limit));
    if (this.limit >= this.options.max) this.slowStart = false;
    if (this.options.tpm && outputTokens > 0) this.nextStart += (outputTokens * 60_000) / this.options.tpm;
    this.pump();
  }

  /**
   * A response has ended, with its usage when it answered: the token reservations become what it
   * used. Called as soon as it ends, before the result is journaled: the server gives back at its
   * end, and a bucket is capped — given back later, at a fuller moment, the same tokens would count
   * for more here than they did there.
   */
  settle(cost: Cost, used: Parameters<Pacer['settle']>[1], mark: Mark = this.mark()): void {
    this.pacer.settle(cost, used, this.now(), mark);
    this.pump();
  }

  /** A moment (a request sent, a response's headers arrived), for observe() and settle(). */
  mark(): Mark {
    return this.pacer.mark(this.now());
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

  /** A request the SDK is about to send again (a 429, a 529): its cost is spent again, out of turn. */
  resent(cost: Cost): void {
    this.pacer.take(cost);
  }

  /** The provider says the quota is spent until then. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.min(ms, 60_000));
    this.pump();
  }

  /**
   * What a response's rate-limit headers say: limits to pace to, or (a server that sends no limit)
   * a quota spent until its reset. `sent`: the mark of when its request started.
   */
  observe(ad: Advertised, sent?: Mark): void {
    this.pacer.observe(ad, this.now(), this.started, sent);
    for (const a of Object.values(ad.limits)) if (a.limit === undefined && a.remaining === 0) this.pause(a.resetMs ?? 1000);
  }

  /**
   * Start the requests in line while there is a free slot and nothing to wait for: the limit may
   * have grown by more than the slot released. (Starting one per release kept a run at its
   * starting concurrency when every case was already waiting.)
   */
  private pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined || this.inFlight >= this.current) return;
      const now = this.now();
      const paced = this.pacer.waitFor(head.cost, now);
      const wait = Math.max(this.pausedUntil - now, this.nextStart - now, paced);
      if (wait > 0) {
        if (paced >= wait) this.pacingSince ??= now;
        this.wake(wait);
        return;
      }
      if (this.pacingSince !== undefined) {
        this.pacedMs += now - this.pacingSince;
        this.pacingSince = undefined;
      }
      this.queue.shift();
      this.inFlight++;
      this.pacer.take(head.cost);
      this.started.requests++;
      this.started.input += head.cost.input;
      this.started.maxTokens += head.cost.maxTokens;
      const start = Math.max(now, this.nextStart);
      let gap = 0;
      if (this.options.rpm) gap = Math.max(gap, 60_000 / this.options.rpm);
      if (this.options.tpm && head.cost.input > 0) gap = Math.max(gap, (head.cost.input * 60_000) / this.options.tpm);
      this.nextStart = start + gap;
      head.start();
    }
  }

  private wake(ms: number): void {
    const at = this.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.ceil(ms));
  }
}
