// Responses on disk, keyed by everything that determines the answer, so rerunning an unchanged
// run makes no calls and costs nothing. One append-only JSON-lines file: loaded into memory at
// start (a torn last line from a crash is skipped), new answers appended in batches.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChatRequest, Completion, ModelSpec } from '../types.js';
import { Appender } from './appender.js';

/** Bump when the key or the stored shape changes: old entries are then ignored. */
const FORMAT = 1;
const FILE = `responses-v${FORMAT}.jsonl`;

/** What is kept of an answer: never the request (prompts may be sensitive) and never a key. */
export type CachedAnswer = Pick<Completion, 'text' | 'usage' | 'stopReason' | 'logprob'>;

interface Entry {
  k: string;
  /** When it was stored (ms since the epoch). */
  t: number;
  v: CachedAnswer;
}

/** Settings of the call that change the answer beyond the request itself. */
export interface CallSettings {
  temperature?: number;
  promptCache: boolean;
  logprobs: boolean;
  anthropicVersion?: string;
}

export class ResponseCache {
  private constructor(private readonly entries: Map<string, Entry>, private readonly writer: Appender, private readonly ttlMs: number, private readonly now: () => number) {}

  static async open(dir: string, ttlMs: number, now: () => number = Date.now): Promise<ResponseCache> {
    const path = join(dir, FILE);
    const entries = new Map<string, Entry>();
    if (existsSync(path)) {
      const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
      for await (const line of lines) {
        try {
          const e = JSON.parse(line) as Entry;
          if (typeof e.k === 'string' && typeof e.t === 'number' && e.v) entries.set(e.k, e);
        } catch {
          // A line torn by a crash: that answer is simply not cached.
        }
      }
    }
    return new ResponseCache(entries, new Appender(path), ttlMs, now);
  }

  static clear(dir: string): boolean {
    const path = join(dir, FILE);
    if (!existsSync(path)) return false;
    rmSync(path);
    return true;
  }

  /** sample: the n-th answer to the same request (--repeats) is a different answer. */
  static key(spec: ModelSpec, request: ChatRequest, sample: number, settings: CallSettings): string {
    const identity = [FORMAT, spec.api, spec.baseURL ?? 'default', spec.id, request.system ?? null, request.messages, request.maxTokens, settings.temperature ?? null, settings.promptCache, settings.logprobs, settings.anthropicVersion ?? null, sample];
    return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  }

  get(key: string): CachedAnswer | undefined {
    const e = this.entries.get(key);
    if (e === undefined || this.now() - e.t > this.ttlMs) return undefined;
    return e.v;
  }

  set(key: string, answer: CachedAnswer): void {
    const e: Entry = { k: key, t: this.now(), v: answer };
    this.entries.set(key, e);
    void this.writer.append(e);
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.writer.close();
  }
}
