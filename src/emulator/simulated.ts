// Simulated models: who answers what, how fast, and which faults they throw. Everything is a
// deterministic function of (seed, model, case, attempt), so reruns agree and retries can succeed.
import * as v from 'valibot';
import { imageSources, loadImages } from '../cases/images.js';
import type { Case, Dataset } from '../types.js';
import { dictionary, says, strict } from '../validate.js';

/**
 * How a server departs from the documented wire format (api-notes, "What real servers do"):
 * `stall` (headers and the first events, then silence), `no-usage` (OpenAI streams and answers
 * without token counts, asked or not: LM Studio, older Ollama), `json-for-stream` (a plain JSON
 * answer to a stream request), `sse-for-plain` (a stream to a plain request), `no-event-lines`
 * (Anthropic frames without their `event:` line, as some proxies send), `gzip` (compressed
 * whatever the client accepts), `split` (SSE in small pieces cut mid-line, CRLF line ends),
 * `noise` (comments, pings and unknown events between the real ones), `gateway` (OpenRouter's
 * shapes: usage with `cost` and `cache_write_tokens`, mid-stream errors beside a choice finished
 * by "error", 403 for a flagged input), `vllm` (vLLM's mid-stream error, then `[DONE]`),
 * `no-stream-options` (a 400 for `stream_options`, as some servers and older Azure versions send),
 * `no-structured-output` (a 400 for a structured-output format: Azure OpenAI before api-version
 * 2024-08-01-preview, an Anthropic model or proxy without the feature), `no-rate-headers` (limits
 * enforced but not advertised, as vLLM, Ollama and some gateways: only 429s tell).
 */
const QUIRKS = [
  'stall',
  'no-usage',
  'json-for-stream',
  'sse-for-plain',
  'no-event-lines',
  'gzip',
  'split',
  'noise',
  'gateway',
  'vllm',
  'no-stream-options',
  'no-structured-output',
  'no-rate-headers',
] as const;
export type Quirk = (typeof QUIRKS)[number];

const PROFILE_FIX = 'e.g. [{"ids": ["claude-haiku-5-5"], "accuracy": 0.9, "ttftMs": 100, "tokensPerSec": 80}] (the fields: README, "Without keys")';
const share = (what: string) =>
  v.pipe(v.number(says(`give ${what} from 0 to 1`)), v.minValue(0, says(`give ${what} from 0 to 1`)), v.maxValue(1, says(`give ${what} from 0 to 1`)));
const atLeast = (min: number, what: string) => v.pipe(v.number(says(`give ${what}`)), v.minValue(min, says(`give ${what}`)));
const whole = (what: string) => v.pipe(v.number(says(`give ${what}`)), v.integer(says(`give ${what}`)), v.minValue(1, says(`give ${what}`)));

/**
 * Something going wrong with one attempt: an HTTP error `status`, or a broken response `kind`:
 * `reset` (the connection drops mid-body), `truncate` (the stream ends before its last event),
 * `stream-error` (an error event mid-stream), `malformed` (invalid JSON), `empty` (no text),
 * `hang` (no answer until the client gives up), `refusal` (the model refuses: Anthropic's
 * `refusal` stop, OpenAI's `content_filter` finish), `error-body` (a 200 whose body is an error,
 * as gateways send), or `spend-limit` (a 429 that means a spend limit or no quota, not a rate).
 */
const FAULT = strict(
  {
    status: v.optional(v.picklist([429, 500, 503, 529], says('use 429, 500, 503 or 529'))),
    kind: v.optional(
      v.picklist(
        ['reset', 'truncate', 'stream-error', 'malformed', 'empty', 'hang', 'refusal', 'error-body', 'spend-limit'],
        says('use reset, truncate, stream-error, malformed, empty, hang, refusal, error-body or spend-limit'),
      ),
    ),
    /** Probability per attempt. */
    rate: share('a probability'),
    /** Sent as `retry-after` (seconds). */
    retryAfterS: v.optional(atLeast(0, 'seconds ≥ 0')),
    /** Sent as `retry-after-ms`, which both SDKs prefer (keeps tests fast). */
    retryAfterMs: v.optional(atLeast(0, 'milliseconds ≥ 0')),
  },
  'write {"status": 529, "rate": 0.1} or {"kind": "reset", "rate": 0.05}',
  { rate: 'give the probability per attempt, from 0 to 1' },
);
export type Fault = v.InferOutput<typeof FAULT>;

const QUIRK_LIST = v.object({ quirks: v.array(v.string()) });
const isQuirk = (q: string): q is Quirk => (QUIRKS as readonly string[]).includes(q);
const knownQuirks = <T extends { quirks?: string[] | undefined }>(p: T): p is T & { quirks?: Quirk[] } => (p.quirks ?? []).every(isQuirk);

/** A simulated model, as `tierbench emulate --profiles` reads it. */
export const PROFILE = v.pipe(
  strict(
    {
      /** Model ids served with this profile (the first is its name). */
      ids: v.pipe(v.array(v.string(says('give the model ids as strings'))), v.minLength(1, says('give at least one model id'))),
      /** Probability of the right answer… */
      accuracy: share('a probability'),
      /** Probability of the right tool call where the expected answer is one (a tool-routing case); `accuracy` when absent. */
      toolAccuracy: v.optional(share('a probability')),
      /** …or per category (the key's category, else its expected label). */
      categoryAccuracy: v.optional(dictionary(share('a probability'), 'write {"Billing": 0.95, "Technical": 0.8}')),
      /** Median time to first token, ms, and the spread of its log-normal distribution (0 = fixed). */
      ttftMs: atLeast(0, 'milliseconds ≥ 0'),
      ttftSpread: v.optional(atLeast(0, 'a spread ≥ 0, e.g. 0.25')),
      /** Output speed; 0 means instant. */
      tokensPerSec: atLeast(0, 'tokens per second ≥ 0 (0: instant)'),
      /**
       * Probability that a later sample of the same case repeats the first one's outcome; otherwise
       * it is drawn afresh. 1 (the default) makes every sample agree, like temperature 0.
       */
      consistency: v.optional(share('a probability')),
      /** Probability of answering in a sentence ("The category is Billing.") instead of a bare label. */
      verbosity: v.optional(share('a probability')),
      faults: v.optional(v.array(FAULT, says('write a list of faults: [{"status": 529, "rate": 0.1}]'))),
      /** Probability of an extra delay, and its length. */
      slow: v.optional(
        strict({ rate: share('a probability'), extraMs: atLeast(0, 'milliseconds ≥ 0') }, 'write {"rate": 0.05, "extraMs": 2000}', {
          rate: 'give the probability of the delay, from 0 to 1',
          extraMs: 'give the delay in milliseconds',
        }),
      ),
      /**
       * Rate limits, enforced as token buckets the way the real APIs do (src/emulator/limits.ts), and
       * advertised in their headers: requests per minute (both APIs), tokens per minute (OpenAI:
       * prompt plus max_tokens), input and output tokens per minute (Anthropic). Unlimited when absent.
       */
      rpm: v.optional(whole('a whole number of requests per minute ≥ 1')),
      tpm: v.optional(whole('a whole number of tokens per minute ≥ 1')),
      itpm: v.optional(whole('a whole number of input tokens per minute ≥ 1')),
      otpm: v.optional(whole('a whole number of output tokens per minute ≥ 1')),
      /** Requests in flight before 429s (a concurrency limit); unlimited when absent. */
      maxConcurrent: v.optional(whole('a whole number of requests ≥ 1')),
      quirks: v.optional(v.array(v.string(says(`the quirks are ${QUIRKS.join(', ')}`)), says(`write a list: the quirks are ${QUIRKS.join(', ')}`))),
      /**
       * A reasoning model: the thinking tokens it spends before answering at its default effort
       * (medium), scaled by the effort asked, capped by a thinking budget, and billed as output.
       */
      thinking: v.optional(
        strict({ tokens: atLeast(0, 'a number of tokens ≥ 0') }, 'write {"tokens": 2000}', { tokens: 'give the thinking tokens at medium effort' }),
      ),
      /**
       * As a judge (tierbench's judge prompts, src/emulator/judge.ts): the probability that a grade
       * follows the truth (how close the answer is to the expected one); otherwise it is random,
       * or, pairwise, the first answer shown wins. Absent: the model does not judge.
       */
      judgeAgreement: v.optional(share('a probability')),
      /** As a judge: the probability that its first reply is prose, not the JSON asked (it complies when told). */
      judgeMalformed: v.optional(share('a probability')),
      /**
       * The answer key's answer that this model gives by refusing (a moderation set's `REFUSE`): when
       * it would answer it, it refuses instead (Anthropic's `refusal` stop, OpenAI's refusal), as a
       * model declines a harmful request; when it would answer wrong, it complies.
       */
      refuses: v.optional(v.string(says('give the expected answer that stands for a refusal'))),
      /** Inputs containing this text are blocked by the provider's moderation (OpenAI format: a 403 at gateways, else a 400 content_filter). */
      flag: v.optional(v.string(says('give the text that gets an input blocked'))),
      /**
       * How many more tokens its tokenizer counts than about four characters a token (Haiku 5.5's:
       * about 1.3); 1 when absent. Usage and count_tokens agree, as on the real API.
       */
      tokenDensity: v.optional(v.pipe(v.number(says('give a number > 0, e.g. 1.3')), v.gtValue(0, says('give a number > 0, e.g. 1.3')))),
      /** USD per million tokens of the tier imitated (informational: the client prices calls itself). */
      prices: v.optional(
        strict({ input: atLeast(0, 'USD per million tokens ≥ 0'), output: atLeast(0, 'USD per million tokens ≥ 0') }, 'write {"input": 1, "output": 5}'),
      ),
    },
    PROFILE_FIX,
    { ids: PROFILE_FIX, accuracy: PROFILE_FIX, ttftMs: PROFILE_FIX, tokensPerSec: PROFILE_FIX },
  ),
  v.guard(
    knownQuirks,
    says(`the quirks are ${QUIRKS.join(', ')}`, (p) => `has an unknown quirk "${v.is(QUIRK_LIST, p) ? p.quirks.find((q) => !isQuirk(q)) : ''}"`),
  ),
);
export type Profile = v.InferOutput<typeof PROFILE>;

export interface KeyEntry {
  needle: string;
  expected: string;
  category?: string;
  /** A case with images: their sha256s, as the emulator shows an image in a prompt (`[image sha256:…]`). */
  images?: string[];
}

/** A case as the key knows it: by its input, or a conversation by its turns' text as the emulator joins them (the system turn apart). */
function entryOf(c: Case, inputColumn: string): KeyEntry {
  const needle =
    c.messages === undefined
      ? (c.vars[inputColumn] ?? '')
      : c.messages
          .filter((m) => m.role !== 'system')
          .map((m) => (typeof m.content === 'string' ? m.content : m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n')))
          .join('\n');
  return { needle, expected: c.expected, ...(c.category !== undefined && { category: c.category }) };
}

/** The answers the simulated models know, looked up by the text of the prompt. */
export class AnswerKey {
  private readonly exact = new Map<string, KeyEntry>();
  private readonly byLength: KeyEntry[];
  private readonly withImages: KeyEntry[];
  readonly labels: string[];

  constructor(entries: readonly KeyEntry[]) {
    for (const e of entries) if (e.images === undefined) this.exact.set(e.needle.trim(), e);
    this.byLength = [...entries].sort((a, b) => b.needle.length - a.needle.length);
    this.withImages = this.byLength.filter((e) => e.images !== undefined);
    const distinct = [...new Set(entries.map((e) => e.expected))];
    this.labels = distinct.length <= 50 ? distinct : [];
  }

  /**
   * The cases' expected answers, each case known by its input (a conversation by its turns' text, as
   * the emulator joins them, the system turn apart) and by its images' sha256s, read from where the
   * cases name them (so `emulate --key` and `--simulate` answer a vision set right).
   */
  static async fromDataset(dataset: Dataset): Promise<AnswerKey> {
    const refs = await loadImages(dataset.cases, dataset.path, dataset.imageColumn ?? 'image', new Set());
    return new AnswerKey(
      dataset.cases.map((c) => {
        const images = imageSources(c).map((source) => refs.get(source)!.sha256);
        return { ...entryOf(c, dataset.inputColumn), ...(images.length > 0 && { images }) };
      }),
    );
  }

  /** As `fromDataset`, without reading images: a case's images are not part of how it is known. */
  static fromCases(cases: readonly Case[], inputColumn: string): AnswerKey {
    return new AnswerKey(cases.map((c) => entryOf(c, inputColumn)));
  }

  /** With images, the case of those images (and its text); else the whole prompt, then each line, then the longest known input the prompt contains. */
  find(prompt: string): KeyEntry | undefined {
    if (this.withImages.length > 0) {
      const shown = new Set([...prompt.matchAll(/sha256:([0-9a-f]{64})/g)].map((m) => m[1]));
      const hit = shown.size === 0 ? undefined : this.withImages.find((e) => e.images!.every((h) => shown.has(h)) && prompt.includes(e.needle));
      if (hit) return hit;
    }
    const whole = this.exact.get(prompt.trim());
    if (whole) return whole;
    for (const line of prompt.split('\n')) {
      const hit = this.exact.get(line.trim());
      if (hit) return hit;
    }
    return this.byLength.find((e) => e.needle.length > 0 && prompt.includes(e.needle));
  }

  /**
   * Another plausible answer: a different label, or another case's expected answer. A wrong tool
   * call is, half the time, the right tool with one argument wrong, as models most often err.
   */
  wrong(entry: KeyEntry, u: number): string {
    const call = TOOL_CALL.test(entry.expected) ? wrongArgument(entry.expected, u) : undefined;
    if (call !== undefined) return call;
    const pool = this.labels.length >= 2 ? this.labels : this.byLength.map((e) => e.expected);
    const others = pool.filter((x) => x !== entry.expected);
    return others[Math.floor(u * others.length)] ?? 'I am not sure.';
  }
}

function wrongArgument(expected: string, u: number): string | undefined {
  if (u >= 0.5) return undefined;
  try {
    const call = JSON.parse(expected) as { name?: unknown; arguments?: Record<string, unknown> };
    const keys = Object.keys(call.arguments ?? {});
    if (typeof call.name !== 'string' || keys.length === 0) return undefined;
    const key = keys[Math.floor(u * 2 * keys.length)] ?? keys[0]!;
    return JSON.stringify({ name: call.name, arguments: { ...call.arguments, [key]: 'unknown' } });
  } catch {
    return undefined;
  }
}

/** FNV-1a, then a splitmix-style finaliser: a uniform in [0, 1) per string. */
export function uniform(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The emulator's tokenizer: one token per 4 characters. Exact counts matter, realism does not. */
export function countTokens(text: string, density = 1): number {
  return text.length === 0 ? 0 : Math.ceil((text.length / 4) * density);
}

/** A request's prompt tokens: system and turns, 3 a turn for its framing. */
export const promptTokensOf = (system: string, turns: ReadonlyArray<{ content: string }>, density = 1): number =>
  countTokens(system, density) + turns.reduce((n, t) => n + countTokens(t.content, density) + 3, 0);

export interface Answer {
  text: string;
  correct: boolean;
  /**
   * How sure the simulated model is, in (0, 1): drawn higher for right answers than wrong ones,
   * with overlap, as real confidence signals are. Feeds log-probabilities and self-reports.
   */
  confidence: number;
  ttftMs: number;
  generationMs: number;
}

/** An expected tool call: `{"name": …, "arguments": …}`, or `{"name": null}` for no call. */
const TOOL_CALL = /^\s*\{\s*"name"\s*:/;

function accuracyFor(profile: Profile, entry: KeyEntry): number {
  if (profile.toolAccuracy !== undefined && TOOL_CALL.test(entry.expected)) return profile.toolAccuracy;
  const category = entry.category ?? entry.expected;
  return profile.categoryAccuracy?.[category] ?? profile.accuracy;
}

/**
 * Share of cases whose difficulty is common to every model: real models tend to fail on the same
 * hard cases, which keeps their disagreement (discordance) in the 5–20 % range seen in practice.
 * A model's accuracy is unchanged by it.
 */
const SHARED_DIFFICULTY = 0.6;

/** `sample` counts earlier answers to the same prompt: 0 for the first. `instructions` is the system prompt. */
export function answer(
  profile: Profile,
  model: string,
  key: AnswerKey | undefined,
  prompt: string,
  seed: string,
  attempt: number,
  sample = 0,
  instructions = '',
  tools = false,
): Answer {
  const entry = key?.find(prompt);
  const base = `${seed}|${model}|${entry?.needle ?? prompt}`;
  let text: string;
  let correct = false;
  if (entry === undefined) {
    text = 'I do not know.';
  } else {
    // A fresh draw for a later sample, unless it repeats the first one (consistency).
    const fresh = sample > 0 && uniform(`${base}|${sample}|same`) >= (profile.consistency ?? 1);
    const draw = fresh ? `${base}|${sample}` : base;
    const shared = !fresh && uniform(`${seed}|${entry.needle}|shared`) < SHARED_DIFFICULTY;
    correct = uniform(shared ? `${seed}|${entry.needle}|difficulty` : `${draw}|correct`) < accuracyFor(profile, entry);
    const label = correct ? entry.expected : key!.wrong(entry, uniform(`${draw}|wrong`));
    // A tool call is made, not said in a sentence; "The category is …" is how a label is padded, not a summary.
    const verbose = !tools && key!.labels.length > 0 && entry.expected.length <= 40 && uniform(`${base}|verbose`) < (profile.verbosity ?? 0);
    text = verbose ? `The category is ${label}.` : label;
  }
  const u = uniform(`${base}|${sample}|confidence`);
  const confidence = correct ? 0.7 + 0.29 * Math.sqrt(u) : 0.35 + 0.55 * u;
  // Asked for JSON with a confidence field, it reports one (two decimals, as models do).
  const asked = `${instructions}\n${prompt}`;
  if (entry !== undefined && !tools && /confidence/i.test(asked) && /json/i.test(asked)) {
    text = JSON.stringify({ answer: text, confidence: Math.round(confidence * 100) / 100 });
  }
  // Box–Muller from two per-attempt uniforms: latency varies between attempts, answers do not.
  const u1 = Math.max(uniform(`${base}|${attempt}|t1`), 1e-12);
  const u2 = uniform(`${base}|${attempt}|t2`);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  let ttftMs = profile.ttftMs * Math.exp((profile.ttftSpread ?? 0) * z);
  if (profile.slow && uniform(`${base}|${attempt}|slow`) < profile.slow.rate) ttftMs += profile.slow.extraMs;
  // The first token arrives at TTFT; the others at the profile's speed.
  const generationMs = profile.tokensPerSec > 0 ? (Math.max(0, countTokens(text) - 1) / profile.tokensPerSec) * 1000 : 0;
  return { text, correct, confidence, ttftMs, generationMs };
}

/** What a request asked of a reasoning model: an effort, a thinking budget, or thinking off. */
export interface ThinkingRequest {
  effort?: string;
  budget?: number;
  off?: boolean;
}

/** Thinking tokens per effort, against the default (medium). */
const EFFORT_SCALE: Record<string, number> = { none: 0, minimal: 0.1, low: 0.3, medium: 1, high: 2.5, xhigh: 4, max: 6 };

export function thinkingFor(profile: Profile, asked: ThinkingRequest): number {
  if (profile.thinking === undefined || asked.off) return 0;
  const tokens = Math.round(profile.thinking.tokens * (EFFORT_SCALE[asked.effort ?? 'medium'] ?? 1));
  return asked.budget === undefined ? tokens : Math.min(tokens, asked.budget);
}

/** The fault (if any) this attempt suffers. */
export function faultFor(profile: Profile, model: string, prompt: string, seed: string, attempt: number): Fault | undefined {
  if (!profile.faults?.length) return undefined;
  const u = uniform(`${seed}|${model}|${prompt}|${attempt}|fault`);
  let acc = 0;
  for (const f of profile.faults) {
    acc += f.rate;
    if (u < acc) return f;
  }
  return undefined;
}

/**
 * Tiers for the demo and for `tierbench emulate` without --profiles: the shape of the seed
 * articles (haiku fast and cheap, weaker on ambiguous technical tickets; opus slow and best).
 */
export const DEFAULT_PROFILES: Profile[] = [
  {
    ids: ['claude-haiku-5-5', 'claude-haiku-4-5', 'gpt-5-nano', 'gpt-4o-mini', 'gpt-4.1-mini'],
    accuracy: 0.9,
    categoryAccuracy: { Billing: 0.95, Technical: 0.78, Account: 0.9, Shipping: 0.95, Returns: 0.88 },
    ttftMs: 120,
    ttftSpread: 0.25,
    tokensPerSec: 85,
    verbosity: 0.1,
    consistency: 0.7,
    judgeAgreement: 0.7,
    judgeMalformed: 0.05,
    prices: { input: 0.1, output: 0.5 },
  },
  {
    ids: ['claude-sonnet-5-5', 'claude-sonnet-4-6', 'claude-sonnet-4-5', 'gpt-5-mini', 'gpt-4.1'],
    accuracy: 0.94,
    categoryAccuracy: { Billing: 0.97, Technical: 0.9, Account: 0.95, Shipping: 0.97, Returns: 0.93 },
    ttftMs: 280,
    ttftSpread: 0.25,
    tokensPerSec: 52,
    verbosity: 0.05,
    judgeAgreement: 0.85,
    judgeMalformed: 0.02,
    prices: { input: 2, output: 10 },
  },
  {
    ids: ['claude-opus-5-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5', 'gpt-5'],
    accuracy: 0.96,
    categoryAccuracy: { Billing: 0.98, Technical: 0.93, Account: 0.97, Shipping: 0.98, Returns: 0.95 },
    ttftMs: 450,
    ttftSpread: 0.25,
    tokensPerSec: 28,
    verbosity: 0.05,
    judgeAgreement: 0.9,
    judgeMalformed: 0.02,
    prices: { input: 4, output: 20 },
  },
];
