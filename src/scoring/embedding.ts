// `--scorer embedding`: the cosine similarity of the answer's and the reference's embeddings,
// clipped to [0, 1] (docs/decisions/embedding-scorer.md). It waits on an embeddings endpoint, so
// it is an async Scorer: the score stage asks for every answer at once, and the texts asked for in
// one turn of the event loop go out together, in requests of up to MAX_INPUTS texts. Each distinct
// text is embedded once per run, and once across runs while the response cache keeps it.
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { CachedAnswer, ResponseCache } from '../execute/cache.js';
import { type EmbeddingsClient, EmbeddingsFailure } from '../providers/embeddings.js';
import type { Case, EmbeddingUsage, Failure, ModelSpec } from '../types.js';
import type { Scorer } from './scorers.js';

/** Texts per request: OpenAI takes 2,048; smaller requests lose less to one failure and run side by side. */
const MAX_INPUTS = 256;
/** Estimated tokens per request, at a pessimistic 2 characters a token: OpenAI refuses over 300,000. */
const MAX_TOKENS = 150_000;
const estimate = (text: string): number => Math.ceil(text.length / 2);
/** Requests in flight at once. */
const REQUESTS = 4;

/** What the embedding calls took, for the report (which adds the model and prices it): the report's fields, counted here. */
export type EmbeddingTally = Pick<EmbeddingUsage, 'texts' | 'cached' | 'requests' | 'tokens' | 'spentTokens' | 'estimated'>;

interface Waiting {
  text: string;
  resolve: (v: Float32Array) => void;
  reject: (e: Error) => void;
}

export class EmbeddingScorer implements Extract<Scorer, { kind: 'async' }> {
  readonly name = 'embedding';
  readonly kind = 'async';
  /** Scores waiting at once: they cost nothing but a promise while the requests batch them. */
  readonly concurrency = 4096;
  readonly tally: EmbeddingTally = { texts: 0, cached: 0, requests: 0, tokens: 0, spentTokens: 0, estimated: 0 };
  private readonly vectors = new Map<string, Promise<Float32Array>>();
  private queue: Waiting[] = [];
  private scheduled = false;
  private maxInputs = MAX_INPUTS;
  private readonly limit = pLimit(REQUESTS);
  /** Tokens paid for in this segment of the run (a resumed run's earlier ones are not), for --max-cost. */
  private paidTokens = 0;

  /**
   * `store` keeps the vectors: the response cache, whose hits cost nothing, or with --no-cache the
   * run's own file, whose hits this run paid for before it was stopped and resumed.
   */
  constructor(
    readonly spec: ModelSpec,
    private readonly client: EmbeddingsClient,
    private readonly store?: { cache: ResponseCache; paid: boolean },
  ) {}

  /** Every distinct reference, embedded before the first candidate call: a failing endpoint costs nothing else. */
  async embedReferences(cases: readonly Case[]): Promise<void> {
    await Promise.all(cases.map((c) => this.vector(c.expected)));
  }

  async score(output: string, c: Case): Promise<number> {
    // The API refuses an empty input, and an empty answer says nothing: it scores 0.
    if (output.trim() === '') return 0;
    const [answer, reference] = await Promise.all([this.vector(output), this.vector(c.expected)]);
    return Math.min(1, Math.max(0, cosine(answer, reference)));
  }

  /** USD paid in this segment of the run; 0 without a price (the estimate before the run says it is unpriced). */
  get paid(): number {
    return (this.paidTokens * (this.spec.prices?.input ?? 0)) / 1e6;
  }

  close(): void {
    this.store?.cache.close();
  }

  private vector(text: string): Promise<Float32Array> {
    let known = this.vectors.get(text);
    if (known === undefined) {
      known = this.fromCache(text) ?? new Promise((resolve, reject) => this.enqueue({ text, resolve, reject }));
      this.vectors.set(text, known);
    }
    return known;
  }

  private key(text: string): string {
    const { api, baseURL, id } = this.spec;
    return createHash('sha256')
      .update(JSON.stringify(['embedding', api, baseURL ?? 'default', id, text]))
      .digest('hex');
  }

  private fromCache(text: string): Promise<Float32Array> | undefined {
    const hit = this.store?.cache.get(this.key(text));
    if (hit === undefined) return undefined;
    const bytes = Buffer.from(hit.text, 'base64');
    this.tally.texts++;
    this.tally.tokens += hit.usage.input;
    if (!this.store?.paid) this.tally.cached++;
    else {
      this.tally.spentTokens += hit.usage.input;
      if (hit.usage.estimated) this.tally.estimated++;
    }
    return Promise.resolve(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }

  private enqueue(w: Waiting): void {
    this.queue.push(w);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Everything asked for in this turn, in requests within the limits. */
  private flush(): void {
    this.scheduled = false;
    const waiting = this.queue;
    this.queue = [];
    let batch: Waiting[] = [];
    let tokens = 0;
    for (const w of waiting) {
      if (batch.length > 0 && (batch.length >= this.maxInputs || tokens + estimate(w.text) > MAX_TOKENS)) {
        this.send(batch);
        batch = [];
        tokens = 0;
      }
      batch.push(w);
      tokens += estimate(w.text);
    }
    if (batch.length > 0) this.send(batch);
  }

  private send(batch: Waiting[]): void {
    void this.limit(async () => {
      try {
        const { vectors, tokens } = await this.client.embed(batch.map((w) => w.text));
        this.tally.requests++;
        this.settle(batch, vectors, tokens);
      } catch (err) {
        const failure = err instanceof EmbeddingsFailure ? err.failure : undefined;
        // Azure answers "Too many inputs. The max number of inputs is 16." (and once was 1): take it at its word.
        const most = Number(/max(?:imum)? number of inputs is (\d+)/i.exec(failure?.message ?? '')?.[1]);
        if (most > 0 && most < batch.length) {
          this.maxInputs = most;
          for (let i = 0; i < batch.length; i += most) this.send(batch.slice(i, i + most));
          return;
        }
        // A refused request is not billed: halve it until the one text refused (too long) fails alone, and the rest are embedded.
        if (failure?.kind === 'bad_request' && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          this.send(batch.slice(0, half));
          this.send(batch.slice(half));
          return;
        }
        const error = failure === undefined ? (err as Error) : new EmbeddingError(this.spec, failure);
        for (const w of batch) w.reject(error);
      }
    });
  }

  /** Each text's share of the request's tokens, by length when the server counted them all at once. */
  private settle(batch: readonly Waiting[], vectors: readonly Float32Array[], tokens: number | undefined): void {
    const estimates = batch.map((w) => Math.max(1, Math.ceil(w.text.length / 4)));
    const sum = estimates.reduce((a, b) => a + b, 0);
    batch.forEach((w, i) => {
      const vector = vectors[i]!;
      const share = tokens === undefined ? estimates[i]! : (tokens * estimates[i]!) / sum;
      this.tally.texts++;
      this.tally.tokens += share;
      this.tally.spentTokens += share;
      this.paidTokens += share;
      if (tokens === undefined) this.tally.estimated++;
      const stored: CachedAnswer = {
        text: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
        usage: { input: share, output: 0, cacheWrite: 0, cacheRead: 0, ...(tokens === undefined && { estimated: true as const }) },
        stopReason: null,
      };
      this.store?.cache.set(this.key(w.text), stored);
      w.resolve(vector);
    });
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`the embeddings have ${a.length} and ${b.length} dimensions: the model changed during the run`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** A failed embeddings request: what went wrong, and what to check (`message` holds both, for a one-line error). */
export class EmbeddingError extends Error {
  readonly problem: string;
  readonly check: string;

  constructor(spec: ModelSpec, f: Failure) {
    const problem = `the embeddings endpoint failed (${f.kind}${f.status !== undefined ? ` ${f.status}` : ''}): ${f.message}`;
    const check =
      f.kind === 'not_found'
        ? `check the model id \`${spec.id}\`, e.g. --embedding-model openai:text-embedding-3-small`
        : f.kind === 'auth' && spec.apiKeyEnv !== undefined
          ? `check ${spec.apiKeyEnv}`
          : f.kind === 'unreachable'
            ? `check that the server at ${spec.baseURL?.replace(/\/\/[^@/]*@/, '//') ?? "the provider's default URL"} is running`
            : f.kind === 'bad_request'
              ? 'an answer or reference it refuses is most likely too long for the model (OpenAI takes 8,192 tokens a text): shorten it, or lower --max-tokens'
              : 'try again later, or choose another --embedding-model';
    super(`${problem} — ${check}`);
    this.problem = problem;
    this.check = check;
  }
}
