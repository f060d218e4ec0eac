// What a run is asked to do and what it may touch: the plan (flags, or a journal's header on
// --resume), the outside world it is given (deps), and names shared by its stages and the CLI.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LoadOptions } from '../cases/load.js';
import { STATE_DIR } from '../defaults.js';
import type { SubmittedBatch } from '../execute/batch.js';
import type { GateRules } from '../gate/gate.js';
import type { JudgePlan } from '../judge/plan.js';
import type { Destinations, OutputPlan } from '../report/outputs.js';
import type { ScorerName } from '../scoring/scorers.js';
import type { CaseResult, ModelSpec, Report, ReportedModel, RunSettings } from '../types.js';

/** A variant's name: it becomes part of a contestant's (`haiku/concise`), so nothing a model list or a per-model limit would split on. */
export const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** One prompt variant: its templates, and where it was written (a suite's `file:line`, or `--prompts NAME`) for a complaint to name. */
export interface PromptVariant {
  name: string;
  /** Its user template; else the run's (a variant may differ in its system prompt only). */
  prompt?: string;
  /** Its own system prompt; else the run's. */
  system?: string;
  origin: string;
}

/** What to run: the settings recorded in the report, plus where the cases are and what to write and print. */
/** A scorer of the user's: a module (absolute path, and as given) or a command line and the folder it runs in. */
export type CustomScorerPlan = { kind: 'module'; path: string; given: string } | { kind: 'command'; command: string; cwd: string } | { kind: 'json-schema' };

export interface RunPlan extends Omit<RunSettings, 'scorer' | 'scorerSource' | 'schema' | 'prompt' | 'prompts'>, OutputPlan {
  datasetPath: string;
  load: LoadOptions;
  /** User prompt template; default: the input column. */
  prompt?: string;
  /** Two or more: each model in `models` is a contestant sending one of them (its `prompt` names which). */
  prompts?: PromptVariant[];
  models: ModelSpec[];
  /** Default: chosen from the expected values. */
  scorer?: ScorerName;
  /** `--scorer embedding`: the model that embeds answers and references (`--embedding-model`). */
  embeddingModel?: ModelSpec;
  /** `--judge`: the answers are scored by judge models instead (src/judge/). */
  judge?: JudgePlan;
  /** `--scorer ./file.mjs` or `--scorer-cmd`: in place of a built-in scorer. */
  custom?: CustomScorerPlan;
  /** `--schema`: the JSON Schema answers must follow (absolute path, and as given); `send`: as the APIs' structured-output format. */
  schema?: { path: string; given: string; send: boolean };
  /** `--scorer-timeout` and `--scorer-concurrency`: how a scorer of the user's runs. */
  scorerLimits?: { timeoutMs: number; concurrency?: number };
  /** `--cascade cheap,big`: simulate the cheap model escalating to the big one when unsure. */
  cascade?: { cheap: string; big: string; samples: number };
  /** `--volume 500/day`: as given, and in cases per day. */
  volume?: { text: string; casesPerDay: number };
  /** `--by`: group by this column (loaded as the category) and build a routing table. */
  routingColumn?: string;
  /** Response cache: its folder and how long answers stay valid; null with --no-cache. */
  cache: { dir: string; ttlMs: number } | null;
  /** --batch-poll: how often, in ms, a batch is asked how far it is (batch mode only; not recorded in the report). */
  batchPollMs?: number;
  /** Go ahead even when the cost estimate is over --max-cost. */
  yes: boolean;
  /** Print the JSON report to stdout instead of the table. */
  json: boolean;
  quiet: boolean;
  simulated: boolean;
}

export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width: the table fits it. */
  columns?: number;
}

export interface RunDeps {
  env: Readonly<Record<string, string | undefined>>;
  stdout: Out;
  stderr: Out;
  cwd: string;
  version: string;
  /** Monotonic ms, for progress. */
  now: () => number;
  /** Wall-clock time, for the report's timestamps. */
  date: () => Date;
  /** Subscribe to Ctrl-C; returns the unsubscribe. The first stops scheduling, the second aborts. */
  interrupts?: (handler: () => void) => () => void;
  /** The last stage: write the report and its other formats, print the result. */
  publish: (report: Report, to: Destinations, journalFailed: boolean) => Promise<void>;
}

/** A run picked up from its journal (`--resume`). */
export interface Resume {
  runId: string;
  journalPath: string;
  results: Array<{ m: number; r: CaseResult }>;
  startedAt: string;
  /** Time spent in the run's earlier segments. */
  elapsedMs: number;
  /** --batch: batches the earlier attempt submitted and did not read to the end (re-attached, not submitted again). */
  batches?: SubmittedBatch[];
  /** `--cancel-batches`: cancel those batches instead of waiting for them to finish, and submit nothing new. */
  cancelBatches?: true;
}

/** Journals are tierbench's own state, kept apart from reports so `--resume ID` finds them. */
export const runJournalPath = (cwd: string, id: string): string => join(cwd, STATE_DIR, 'runs', `${id}.journal.jsonl`);

export function newRunId(date: Date): string {
  return `${date
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** userinfo in a base URL could be a credential. */
export function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** What a run needs besides its plan: a journal to resume, gate rules, a pilot (never journaled). */
export interface RunExtras {
  resume?: Resume;
  gate?: GateRules;
  /** `--follow-up`: the pilot run this one adds cases to; its verdicts are the second look. */
  followUp?: { report: Report; path: string };
}

/** A run that reached its end, or stopped: its report and what the CLI says about it. */
export interface RunOutcome {
  report: Report;
  reportPath: string;
  /** Why no new call was started before the end (the report's status says the same). */
  stop?: Stop;
  /** Models stopped early by a failure a retry cannot fix (a bad key, a wrong id). */
  stoppedModels: string[];
}

export interface Stop {
  reason: 'interrupted' | 'budget' | 'disk';
  /** Calls done (answers, failures, cache hits, journaled) and planned. */
  calls: number;
  planned: number;
  /** USD paid in this segment of the run. */
  spent: number;
  /** `disk`: why the run journal could not be written. */
  journalProblem?: string;
}

/** A model as the report names it (the candidates', the judges'): its base URL without credentials, never its key. */
export function reportedModel(m: ModelSpec): ReportedModel {
  return {
    name: m.name,
    id: m.id,
    api: m.api,
    endpoint: m.endpoint,
    ...(m.baseURL !== undefined && { baseURL: safeUrl(m.baseURL) }),
    ...(m.apiKeyEnv !== undefined && { apiKeyEnv: m.apiKeyEnv }),
    prices: m.prices,
    maxTokens: m.maxTokens,
    ...(m.reasoning !== undefined && { reasoning: m.reasoning }),
    ...(m.reasons && { reasons: m.reasons }),
    ...(m.prompt !== undefined && { prompt: m.prompt }),
  };
}
