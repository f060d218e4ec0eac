// Plain data shared by the stages of the pipeline. Stages import types from here, never from each
// other. Every field of the JSON report is documented once, here.

/** One test case read from the user's file. */
export interface Case {
  /** 0-based position among the cases that were read. */
  index: number;
  /** The `id` column when there is one, else the 1-based row number. */
  id: string;
  /** Line in the source file where the row starts (1-based), for error messages. */
  line: number;
  /** Every column of the row, usable as `{{name}}` in a prompt template. */
  vars: Record<string, string>;
  /** The expected answer. */
  expected: string;
  /** Optional grouping (the `category` column), used for per-category breakdowns. */
  category?: string;
  /** Optional source id (the `cluster` column): cases from one source are not independent. */
  cluster?: string;
  /** The `messages` column: the conversation to send, as written (README, "Conversations, images and tools"). */
  messages?: CaseMessage[];
  /** The `image` column: images (paths or URLs, as written) sent with the last user turn. */
  images?: string[];
  /** The `tools` column: the tools this case offers the model. */
  tools?: ToolSpec[];
}

/** A piece of a case's message: text, or an image by path or URL (read and checked before the run). */
export type CasePart = { type: 'text'; text: string } | { type: 'image'; image: string };

/** One turn of a case's conversation: `system` only first. */
export interface CaseMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | CasePart[];
}

/** A tool the model may call: a name, what it does, and a JSON Schema of its arguments. */
export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of an object: the arguments. */
  parameters: Record<string, unknown>;
}

/** How long Anthropic keeps a cached prompt prefix after its last use (`cache_control.ttl`). */
export type CacheTtl = '5m' | '1h';

/** Whether the model may, must or must not call a tool, or must call the one named. */
export type ToolChoice = 'auto' | 'required' | 'none' | { name: string };

/** The image formats both APIs accept (Anthropic's Base64ImageSource media types; OpenAI's vision guide). */
export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/** An image as a request carries it: checked, hashed, and its bytes (base64) or its URL. */
export interface ImageRef {
  /** As the case wrote it (a data: URL shortened): how reports and errors name it. */
  source: string;
  mediaType: ImageType;
  /** sha256 of the bytes: what the response cache keys on, never the bytes themselves. */
  sha256: string;
  /** http(s) URL: sent as a URL, the API fetches it. */
  url?: string;
  /** Base64 bytes (a file or a data: URL): sent inline. */
  data?: string;
}

/** What the loader learnt about the file besides the cases. */
export interface Dataset {
  path: string;
  cases: Case[];
  columns: string[];
  inputColumn: string;
  expectedColumn: string;
  categoryColumn?: string;
  idColumn?: string;
  clusterColumn?: string;
  /** The column holding each case's conversation (then the input column), the images, the tools. */
  messagesColumn?: string;
  imageColumn?: string;
  toolsColumn?: string;
}

/**
 * The wire formats tierbench speaks: Anthropic Messages, OpenAI Chat Completions (which
 * OpenAI-compatible servers speak too), and OpenAI's Responses API.
 */
export type ApiFamily = 'anthropic' | 'openai' | 'openai-responses';

/** Per-endpoint wire settings, for servers that need them (config file, `endpoints.<name>`). */
export interface WireOptions {
  /** Which name the token limit is sent under (OpenAI-format). */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  /** false: never send `stream_options` (servers that reject it); usage is then estimated where missing. */
  streamOptions?: boolean;
  /** Azure OpenAI: sent as the `api-version` query parameter, and the key goes in the `api-key` header. */
  apiVersion?: string;
}

/** USD per million tokens. */
/** Rates in USD per million tokens. */
export interface Rates {
  input: number;
  output: number;
  /** Writing a prompt-cache entry with the short TTL (Anthropic 5 minutes: 1.25x input; OpenAI: input, 1.25x from GPT-5.6 on). */
  cacheWrite: number;
  /** Writing a 1-hour cache entry (Anthropic: 2x input); absent: 2x input. */
  cacheWrite1h?: number;
  /** Reading a cached prompt prefix. */
  cacheRead: number;
}

/** What a model costs: its rates, and the bands and tiers that change them. */
export interface Prices extends Rates {
  /**
   * A long-prompt band: a request whose prompt (input, cache reads and cache writes) is above
   * `above` tokens is billed at these rates, the whole request, as the providers bill it (Haiku
   * 5.5 above 100K: 5x; OpenAI's GPT-5.6 and later above 272K: 2x input, 1.5x output).
   */
  longPrompt?: Rates & { above: number };
  /** Batch API rates as a fraction of the ones above (0.5: half price); absent where there is none. */
  batch?: number;
  /** Flex processing, likewise. */
  flex?: number;
}

/** A config file's `prices` entry: any field of an entry; a model without a list price needs input and output. */
export type PriceOverride = Partial<Prices> & { source: string };

export interface PriceEntry extends Prices {
  /** Where the figures come from. */
  source: string;
  /** When they were last checked against it: YYYY-MM-DD, or YYYY-MM. */
  checked?: string;
  /** The provider's own page was not available to check against: only secondary sources agree on these. */
  secondary?: true;
}

/** How hard a reasoning model thinks: the providers' effort levels (`none` turns thinking off). */
export type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** A reasoning setting from `model@effort` or `model@budget`: only what the user asked is sent. */
export interface Reasoning {
  effort?: Effort;
  /** Anthropic's extended-thinking budget, in tokens. */
  budgetTokens?: number;
}

/** A model as the run will call it, fully resolved. */
export interface ModelSpec {
  /** The name the user wrote (`haiku`, `openai:gpt-5-mini`, `haiku@low`); the key of the model in reports. */
  name: string;
  /** The id sent to the API. */
  id: string;
  api: ApiFamily;
  /** `anthropic`, `openai`, `openrouter`, or the name of an endpoint from the config file. */
  endpoint: string;
  /** Base URL of the API; undefined means the SDK's default. */
  baseURL?: string;
  /** Environment variable holding the key: its name goes in messages, never its value.
   *  Undefined for endpoints that take no key (a local server). */
  apiKeyEnv?: string;
  /** null when the model has no price and `--allow-unpriced` was given: cost is reported unknown. */
  prices: PriceEntry | null;
  /** The endpoint's wire settings, when its config gives any. */
  wire?: WireOptions;
  /** Output token limit per call: --max-tokens, else 1,024, or 16,000 for a model that reasons. */
  maxTokens: number;
  /** The reasoning setting sent; absent: the model's own default. */
  reasoning?: Reasoning;
  /** The model thinks before it answers (by default, or as asked): its output includes thinking tokens. */
  reasons?: true;
  /** Deprecated by its provider: the day it retires and the model to move to. */
  retires?: { on: string; successor: string };
  /**
   * With prompt variants (a suite's `prompts:`, or --prompts), each (model, variant) pair is a
   * contestant of its own: this is the variant it sends (one of `settings.prompts`), and `name` is
   * then `model/variant` (`haiku/concise`).
   */
  prompt?: string;
}

/** A piece of a request's message. */
export type Part = { type: 'text'; text: string } | { type: 'image'; image: ImageRef };

export interface Message {
  role: 'user' | 'assistant';
  content: string | Part[];
}

/** What one call sends, independent of the API family (the token limit is the model's). */
export interface ChatRequest {
  system?: string;
  messages: Message[];
  temperature?: number;
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
}

/** Token counts normalised across APIs: `input` never includes the cached parts. */
export interface Usage {
  input: number;
  /** Every output token billed, thinking / reasoning included. */
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** Of `output`, the tokens spent thinking (reasoning models), where the API says. */
  reasoning?: number;
  /** Of `cacheWrite`, the tokens written with a 1-hour TTL (Anthropic's `cache_creation` split), priced apart. */
  cacheWrite1h?: number;
  /**
   * What OpenRouter says it charged for the call, in USD (`usage.cost`, plus the provider's own
   * charge on a bring-your-own-key call): the call's cost, in place of the price table's.
   */
  charged?: number;
  /**
   * The server sent no token counts (a stream without a usage chunk): these are estimated from
   * the text at about four characters a token, and so is the cost.
   */
  estimated?: true;
}

/**
 * How a call that got an answer ended: `answered`; `truncated` at the token limit (the text is
 * cut, or empty when reasoning used the whole budget); `refused` by the model (a refusal or a
 * content filter on its output); `empty`, finished with no text at all.
 */
export type Finish = 'answered' | 'truncated' | 'refused' | 'empty';

export type ErrorKind =
  | 'auth'
  | 'permission'
  | 'billing'
  | 'not_found'
  | 'bad_request'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'aborted'
  | 'invalid_response'
  /** The provider refused this one input before the model answered (a moderation flag, a 403 or 400 content filter). */
  | 'content_filter'
  /** Nothing answers at that address (connection refused, no such host) after the SDK's retries: the model is stopped. */
  | 'unreachable'
  /** The server refused a feature the run asked for (--schema as its structured-output format): the model is stopped. */
  | 'unsupported'
  /** Batch mode: the batch's window (24 hours) closed before this request was run. Not billed; made again by --resume. */
  | 'expired'
  /** Batch mode: the batch was canceled before this request was run. Not billed; made again by --resume. */
  | 'canceled'
  | 'unknown';

export interface Completion {
  ok: true;
  text: string;
  usage: Usage;
  /** From sending the (last) attempt to the last byte, in ms. Queueing and retry backoff excluded. */
  latencyMs: number;
  /** From sending the (last) attempt to the first text token; null when not streaming. */
  ttftMs: number | null;
  /** Retries the SDK made before this answer. */
  retries: number;
  /** As the API sent it (`end_turn`, `max_tokens`, `length`, `refusal`, …). */
  stopReason: string | null;
  finish: Finish;
  /** 2xx responses this call received (each one billed): more than 1 when a cut-off answer was retried. */
  paid: number;
  /** Sum of the answer's token log-probabilities, where requested and the API gives them. */
  logprob?: number;
}

export interface Failure {
  ok: false;
  kind: ErrorKind;
  /** HTTP status when the API answered. */
  status?: number;
  /** The provider's message, with secrets redacted. */
  message: string;
  retries: number;
  /** 2xx responses received before it failed (a stream cut or stalled after it began is billed). */
  paid?: number;
}

export type Outcome = Completion | Failure;

/** One case answered (or not) by one model. */
export interface CaseResult {
  caseIndex: number;
  /** 0-based sample of the case (with --repeats). */
  sample: number;
  model: string;
  /** The model's raw answer; absent when the call failed. */
  output?: string;
  /** In [0, 1]; null when the call failed (failures are counted, not scored). */
  score: number | null;
  /** Why the scorer gave that score, when it said (a user's scorer, the first error of a schema check). */
  reason?: string;
  latencyMs: number | null;
  ttftMs: number | null;
  usage: Usage | null;
  /** USD; null when the call failed or the model is unpriced. */
  cost: number | null;
  retries: number;
  /**
   * 2xx responses paid for to get this result, in this run: usually 1; 0 when cached; more when
   * a response was cut off and asked again (only the last one is priced in `cost`).
   */
  paid?: number;
  /** How the answer ended, and the stop reason as the API sent it; absent when the call failed. */
  finish?: Finish;
  stopReason?: string;
  /** Sum of the answer's token log-probabilities (OpenAI-format models in a cascade). */
  logprob?: number;
  /** Served from the response cache: nothing was paid for it in this run, and it has no latency. */
  cached?: boolean;
  error?: { kind: ErrorKind; status?: number; message: string };
}

export interface Interval {
  low: number;
  high: number;
  /** `wilson` for binary scores, `t` for graded or repeated ones, `cluster` with a cluster column. */
  method: 'wilson' | 't' | 'cluster';
  level: number;
}

/** @public Exported so the report's JSON Schema names it as a definition (npm run schema); not imported by name. */
export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** Per-model figures, the rows of the terminal table. */
export interface ModelSummary {
  model: string;
  id: string;
  endpoint: string;
  /** Calls made (cases × samples). */
  n: number;
  /** Cases with at least one answer; accuracy is over these. */
  scored: number;
  /** Answers with score 1 (over all samples). */
  correct: number;
  /** Mean over the scored cases of each case's mean score (over its samples); null when none was scored. */
  accuracy: number | null;
  interval: Interval | null;
  errors: { total: number; byKind: Partial<Record<ErrorKind, number>> };
  /** Retries the SDKs made, over all cases. */
  retries: number;
  latencyMs: Percentiles | null;
  ttftMs: { p50: number; p95: number } | null;
  /** Median over calls of output tokens per second after the first token (over the whole call when not streaming). */
  outputTokensPerSec: number | null;
  tokens: Usage;
  /**
   * null when the model is unpriced. `total` prices every answer, cached or not (what the model
   * costs); `spent` only the calls this run paid for. per1kCases is per answered call: what
   * production pays for 1,000 cases, however many samples a case had (--repeats).
   */
  cost: { total: number; spent: number; per1kCases: number; perCorrect: number | null } | null;
  /** Answers served from the response cache. */
  cached: number;
  /** Answers finished with no text at all: scored, so they count against accuracy. */
  empty: number;
  /** Answers cut at the token limit (README, "Outcomes"): scored as given. */
  truncated: number;
  /** Answers the model refused (a refusal stop, an output content filter): scored as given. */
  refused: number;
  /**
   * Requests that reached the server (every attempt with a response, retries included), and the
   * 2xx among them: what the provider billed. `lost` counts 2xx responses whose answer could not
   * be used (cut or stalled after it began): paid for, but not in `cost`.
   */
  requests: { sent: number; paid: number; lost: number };
  /** Answers whose token counts the server did not send: their usage and cost are estimates. */
  estimatedUsage: number;
  /**
   * Answers the scorer could not score (a judge whose verdict could not be read, or that was not
   * asked because the run stopped first): counted apart, neither right nor wrong, and left out of
   * accuracy and the comparisons. Absent when there are none.
   */
  unscored?: number;
  /**
   * Prompt caching, when any priced call wrote or read the cache: `calls` that did, what their
   * tokens cost as paid, what the same tokens would have cost with no caching (every cached token
   * at the input rate, in the same price band), and the difference. `saved` below 0: the writes
   * cost more than the reads saved (a prefix read too rarely within its TTL).
   */
  promptCache?: PromptCacheSaving;
  /** Answers whose cost is what the gateway reported charging (OpenRouter's `usage.cost`), not the price table's. */
  charged?: number;
  /** Per-category accuracy, when the dataset has a category column. */
  categories?: Record<string, { scored: number; correct: number; accuracy: number | null }>;
  /** With a label set (the `label` scorer, or `exact` / `normalized` / `contains` on a small set of short labels): the confusion matrix and per-label figures. */
  classes?: ClassReport;
}

/** What prompt caching saved a model over a run, computed from the run's own usage. @public (named in the schema) */
export interface PromptCacheSaving {
  /** Calls that wrote a cache entry, and calls that read one. */
  writes: number;
  reads: number;
  /** USD, over the calls that wrote or read: as paid, and at the input rate for every cached token. */
  paid: number;
  uncached: number;
  /** uncached − paid, and that as a share of uncached. */
  saved: number;
  savedFraction: number;
}

/**
 * Which label each answer named, against the expected one: every answer (each sample of each
 * case), failed calls left out. An answer naming no label, or more than one, counts as `other`.
 */
export interface ClassReport {
  /** The rows' and the columns' order. */
  labels: string[];
  /** matrix[expected][named]: one row per label, one column per label and a last one for `other`. */
  matrix: number[][];
  /**
   * Per label: `support` answers expected it, `predicted` named it; precision and recall over
   * those (null when there are none), F1 their harmonic mean.
   */
  perLabel: Array<{ label: string; support: number; predicted: number; precision: number | null; recall: number | null; f1: number | null }>;
  /** Answers that named no label, or more than one. */
  other: number;
  /** The mean F1 over the labels some case expects. */
  macroF1: number | null;
}

/** A paired interval for Δ = p_candidate − p_reference. */
export interface DiffInterval {
  delta: number;
  low: number;
  high: number;
  level: number;
  /** `newcombe` (binary), `bootstrap` (graded or repeated scores), `cluster` (cluster-robust). */
  method: 'newcombe' | 'bootstrap' | 'cluster';
}

/** A candidate against the reference on the cases both answered. */
export interface Comparison {
  model: string;
  reference: string;
  /** Cases both answered. */
  n: number;
  /** Candidate right and reference wrong, and the reverse (binary scores only). */
  b: number | null;
  c: number | null;
  /** Both right (binary scores only): with `b`, `c` and `n`, the whole paired table. */
  a?: number;
  /** Share of cases where the two scores differ. */
  discordance: number;
  delta: number;
  /** Two-sided, at the decision level (90 %: a one-sided 5 % test). */
  interval: DiffInterval;
  /**
   * McNemar's two-sided p, exact below 25 discordant pairs, mid-p above, Durkalski's clustered
   * test with a cluster column (binary scores only).
   */
  p: number | null;
  pMethod: 'exact' | 'mid-p' | 'clustered' | null;
  /** Variance of the per-case differences. */
  variance: number;
  /** With a cluster column: how many times the clusters inflate the variance of Δ (at least 1). */
  designEffect?: number;
}

/**
 * `within`: the interval's lower bound is above −tolerance; `worse`: its upper bound is below it;
 * `inconclusive`: it straddles it.
 */
export type Verdict = 'within' | 'worse' | 'inconclusive';

export interface Decision extends Comparison {
  verdict: Verdict;
  /**
   * The verdict counts a failed call as a wrong answer; when either model had failures, the same
   * comparison over the cases both answered, for reference.
   */
  answeredOnly?: { n: number; delta: number; interval: DiffInterval };
  /** For `inconclusive`: about how many more cases would settle it; null when more cases would not help. */
  moreCases: number | null;
  /** USD per case, and the saving against the reference as a fraction of its cost. */
  costPerCase: number;
  saving: number | null;
  sentence: string;
  /** `--sequential`: the look that reached this verdict (an inconclusive one: the last look made); its interval is at that look's level. */
  look?: number;
}

export interface Recommendation {
  /** `--reference`, else the most expensive priced model: what savings are stated against. */
  reference: string | null;
  tolerancePp: number;
  /** Two-sided level before the error is split over candidates and looks (0.9: one-sided α 5 %). */
  level: number;
  /**
   * Which look at the question this run is: 1, or 2 when it follows up a pilot run of
   * `pilotCases` cases (`run --follow-up`); `alpha` is the one-sided error each candidate's
   * verdict was tested at (the level of its interval is 1 − 2·alpha). With `--sequential`: 1, and
   * the level of the look the run stopped at; each verdict's own look is in its `look`.
   */
  look: { number: 1 | 2; alpha: number; pilotCases?: number };
  /** The cheapest model shown within tolerance of every model that costs more; the most expensive when none was. */
  recommended: string | null;
  /** USD saved per 1,000 cases against the reference. */
  savingPer1k: number | null;
  savingFraction: number | null;
  /** A sentence a person can act on. */
  summary: string;
  /** Warnings that qualify it (errors, unpriced models, small n). */
  caveats: string[];
  /** Every cheaper priced model, in the order tested: most expensive first. */
  comparisons: Decision[];
  /** Models that were not candidates, and why. */
  excluded: Array<{ model: string; reason: string }>;
}

// The config file's types are derived from its schema.
export type { Config, EndpointConfig } from './config/load.js';

/**
 * A scorer that is not built in, as it ran: a module of the user's (`--scorer ./file.mjs`), a
 * command run once per answer (`--scorer-cmd`), or answers checked against a JSON Schema
 * (`--scorer json-schema`). The hashes make a changed scorer visible between two runs' reports.
 */
export interface ScorerSource {
  kind: 'module' | 'command' | 'json-schema';
  /** The module's or the schema's path, as given. */
  path?: string;
  /** The command line, as given. */
  command?: string;
  /** SHA-256 of the module or schema file, or of each file the command line names (`score.py`), when it scored. */
  files: Array<{ path: string; sha256: string }>;
  /** Scores pending at once (module and command scorers). */
  concurrency?: number;
  /** Per answer, in ms: a score not given by then is the scorer failing (module and command scorers). */
  timeoutMs?: number;
}

/** How the run was configured, as recorded in the report. */
export interface RunSettings {
  /** The suite file the run was configured by (`tierbench run suite.yaml`), and the flags given on the command line over its values. */
  suite?: { file: string; overridden: string[] };
  /** The built-in scorer's name, or the kind of a scorer that is not built in (`module`, `command`, `json-schema`; see `scorerSource`). */
  scorer: string;
  scorerSource?: ScorerSource;
  /**
   * `--schema`: the JSON Schema the answers were to follow, its SHA-256, and whether it was sent as
   * the APIs' structured-output format (not with --no-structured-output); how each model was sent
   * it is in `notes` when it was not sent as asked.
   */
  schema?: { path: string; sha256: string; sent: boolean };
  /** --expect-refusal: the expected answer that means the model should refuse; such a case's refusal scores 1. */
  expectRefusal?: string;
  /** The user prompt template (`{{column}}` variables); with prompt variants, the first one's. */
  prompt: string;
  system?: string;
  /** --tools: the tools offered to every case without a `tools` column of its own. */
  tools?: ToolSpec[];
  /** --tool-choice: whether the model may (`auto`), must (`required`) or must not (`none`) call a tool, or must call the one named. */
  toolChoice?: ToolChoice;
  /** The prompt variants, when the run compared several: each model ran with each (see `models[].prompt`). */
  prompts?: Array<{ name: string; prompt?: string; system?: string }>;
  /** --max-tokens as given; each model's limit is in `models`. */
  maxTokens?: number;
  temperature?: number;
  stream: boolean;
  /**
   * --batch: the calls went through the providers' batch APIs (Anthropic Message Batches, OpenAI
   * Batch API), priced at their batch rates; latency was not measured (every latency is null).
   */
  batch?: boolean;
  concurrency: number;
  modelConcurrency?: number;
  maxRetries: number;
  /** Per attempt: to the response's headers, then the longest silence within its body. */
  timeoutMs: number;
  /** The whole call, retries and their waits included. */
  deadlineMs: number;
  /** Samples per case and model (`--repeats`). */
  repeats: number;
  /** `--sample N --seed S`: the run used a seeded sample of N cases, stratified by category (the same file and seed give the same sample). */
  sample?: { size: number; seed: string };
  /** `--shard i/n`: the run used slice `index` of `count` (after the sample); `tierbench merge` combines the slices. */
  shard?: { index: number; count: number };
  tolerancePp: number;
  reference?: string;
  /** `--prompt-cache 5m|1h`: the prompt's shared prefix was marked for Anthropic prompt caching with that TTL; false: not marked. */
  promptCache: CacheTtl | false;
  anthropicVersion?: string;
  /** --max-cost in USD: scheduling stops once this much is spent. */
  maxCost?: number;
  /** Caps on request starts per model (requests / tokens per minute). */
  rpm?: number;
  tpm?: number;
  /** `--sequential`: the cases run in a shuffled order (this seed), looked at this many times, stopping once the recommendation is decided. */
  sequential?: SequentialSettings;
}

/** `--sequential [looks]`, as planned. */
interface SequentialSettings {
  /** Equally spaced looks planned over the cases, the last at all of them. */
  looks: number;
  /** Seed of the order the cases are run in (so a sorted file does not bias the early looks). */
  seed: number;
}

/**
 * `--sequential`: how the run looked at its cases and where it stopped. The verdicts' own looks
 * and intervals are in `recommendation.comparisons`.
 */
export interface SequentialReport {
  /** Each candidate's α spent over the looks by the Lan–DeMets O'Brien–Fleming-type function. */
  spending: 'obrien-fleming';
  /** Cases in the data: the most the run would have used. */
  plannedCases: number;
  /** Cases at each planned look; the last is plannedCases. */
  looks: number[];
  /** The one-sided level each candidate's verdicts were tested at, look by look (its interval is at 1 − 2·alpha). */
  alphas: number[];
  /** The look the run stopped at (1-based); the report is over that look's cases, the first `looks[stoppedAt − 1]` of the shuffled order. */
  stoppedAt: number;
  /** Every verdict the recommendation needs was decided there (else the run went to its last look, or was stopped). */
  decided: boolean;
  /** Calls the run used (from the cache and a resumed journal too) against the calls of the full run. */
  calls: { used: number; full: number };
  /** USD the calls used cost against the full run's, projected at this run's cost per case; null when a model is unpriced. */
  cost: { used: number; full: number; saved: number } | null;
}

/** A case as sent: the rendered prompt is stored once per case, not once per model. */
export interface CaseRecord {
  id: string;
  line: number;
  expected: string;
  category?: string;
  /** The cluster column's value: `tierbench merge` recomputes cluster-robust intervals from it. */
  cluster?: string;
  /** The user message as sent; with prompt variants, as the first variant renders it. */
  prompt: string;
  /** Only when the system prompt uses variables and so differs per case. */
  system?: string;
}

/** A model as a report names it (a candidate, a judge): no key, only the name of the variable that held it. */
export type ReportedModel = Pick<
  ModelSpec,
  'name' | 'id' | 'api' | 'endpoint' | 'baseURL' | 'apiKeyEnv' | 'prices' | 'wire' | 'maxTokens' | 'reasoning' | 'reasons' | 'prompt'
>;

/**
 * The JSON report: a versioned contract. `schemaVersion` changes whenever a field is added,
 * removed or changes meaning.
 */
export interface Report {
  schemaVersion: 8;
  tool: { name: 'tierbench'; version: string };
  run: {
    id: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    /** True when the models were the built-in emulator's simulations, not real ones. */
    simulated: boolean;
    /**
     * `complete`; `partial` when a model was stopped early (see `notes`); `interrupted` by Ctrl-C;
     * `budget` when --max-cost was reached. The last two can be continued with `--resume`.
     */
    /** `disk`: stopped because the run journal could not be written (a full disk). */
    status: 'complete' | 'partial' | 'interrupted' | 'budget' | 'disk';
  };
  dataset: {
    path: string;
    /** SHA-256 of the file: `tierbench merge` refuses shards of different data. */
    sha256?: string;
    cases: number;
    columns: string[];
    inputColumn: string;
    expectedColumn: string;
    categoryColumn?: string;
    clusterColumn?: string;
    /** The column of case ids; without one, a case's id is its row number and runs pair by input. */
    idColumn?: string;
    /** The label set, when the scorer is `label`. */
    labels?: string[];
  };
  settings: RunSettings;
  /** The models as called: no keys, only the name of the variable that held each. */
  models: ReportedModel[];
  summaries: ModelSummary[];
  recommendation: Recommendation;
  /** With `--sequential`: the looks, where the run stopped, and what stopping saved. */
  sequential?: SequentialReport;
  /** With `--by COLUMN`: the decision per category. */
  routing?: RoutingTable;
  /** With `--cascade cheap,big`: the simulated cascade. */
  cascade?: CascadeResult;
  /** With `--volume`: cost per day and month. */
  projections?: Projections;
  /** With gate flags: every check and whether the run passed. */
  gate?: GateResult;
  /** With `--scorer embedding`: the embedding model's calls, apart from the candidates' (not in their costs). */
  embedding?: EmbeddingUsage;
  /** With `--judge`: how the answers were judged, what the judges cost, and how far they can be trusted. */
  judge?: JudgeReport;
  /** Things the reader should know: parameters not sent, models stopped early. */
  notes: string[];
  cases: CaseRecord[];
  /** One per case and model that was sent, models in the order of `models`. */
  results: CaseResult[];
}

/** What scoring by embeddings took: every distinct reference and answer embedded once. */
export interface EmbeddingUsage {
  /** The embedding model as named (`--embedding-model`), its API id and endpoint. */
  model: string;
  id: string;
  endpoint: string;
  /** Distinct texts embedded (references and answers), and of them the ones the response cache held. */
  texts: number;
  cached: number;
  /** Requests that got an answer in this run (each holds up to 256 texts). */
  requests: number;
  /**
   * Input tokens of every text, cached ones included (what scoring this data costs), and of those
   * paid for in this run. A request's tokens are shared among its texts by length.
   */
  tokens: number;
  spentTokens: number;
  /** Texts whose tokens the server did not count (estimated at four characters a token). */
  estimated: number;
  /** USD at the model's input rate: `total` for every text, `spent` in this run. null: the model is unpriced (--allow-unpriced), the cost unknown. */
  cost: { total: number; spent: number } | null;
}

/** One category of the routing table: the cheapest model that is good enough there. */
export interface RouteRow {
  category: string;
  n: number;
  /** The most expensive model measured here (or `--reference`): the safe default. */
  reference: string;
  /** The cheapest model within tolerance of every pricier one here, held to the error across categories; the reference when none is. */
  chosen: string;
  /** API id of `chosen`, as in the exported map. */
  chosenId: string;
  accuracy: number;
  costPerCase: number;
  decisions: Decision[];
  /** Why a cheaper model that passed here is not the route: too few cases, or the Holm correction across categories. */
  held?: string;
}

export interface RoutingTable {
  /** The column the cases were grouped by. */
  column: string;
  rows: RouteRow[];
  /** category → model id, loadable as it is by a router. */
  map: Record<string, string>;
  /** What routing every category to its chosen model would give, weighted by category size. */
  blended: { accuracy: number; costPerCase: number };
  /** Sending everything to the overall reference instead. */
  baseline: { model: string; accuracy: number; costPerCase: number };
  /** 1 − blended / baseline cost. */
  saving: number | null;
  /** Cases without a value in the column, left out of the table. */
  unassigned: number;
}

/** One threshold of a cascade: escalate to the big model when the cheap one's confidence is below it. */
export interface CascadePoint {
  /** null: every case is escalated. */
  threshold: number | null;
  /** Share of cases sent on to the big model. */
  escalated: number;
  accuracy: number;
  costPerCase: number;
  /** Against always using the big model, paired, at the decision level. */
  delta: number;
  low: number;
  high: number;
  verdict: Verdict;
}

export interface CascadeResult {
  cheap: string;
  big: string;
  /** What the confidence came from (`mixed` when cases differ). */
  source: string;
  /** Cases where both models answered. */
  n: number;
  /** The curve, thinned for display (the best point is always in it). */
  points: CascadePoint[];
  /** The cheapest threshold within tolerance of the big model; null when none is. */
  best: CascadePoint | null;
  /** 95 % intervals of the best point's accuracy and cost per case (over cases; the cost's is a t-interval). */
  bestIntervals: { accuracy: Interval; costPerCase: { low: number; high: number } } | null;
  /** Escalating exactly the cases the cheap model got wrong: the ceiling of any confidence signal. */
  oracle: { accuracy: number; costPerCase: number; escalated: number };
  cheapOnly: { accuracy: number; costPerCase: number };
  bigOnly: { accuracy: number; costPerCase: number };
  /** 1 − best / big-only cost. */
  saving: number | null;
}

/** Cost at a volume: per day and per 30-day month, with the 95 % interval of the per-case cost. */
export interface CostProjection {
  perCase: number;
  perDay: number;
  perMonth: number;
  perMonthLow: number;
  perMonthHigh: number;
}

export interface Projections {
  /** As given (`500/day`), and normalised to cases per day. */
  volume: string;
  casesPerDay: number;
  models: Array<{ model: string } & CostProjection>;
  recommended?: { model: string } & CostProjection;
  /** Routing every category to its chosen model (point estimate). */
  routing?: { perDay: number; perMonth: number };
  /** The best cascade threshold (point estimate). */
  cascade?: { perDay: number; perMonth: number };
}

/** One check of the quality gate. */
export interface GateCheck {
  model: string;
  /** `min-accuracy`, `max-cost-per-1k`, `max-p95-ms`, `max-error-rate` or `baseline`. */
  check: string;
  status: 'pass' | 'fail' | 'inconclusive';
  /** One line a person can act on. */
  message: string;
  observed: number | null;
  limit: number;
}

export interface GateResult {
  passed: boolean;
  /** Inconclusive baseline comparisons fail the gate too. */
  strict: boolean;
  checks: GateCheck[];
  /** What qualifies the checks (a baseline sharing only some of the cases). */
  warnings: string[];
}

/** One rater's agreement with another over the answers both graded. */
export interface Agreement {
  /** The two raters: a judge's name, or `human` for the data's human grades. */
  between: [string, string];
  /** Answers both graded. */
  n: number;
  /**
   * Cohen's kappa: quadratic-weighted over the five grades when both sides grade 1–5, unweighted
   * over pass/fail when the human grades are pass/fail (a judge passes an answer at grade 4 or 5).
   * Absent when the human grades are other numbers.
   */
  kappa?: { value: number | null; low: number | null; high: number | null; level: number; weights: 'quadratic' | 'none' };
  /** Spearman's rank correlation of the grades; absent for pass/fail human grades. */
  spearman?: { value: number | null; low: number | null; high: number | null; level: number };
  /** Values are null where undefined (every grade the same on one side). Low: below 0.6 or undefined: the grades should not be trusted as they are. */
  low: boolean;
}

/** One judge's verdict on one answer (both orders, for a pairwise judge). */
export interface JudgeVerdict {
  /** The model judged, or `human-graded` for the answers of the data's human-graded column. */
  model: string;
  /** The case's id and sample. */
  case: string;
  sample: number;
  judge: string;
  /** Rubric: the grade, 1 (wrong) to 5 (fully right); null when it could not be read. */
  grade?: number | null;
  /** Pairwise: the winner said in each order, the candidate shown first (A) then second (B); null when unread. */
  winners?: Array<'A' | 'B' | 'tie' | null>;
  /** In [0, 1]: (grade − 1) / 4, or pairwise win 1, tie 0.5, loss 0, averaged over both orders; null: a judge failure. */
  score: number | null;
  /** The judge's reason, as it gave it (the first order's, pairwise). */
  reason?: string;
  /** Why there is no score: the judge's call failed, or its answer could not be read twice. */
  failure?: string;
}

/** What one judge's calls cost. */
export interface JudgeUsage {
  judge: string;
  /** Calls made or answered from the cache, format retries included; `cached` of them from the cache. */
  calls: number;
  cached: number;
  /** Calls asked again because the first answer could not be read as the JSON asked for. */
  formatRetries: number;
  /** Calls that failed (after the SDK's retries). */
  failed: number;
  tokens: Usage;
  /** null when the judge is unpriced: unknown, never $0. `total` prices every call, cached or not; `spent` what this run paid. */
  cost: { total: number; spent: number } | null;
}

/** `--judge`: the judges, their spend and reliability, and every verdict. */
export interface JudgeReport {
  /** `rubric`: each answer graded 1–5 alone; `pairwise`: each answer against `--reference`'s, in both orders. */
  mode: 'rubric' | 'pairwise';
  judges: ReportedModel[];
  /** The grading criteria the judges were given (`--rubric`, or the built-in one). */
  rubric: string;
  /** Pairwise: the model every answer was compared with. */
  reference?: string;
  /** With two judges: a case's score is the mean of the judges' scores (of those that gave one). */
  combined: 'single' | 'mean';
  /** Answers judged with a score, and judge failures (an answer without any judge's score). */
  judged: number;
  failed: number;
  /** Answers not judged because the run stopped first (`--resume` judges them). */
  notJudged: number;
  usage: JudgeUsage[];
  /** Over the judges: null when any is unpriced. */
  cost: { total: number; spent: number } | null;
  /**
   * Pairwise: answers judged in both orders, and those whose two orders disagreed (a win in one
   * order, a loss or tie in the other): position bias. Such an answer scores the mean of the two.
   */
  orderDisagreement?: { pairs: number; disagreed: number };
  /** With `--human-col`: each judge's agreement with the human grades (on the human-graded answers). */
  human?: Agreement[];
  /** With two judges: their agreement on the answers of the run. */
  betweenJudges?: Agreement;
  /** Said on the terminal too: low agreement, judge failures. */
  warnings: string[];
  verdicts: JudgeVerdict[];
}
