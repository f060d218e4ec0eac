// Every command's options, declared once: main.ts gives them to commander, and each command's
// flags type is derived from its table. Kept apart from the commands, which load lazily.
import {
  BATCH_POLL_S,
  CACHE_DIR,
  CACHE_TTL,
  DEFAULT_MAX_TOKENS,
  MAX_RETRIES,
  REASONING_MAX_TOKENS,
  SCORER_TIMEOUT_S,
  SEQUENTIAL_LOOKS,
  TOLERANCE_PP,
} from '../defaults.js';
import { UsageError } from '../errors.js';
import type { OptionTable, OptionValues } from './options.js';
import {
  cacheTtl,
  dollars,
  duration,
  failOnRule,
  fraction,
  lookCount,
  nonNegativeInt,
  percentagePoints,
  port,
  positiveInt,
  seconds,
  shard,
  signedPp,
  temperature,
  threshold,
} from './parse.js';

/** Shared by `run` and `gate`. */
export const GATE_OPTIONS = {
  minAccuracy: {
    flags: '--min-accuracy <share>',
    help: "fail when a model's accuracy is below this: 0.9, 90%, or per model haiku=0.9,sonnet=95%",
    parse: threshold('fraction'),
    shape: 'per-model',
  },
  maxCostPer1k: {
    flags: '--max-cost-per-1k <usd>',
    help: 'fail when a model costs more per 1,000 cases (all models, or per model)',
    parse: threshold('number'),
    shape: 'per-model',
  },
  maxP95Ms: {
    flags: '--max-p95-ms <ms>',
    help: "fail when a model's p95 latency is over this (all models, or per model)",
    parse: threshold('number'),
    shape: 'per-model',
  },
  maxErrorRate: {
    flags: '--max-error-rate <share>',
    help: "fail when more than this share of a model's calls failed (all models, or per model)",
    parse: threshold('fraction'),
    shape: 'per-model',
  },
  baseline: { flags: '--baseline <report>', help: 'compare each model with this earlier report, paired on the cases both ran' },
  maxRegression: {
    flags: '--max-regression <pp>',
    help: 'with --baseline: fail when accuracy dropped by more than this many percentage points, shown with 95 % confidence',
    parse: Number,
    default: 2,
  },
  failOn: {
    flags: '--fail-on <rule>',
    help: 'with --baseline: `shown` fails when a drop beyond --max-regression is shown with confidence; `significant` when a significant drop is estimated beyond it (more sensitive)',
    parse: failOnRule,
    default: 'shown',
  },
  strict: { flags: '--strict', help: 'fail also when a check is inconclusive (a regression, --min-accuracy, a latency not measured)' },
} as const satisfies OptionTable;

export type GateFlags = OptionValues<typeof GATE_OPTIONS>;

export const RUN_OPTIONS = {
  models: {
    flags: '-m, --models <list>',
    help: 'comma-separated: haiku,sonnet,openai:gpt-5-mini,openrouter:anthropic/claude-haiku-4.5,<endpoint>:<id>',
    shape: 'list',
  },
  prompt: { flags: '-p, --prompt <template>', help: 'user prompt with {{column}} variables (default: the input column)' },
  promptFile: { flags: '--prompt-file <path>', help: 'read the user prompt template from a file' },
  prompts: {
    flags: '--prompts <variants>',
    help: 'prompt variants to compare: name=file pairs, comma-separated (concise=concise.txt,detailed=detailed.txt) (a bare file is named after it); each model runs with each, a contestant per pair (haiku/concise)',
  },
  system: { flags: '-s, --system <text>', help: 'system prompt ({{column}} variables allowed)' },
  systemFile: { flags: '--system-file <path>', help: 'read the system prompt from a file' },
  tools: {
    flags: '--tools <file>',
    help: 'a JSON file of tool definitions ({name, description, parameters: JSON Schema}) offered to every case without a `tools` column',
  },
  toolChoice: { flags: '--tool-choice <choice>', help: 'with tools: auto (default) | required | none | <tool name> (the model must call that one)' },
  inputCol: { flags: '--input-col <name>', help: 'column holding the input (default: detected: input, prompt, question, text, ticket, …)' },
  expectedCol: { flags: '--expected-col <name>', help: 'column holding the expected answer (default: detected: expected, label, answer, category, …)' },
  categoryCol: { flags: '--category-col <name>', help: 'column to break accuracy down by (default: detected: category, topic, …)' },
  idCol: {
    flags: '--id-col <name>',
    help: "column holding each case's id, which pairs the cases of two runs (gate --baseline, compare) (default: detected: id, case_id, uid, key)",
  },
  clusterCol: {
    flags: '--cluster-col <name>',
    help: 'column naming the source each case came from (passage, conversation); intervals become cluster-robust (default: detected: cluster, source, passage_id, …)',
  },
  scorer: {
    flags: '--scorer <name>',
    help: 'exact | normalized | contains | regex | label | number | json | tool | tool-exact | rouge-l | chrf | chrf++ | embedding | json-schema (with --schema), or your own module: ./my-scorer.mjs (default: label for a small label set, number for numbers, tool for tool calls, else normalized)',
  },
  expectRefusal: {
    flags: '--expect-refusal <answer>',
    help: 'an expected answer meaning "the model should refuse" (moderation): a refusal of such a case scores 1, of any other 0 (e.g. --expect-refusal REFUSE)',
  },
  embeddingModel: {
    flags: '--embedding-model <model>',
    help: 'with --scorer embedding: the model that embeds answers and references, named like any model (default: openai:text-embedding-3-small)',
  },
  judge: {
    flags: '--judge <models>',
    help: 'score the answers with a judge model instead of --scorer (any model tierbench can call; two, comma-separated, are averaged and their agreement reported)',
  },
  judgeMode: {
    flags: '--judge-mode <mode>',
    help: "rubric: grade each answer 1–5 against the reference; pairwise: each answer against --reference's, in both orders (win 1, tie 0.5, loss 0)",
    choices: ['rubric', 'pairwise'],
  },
  rubric: { flags: '--rubric <file|text>', help: 'the criteria the judge grades by: a file, or the text itself (default: correct, complete, faithful)' },
  humanCol: {
    flags: '--human-col <column>',
    help: "with --judge: a column of people's grades (1–5, other numbers, or pass/fail; empty: not graded); the judge's agreement with them is reported",
  },
  humanAnswerCol: {
    flags: '--human-answer-col <column>',
    help: 'the column of the answers the people graded (default: detected: graded_answer, graded, response, output, …)',
  },
  schema: {
    flags: '--schema <file>',
    help: "the JSON Schema the answers must follow: sent as each API's structured-output format, and checked by --scorer json-schema (the default with it)",
  },
  structuredOutput: {
    flags: '--no-structured-output',
    help: 'with --schema: do not send it to the models (a server that refuses it); answers are still checked against it',
  },
  scorerCmd: {
    flags: '--scorer-cmd <command>',
    help: 'score each answer with a program: it reads {"output", "expected", "case"} as JSON on stdin and prints a score from 0 to 1, true/false, or {"score", "reason"}',
  },
  scorerTimeout: {
    flags: '--scorer-timeout <seconds>',
    help: 'per answer, for --scorer-cmd and a module scorer: no score by then is the scorer failing (a command is killed)',
    parse: seconds,
    default: SCORER_TIMEOUT_S,
  },
  scorerConcurrency: {
    flags: '--scorer-concurrency <n>',
    help: 'answers scored at once by --scorer-cmd or a module scorer (default: one per CPU core for a command, 8 for a module)',
    parse: positiveInt,
  },
  limit: { flags: '--limit <n>', help: 'use only the first n rows (for a pilot, --sample takes a fair sample)', parse: positiveInt },
  sample: {
    flags: '--sample <n>',
    help: 'a seeded random sample of n cases, stratified by the category column in proportion (at least one per category when n allows): a pilot that is not biased by how the file is sorted',
    parse: positiveInt,
  },
  seed: { flags: '--seed <text>', help: 'with --sample: the seed; the same file and seed give the same sample (default: 0)' },
  shard: {
    flags: '--shard <i/n>',
    help: "run slice i of n (a CI matrix's job): cases assigned by a hash of their id; after --sample; `tierbench merge` combines the shards' reports",
    parse: shard,
  },
  sequential: {
    flags: '--sequential',
    help: 'run the cases in a shuffled order and look at the verdicts as they come (--looks times), stopping once the recommendation is decided (see "Sequential decisions")',
  },
  looks: {
    flags: '--looks <n>',
    help: `with --sequential: equally spaced looks at the cases, the last at all of them (default ${SEQUENTIAL_LOOKS})`,
    parse: lookCount,
  },
  concurrency: { flags: '-c, --concurrency <n>', help: 'calls in flight at once, over all models', parse: positiveInt, default: 16 },
  modelConcurrency: { flags: '--model-concurrency <n>', help: 'cap on calls in flight per model', parse: positiveInt },
  maxRetries: {
    flags: '--max-retries <n>',
    help: 'retries per call on 408/409/429/5xx and connection errors (done by the SDKs)',
    parse: nonNegativeInt,
    default: MAX_RETRIES,
  },
  timeout: {
    flags: '--timeout <seconds>',
    help: 'per attempt: the longest wait for the response to begin, and then for each next piece of it',
    parse: seconds,
    default: 60,
  },
  deadline: { flags: '--deadline <seconds>', help: 'per call: the longest it may take in all, retries and their waits included', parse: seconds, default: 600 },
  repeats: {
    flags: '--repeats <n>',
    help: 'samples per case and model, averaged within each case (for temperature > 0 or nondeterministic models)',
    parse: positiveInt,
    default: 1,
  },
  maxTokens: {
    flags: '--max-tokens <n>',
    help: `output token limit per call (default: ${DEFAULT_MAX_TOKENS}, or ${REASONING_MAX_TOKENS} for a model that reasons: room for its thinking)`,
    parse: positiveInt,
  },
  temperature: { flags: '--temperature <t>', help: 'sampling temperature (not sent where the API rejects it; the report notes it)', parse: temperature },
  stream: { flags: '--no-stream', help: 'do not stream (time to first token is then not measured)' },
  batch: {
    flags: '--batch',
    help: "send the calls through the providers' batch APIs (Anthropic Message Batches, OpenAI Batch API): half price, results within 24 hours, latency not measured; Ctrl-C leaves the batches running and --resume picks them up",
  },
  cancelBatches: {
    flags: '--cancel-batches',
    help: 'with --resume RUN of a --batch run: cancel its batches still running at the provider, keep what they answered, and submit nothing new',
  },
  batchPoll: { flags: '--batch-poll <seconds>', help: 'with --batch: how often to ask each batch how far it is', parse: seconds, default: BATCH_POLL_S },
  tolerance: {
    flags: '--tolerance <pp>',
    help: 'how far below the most accurate model, in percentage points, still counts as good enough',
    parse: percentagePoints,
    default: TOLERANCE_PP,
  },
  reference: { flags: '--reference <model>', help: 'test cheaper models against this one only (default: each against every model that costs more)' },
  by: { flags: '--by <column>', help: 'decide per value of this column (e.g. category) and print a routing table: the cheapest adequate model per value' },
  routingOut: { flags: '--routing-out <path>', help: 'with --by: write the routing map {"value": "model-id"} as JSON, for a router to load' },
  cascade: {
    flags: '--cascade <cheap,big>',
    help: 'simulate a cascade: the cheap model answers and escalates to the big one when unsure (both must be in --models)',
    shape: 'list',
  },
  cascadeSamples: {
    flags: '--cascade-samples <n>',
    help: 'samples of the cheap model per case for the cascade; 2 or more adds agreement between samples as a confidence signal',
    parse: positiveInt,
    default: 1,
  },
  volume: { flags: '--volume <n/period>', help: 'project costs at a volume: 500/day, 10k/month, 20/hour' },
  promptCache: {
    flags: '--prompt-cache [ttl]',
    help: "mark the prompt's shared prefix (a system prompt without variables, the template's text before its first variable) for Anthropic prompt caching with this TTL: 5m (writes 1.25x input) or 1h (2x); reads cost 0.1x, and the report shows what caching saved (OpenAI caches long prompts by itself)",
    parse: cacheTtl,
    preset: '5m',
  },
  openaiApi: {
    flags: '--openai-api <api>',
    help: "OpenAI's own models through Chat Completions or the Responses API (default: Responses only for models that have nothing else, the -pro and -codex lines)",
    choices: ['chat', 'responses'],
  },
  anthropicVersion: { flags: '--anthropic-version <date>', help: 'pin an older anthropic-version header (e.g. 2023-06-01)' },
  simulate: {
    flags: '--simulate',
    help: "answer with simulated models on tierbench's built-in emulator, right as often as each tier, from the expected column: offline, no keys, nothing billed (to try a suite, a prompt or a CI pipeline)",
  },
  allowUnpriced: { flags: '--allow-unpriced', help: 'run models without a known price; their cost is reported as unknown' },
  config: { flags: '--config <path>', help: 'config file (default: ./tierbench.config.json when present)' },
  maxCost: {
    flags: '--max-cost <usd>',
    help: 'refuse to start when the estimate is over this, and stop scheduling once this much is spent',
    parse: dollars,
  },
  yes: { flags: '--yes', help: 'start even when the cost estimate is over --max-cost' },
  rpm: { flags: '--rpm <n>', help: 'at most this many requests per minute per model', parse: positiveInt },
  tpm: { flags: '--tpm <n>', help: 'at most about this many tokens per minute per model', parse: positiveInt },
  cache: { flags: '--no-cache', help: 'call the models even for answers already in the response cache' },
  cacheDir: { flags: '--cache-dir <dir>', help: 'response cache folder', default: CACHE_DIR },
  cacheTtl: {
    flags: '--cache-ttl <duration>',
    help: 'how long a cached answer stays valid: 30d, 12h, …',
    parse: duration,
    default: duration(CACHE_TTL),
    defaultText: CACHE_TTL,
  },
  followUp: {
    flags: '--follow-up <report>',
    help: 'this run adds cases to that pilot run\'s data: its verdicts are the second look, at the error the pilot left (see "More cases")',
  },
  resume: { flags: '--resume <run>', help: 'continue a stopped run (its id, or its .journal.jsonl): only the missing calls are made' },
  out: { flags: '-o, --out <path>', help: 'where to write the JSON report (default: reports/<run id>.json)' },
  report: { flags: '--report <formats>', help: 'also write these beside the JSON report: md, junit, html, csv (comma-separated)', shape: 'list' },
  junitCases: { flags: '--junit-cases', help: 'in the JUnit report, a test case per case (wrong answers fail), not only per gate check' },
  json: { flags: '--json', help: 'print the JSON report to stdout instead of the table' },
  explain: { flags: '--explain', help: 'after the table, what its figures and signs mean (pp, Δ, discordant, TTFT, …)' },
  quiet: { flags: '-q, --quiet', help: 'no progress output' },
} as const satisfies OptionTable;

export type RunFlags = GateFlags & OptionValues<typeof RUN_OPTIONS>;

/** --models: required, unless --resume continues a run that has its models. */
export function modelList(flags: Pick<RunFlags, 'models'>, suite?: string): string {
  if (flags.models === undefined) {
    if (suite !== undefined)
      throw new UsageError('E_SUITE', `${suite}: no models`, 'name the models to compare in the file (models: [haiku, sonnet]) or with --models');
    throw new UsageError('E_USAGE', "required option '-m, --models <list>' not specified", 'name the models to compare, e.g. --models haiku,sonnet');
  }
  return flags.models;
}

/** `tierbench merge`: where the merged report goes, and the gate a CI matrix's last job runs on it. */
export const MERGE_OPTIONS = {
  out: RUN_OPTIONS.out,
  report: RUN_OPTIONS.report,
  junitCases: RUN_OPTIONS.junitCases,
  json: RUN_OPTIONS.json,
  explain: RUN_OPTIONS.explain,
  quiet: RUN_OPTIONS.quiet,
} as const satisfies OptionTable;

export type MergeFlags = GateFlags & OptionValues<typeof MERGE_OPTIONS>;

export const INIT_OPTIONS = {
  force: { flags: '--force', help: 'overwrite the file when it exists' },
} as const satisfies OptionTable;

export type InitFlags = OptionValues<typeof INIT_OPTIONS>;

export const DEMO_OPTIONS = {
  task: {
    flags: '--task <task>',
    help: 'classify: support tickets, scored by label; summarize: news summaries scored by a judge model, checked against human grades; extract: invoices and receipts to JSON, checked against a JSON Schema; tools: support requests routed to tools, scored by the call',
    choices: ['classify', 'summarize', 'extract', 'tools'],
    default: 'classify',
  },
  concurrency: { flags: '-c, --concurrency <n>', help: 'calls in flight at once', parse: positiveInt, default: 48 },
  fast: { flags: '--fast', help: "simulated latencies twenty times shorter, for a quick look (the latency figures are then not the tiers')" },
  stream: { flags: '--no-stream', help: 'do not stream' },
  out: RUN_OPTIONS.out,
  report: { flags: '--report <formats>', help: 'also write these beside the JSON report: md, junit, html, csv' },
  json: RUN_OPTIONS.json,
  explain: RUN_OPTIONS.explain,
  quiet: RUN_OPTIONS.quiet,
} as const satisfies OptionTable;

export type DemoFlags = OptionValues<typeof DEMO_OPTIONS>;

export const COMPARE_OPTIONS = {
  json: { flags: '--json', help: 'print the comparison as JSON' },
} as const satisfies OptionTable;

export type CompareFlags = OptionValues<typeof COMPARE_OPTIONS>;

export const PLAN_OPTIONS = {
  tolerance: { flags: '--tolerance <pp>', help: 'the non-inferiority margin, in percentage points', parse: percentagePoints, default: TOLERANCE_PP },
  from: { flags: '--from <report>', help: "a pilot run's JSON report: uses its observed discordance and Δ per candidate" },
  discordance: { flags: '--discordance <d>', help: 'assumed share of cases where the two models disagree (0–1)', parse: fraction },
  delta: {
    flags: '--delta <pp>',
    help: 'assumed true difference for --discordance, in percentage points (negative: cheaper model worse)',
    parse: signedPp,
    default: 0,
  },
  power: { flags: '--power <p>', help: 'chance of a clear verdict when the cheaper model is as assumed', parse: fraction, default: 0.8 },
} as const satisfies OptionTable;

export type PlanFlags = OptionValues<typeof PLAN_OPTIONS>;

export const MODELS_OPTIONS = {
  config: { flags: '--config <path>', help: 'config file with extra prices, aliases and endpoints' },
  sources: { flags: '--sources', help: 'where each list price comes from, and when it was checked' },
  check: {
    flags: '--check',
    help: 'compare the price table with a maintained one (@pydantic/genai-prices) and print what differs; exit 1 when anything does',
  },
  against: {
    flags: '--against <source>',
    help: 'with --check: "latest" (fetch the newest from GitHub), a URL or a file of genai-prices data (default: the installed package\'s)',
  },
  providers: {
    flags: '--providers',
    help: "with --check: also read the providers' own model lists with your keys (Anthropic's gives lifecycles; OpenAI's, the ids your key can use)",
  },
} as const satisfies OptionTable;

export type ModelsFlags = OptionValues<typeof MODELS_OPTIONS>;

export const CACHE_CLEAR_OPTIONS = {
  cacheDir: RUN_OPTIONS.cacheDir,
} as const satisfies OptionTable;

export const CACHE_STATS_OPTIONS = {
  cacheDir: RUN_OPTIONS.cacheDir,
  cacheTtl: { ...RUN_OPTIONS.cacheTtl, help: 'count as expired the answers older than this: 30d, 12h, …' },
} as const satisfies OptionTable;

export const EMULATE_OPTIONS = {
  port: { flags: '--port <n>', help: 'port to listen on (0: any free port)', parse: port, default: 8787 },
  host: { flags: '--host <host>', help: 'address to listen on', default: '127.0.0.1' },
  key: { flags: '--key <file>', help: 'answer key: a test-case file; simulated models answer from it' },
  tools: {
    flags: '--tools <file>',
    help: 'a JSON file of tool definitions ({name, description, parameters: JSON Schema}) offered to every case without a `tools` column',
  },
  toolChoice: { flags: '--tool-choice <choice>', help: 'with tools: auto (default) | required | none | <tool name> (the model must call that one)' },
  inputCol: { flags: '--input-col <name>', help: 'input column of the answer key' },
  expectedCol: { flags: '--expected-col <name>', help: 'expected-answer column of the answer key' },
  profiles: {
    flags: '--profiles <file>',
    help: 'JSON array of simulated model profiles (default: haiku / sonnet / opus tiers; the fields: README, "Without keys")',
  },
  apiKey: { flags: '--api-key <key...>', help: 'accept only these keys (default: any)' },
  seed: { flags: '--seed <text>', help: 'seed for the simulated answers' },
} as const satisfies OptionTable;

export type EmulateFlags = OptionValues<typeof EMULATE_OPTIONS>;
