// Responses on disk, keyed by everything that determines the answer, so rerunning an unchanged
// run makes no calls and costs nothing. One append-only JSON-lines file, new answers appended in
// batches. Only an index stays in memory, key → where its line starts (not the answers: a
// 100,000-case run would otherwise hold every answer twice); a hit reads its line back and checks
// the whole key there. A line torn by a crash does not parse, and is a miss.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as v from 'valibot';
import type { SentSettings } from '../providers/provider.js';
import type { ChatRequest, Completion, Finish, ModelSpec, Usage } from '../types.js';
import { type Holds, type Same, validate } from '../validate.js';
import { Appender } from './appender.js';

/** Bump when the key or the stored shape changes: old entries are then ignored. */
const FORMAT = 1;
const FILE = `responses-v${FORMAT}.jsonl`;
/** Embeddings (--scorer embedding) live beside the answers, in a file of their own: each file has one writer. */
export const EMBEDDINGS_FILE = `embeddings-v${FORMAT}.jsonl`;

/** Token counts as stored in the cache and the run journal. */
export const USAGE = v.object({
  input: v.number(),
  output: v.number(),
  cacheWrite: v.number(),
  cacheRead: v.number(),
  reasoning: v.optional(v.number()),
  cacheWrite1h: v.optional(v.number()),
  charged: v.optional(v.number()),
  estimated: v.optional(v.literal(true)),
});

export const FINISH = v.picklist(['answered', 'truncated', 'refused', 'empty']);

/** What is kept of an answer: never the request (prompts may be sensitive) and never a key. */
const ANSWER = v.object({
  text: v.string(),
  usage: USAGE,
  stopReason: v.nullable(v.string()),
  logprob: v.optional(v.number()),
  // Absent in entries stored before it was kept.
  finish: v.optional(FINISH),
});
export type CachedAnswer = v.InferOutput<typeof ANSWER>;

/** The stored shapes are the types' (a field added to Usage, or a finish, must be added here too). @public (a compile-time check) */
export type StoredShapes = [
  Holds<Same<v.InferOutput<typeof USAGE>, Usage>>,
  Holds<Same<v.InferOutput<typeof FINISH>, Finish>>,
  Holds<Same<CachedAnswer, Pick<Completion, 'text' | 'usage' | 'stopReason' | 'logprob'> & Partial<Pick<Completion, 'finish'>>>>,
];

/** What the cache keeps of an answer, live or from a batch: its text, usage, stop and finish, never the request. */
export function toCachedAnswer(a: Pick<Completion, 'text' | 'usage' | 'stopReason' | 'finish' | 'logprob'>): CachedAnswer {
  return { text: a.text, usage: a.usage, stopReason: a.stopReason, finish: a.finish, ...(a.logprob !== undefined && { logprob: a.logprob }) };
}

/** Entries stored before the finish was kept: it follows from the stop reason, in any API's words. */
export function cachedFinish(answer: CachedAnswer): Finish {
  if (answer.finish !== undefined) return answer.finish;
  const reason = answer.stopReason ?? '';
  if (/^(refusal|content_filter)$/.test(reason)) return 'refused';
  if (/^(max_tokens|length|max_output_tokens|model_context_window_exceeded)$/.test(reason)) return 'truncated';
  return answer.text.trim() === '' ? 'empty' : 'answered';
}

/**
 * Messages as the key sees them: an image is its sha256 (the bytes decide the answer; a URL whose
 * image changed is a new call), so a key is not megabytes of base64 to hash on every call.
 */
function keyedMessages(messages: ChatRequest['messages']): unknown {
  if (messages.every((m) => typeof m.content === 'string')) return messages;
  return messages.map((m) =>
    typeof m.content === 'string' ? m : { role: m.role, content: m.content.map((p) => (p.type === 'text' ? p : { type: 'image', sha256: p.image.sha256 })) },
  );
}

/** One line of the cache; `t`: when it was stored (ms since the epoch). */
const ENTRY = v.object({ k: v.string(), t: v.number(), v: ANSWER });
type Entry = v.InferOutput<typeof ENTRY>;

/** A line edited by hand, torn by a crash or written by another version is a miss, never a crash. */
function entryOf(line: string): Entry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const checked = validate(ENTRY, raw);
  return checked.ok ? checked.value : undefined;
}

/**
 * The index's key: the first 52 bits of the sha256, a number Map keys hold exactly. About 40 bytes
 * an entry where the 64-character key took 110. Two keys sharing a slot (odds about 1 in a million
 * at 100,000 entries) cost a miss, never a wrong answer: `get` compares the full key on the line.
 */
const slot = (key: string): number => parseInt(key.slice(0, 13), 16);

export class ResponseCache {
  private constructor(
    private readonly offsets: Map<number, number>,
    private readonly writer: Appender,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  static async open(dir: string, ttlMs: number, now: () => number = Date.now, file = FILE): Promise<ResponseCache> {
    const path = join(dir, file);
    const offsets = existsSync(path) ? await index(path) : new Map<number, number>();
    return new ResponseCache(offsets, new Appender(path), ttlMs, now);
  }

  /** What the cache holds (`tierbench cache stats`), read line by line: any size. */
  static async stats(dir: string, ttlMs: number, now: number = Date.now()): Promise<CacheStats | undefined> {
    const path = join(dir, FILE);
    if (!existsSync(path)) return undefined;
    const latest = new Map<string, Entry>();
    let lines = 0;
    let unreadable = 0;
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      if (line === '') continue;
      lines++;
      const e = entryOf(line);
      if (e === undefined) unreadable++;
      else latest.set(e.k, e);
    }
    const live = [...latest.values()].filter((e) => now - e.t <= ttlMs);
    return {
      path,
      bytes: statSync(path).size,
      entries: latest.size,
      live: live.length,
      expired: latest.size - live.length,
      replaced: lines - unreadable - latest.size,
      unreadable,
      ...(live.length > 0 && { oldest: Math.min(...live.map((e) => e.t)), newest: Math.max(...live.map((e) => e.t)) }),
      inputTokens: live.reduce((n, e) => n + e.v.usage.input + e.v.usage.cacheRead + e.v.usage.cacheWrite, 0),
      outputTokens: live.reduce((n, e) => n + e.v.usage.output, 0),
    };
  }

  static clear(dir: string): boolean {
    const embeddings = join(dir, EMBEDDINGS_FILE);
    if (existsSync(embeddings)) rmSync(embeddings);
    const path = join(dir, FILE);
    if (!existsSync(path)) return false;
    rmSync(path);
    return true;
  }

  /** settings: what the model is sent (Provider.sent); sample: the n-th answer to the same request (--repeats) is a different answer. */
  static key(spec: ModelSpec, request: ChatRequest, sample: number, settings: SentSettings): string {
    const identity = [
      FORMAT,
      spec.api,
      spec.baseURL ?? 'default',
      spec.id,
      request.system ?? null,
      keyedMessages(request.messages),
      spec.maxTokens,
      settings.temperature ?? null,
      // `true` was the key of a marked system prompt before the TTL could be chosen: 5m keeps it, so those answers are still found.
      settings.promptCache === '5m' ? true : settings.promptCache,
      settings.logprobs,
      settings.anthropicVersion ?? null,
      sample,
      // Appended only when set: keys of calls without one are those stored before it existed.
      ...(spec.reasoning !== undefined ? [spec.reasoning] : []),
      ...(request.tools !== undefined ? [{ tools: request.tools, choice: request.toolChoice ?? null }] : []),
      // Likewise a structured-output format: an answer held to a schema is not the free answer.
      ...(settings.structured !== undefined ? [{ structured: settings.structured }] : []),
    ];
    return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  }

  get(key: string): CachedAnswer | undefined {
    const offset = this.offsets.get(slot(key));
    if (offset === undefined) return undefined;
    const e = entryOf(this.writer.lineAt(offset));
    if (e === undefined || e.k !== key || this.now() - e.t > this.ttlMs) return undefined;
    return e.v;
  }

  set(key: string, answer: CachedAnswer): void {
    this.offsets.set(slot(key), this.writer.offset);
    void this.writer.append({ k: key, t: this.now(), v: answer } satisfies Entry);
  }

  get size(): number {
    return this.offsets.size;
  }

  /** Why answers could not be stored (the cache goes on being read, not written), if they could not. */
  get failure(): NodeJS.ErrnoException | undefined {
    return this.writer.failure;
  }

  close(): void {
    this.writer.close();
  }
}

export interface CacheStats {
  path: string;
  bytes: number;
  /** Distinct calls stored; `live` of them within the TTL, `expired` past it. */
  entries: number;
  live: number;
  expired: number;
  /** Lines a later answer to the same call replaced (a rerun with --no-cache). */
  replaced: number;
  /** Lines torn by a crash or edited by hand: misses. */
  unreadable: number;
  /** When the live answers were stored (ms since the epoch). */
  oldest?: number;
  newest?: number;
  inputTokens: number;
  outputTokens: number;
}

/** Where each key's latest line starts. Lines begin `{"k":"<key>"` (Entry's first field). */
async function index(path: string): Promise<Map<number, number>> {
  const offsets = new Map<number, number>();
  const prefix = Buffer.from('{"k":"');
  let carry: Buffer = Buffer.alloc(0);
  let base = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(0x0a); newline >= 0; newline = buffer.indexOf(0x0a, start)) {
      if (buffer.subarray(start, start + prefix.length).equals(prefix)) {
        const end = buffer.indexOf(0x22, start + prefix.length);
        if (end > 0 && end < newline) offsets.set(slot(buffer.toString('latin1', start + prefix.length, end)), base + start);
      }
      start = newline + 1;
    }
    carry = buffer.subarray(start);
    base += start;
  }
  // The last line has no newline only when a crash tore it: it is not indexed.
  return offsets;
}
