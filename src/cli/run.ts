// `tierbench run`: flags and config → RunPlan → pipeline.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v from 'valibot';
import { fileHash } from '../cases/load.js';
import { parseTools } from '../cases/tools.js';
import { type Config, loadConfig } from '../config/load.js';
import { CACHE_DIR, SCORER_TIMEOUT_S, SEQUENTIAL_LOOKS, SEQUENTIAL_SEED } from '../defaults.js';
import { UsageError } from '../errors.js';
import { Journal } from '../execute/journal.js';
import { regularFile } from '../files.js';
import type { GateRules, Threshold } from '../gate/gate.js';
import { ENDPOINTS, type ResolveOptions, resolveModels } from '../models/registry.js';
import { type PromptVariant, type Resume, type RunDeps, type RunPlan, runJournalPath, safeUrl, VARIANT_NAME } from '../pipeline/plan.js';
import { runBench } from '../pipeline.js';
import { templateVariables } from '../prompts/render.js';
import { parseVolume } from '../recommend/projections.js';
import { renderGlossary } from '../report/glossary.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/outputs.js';
import { isScorerName, SCORERS, type ScorerName } from '../scoring/scorers.js';
import type { ModelSpec, Report, ToolChoice, ToolSpec } from '../types.js';
import { type Holds, says } from '../validate.js';
import { answerSchema, customScorer, isModulePath, scorerLimits } from './custom-flags.js';
import { type Ending, runEnding } from './exit.js';
import { modelList, type RunFlags } from './flags.js';
import { gateRules } from './gate-flags.js';
import type { Io } from './io.js';
import { judgePlan } from './judge-flags.js';
import { flagName } from './parse.js';
import { publisher } from './publish.js';
import { readReport } from './report-file.js';
import { withSimulation } from './simulate.js';
import { type AppliedSuite, atSuiteLine, dropAbsentLimits } from './suite.js';

async function textOption(inline: string | undefined, file: string | undefined, name: string, cwd: string): Promise<string | undefined> {
  if (inline !== undefined && file !== undefined) throw new UsageError('E_FLAGS', `--${name} and --${name}-file were both given`, `use one of them`);
  if (file === undefined) return inline;
  await regularFile(resolve(cwd, file), `--${name}-file`);
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch {
    throw new UsageError('E_FLAGS', `--${name}-file ${file}: file not found`, 'check the path');
  }
}

/** --tools: a JSON file of tool definitions, checked as a `tools` column is; --tool-choice names one of them or a mode. */
export async function toolOptions(flags: Pick<RunFlags, 'tools' | 'toolChoice'>, cwd: string): Promise<{ tools?: ToolSpec[]; toolChoice?: ToolChoice }> {
  let tools: ToolSpec[] | undefined;
  if (flags.tools !== undefined) {
    const text = await textOption(undefined, flags.tools, 'tools', cwd).catch(() => {
      throw new UsageError('E_TOOLS', `--tools ${flags.tools}: file not found`, 'check the path');
    });
    let raw: unknown;
    try {
      raw = JSON.parse(text ?? '');
    } catch (err) {
      throw new UsageError('E_TOOLS', `--tools ${flags.tools}: not valid JSON (${(err as Error).message})`, 'write a JSON array of tool definitions');
    }
    const parsed = parseTools(raw);
    if (!parsed.ok) throw new UsageError('E_TOOLS', `--tools ${flags.tools}: ${parsed.at} ${parsed.what}`, parsed.fix);
    tools = parsed.tools;
  }
  const choice = flags.toolChoice;
  if (choice === undefined) return tools === undefined ? {} : { tools };
  const modes = ['auto', 'required', 'none'];
  // Without --tools the tools are the cases' own, checked against the choice when they are loaded.
  if (!modes.includes(choice) && tools !== undefined && !tools.some((t) => t.name === choice)) {
    throw new UsageError(
      'E_TOOLS',
      `--tool-choice ${choice}: no tool of that name in ${flags.tools}`,
      `use auto, required, none or one of: ${tools.map((t) => t.name).join(', ')}`,
    );
  }
  return { ...(tools !== undefined && { tools }), toolChoice: modes.includes(choice) ? (choice as ToolChoice) : { name: choice } };
}

/** `--prompts concise=a.txt,b.txt` → variants (a bare file is named after it), their files read from the working directory. */
async function promptVariants(list: string, cwd: string): Promise<PromptVariant[]> {
  const variants: PromptVariant[] = [];
  for (const part of list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const path = eq === -1 ? part : part.slice(eq + 1).trim();
    const name = eq === -1 ? basename(path, extname(path)) : part.slice(0, eq).trim();
    if (!VARIANT_NAME.test(name))
      throw new UsageError(
        'E_FLAGS',
        `--prompts ${part}: \`${name}\` cannot name a prompt variant`,
        'name it with letters, digits, -, _ and .: --prompts concise=concise.txt',
      );
    if (variants.some((v) => v.name === name))
      throw new UsageError('E_FLAGS', `--prompts: two variants named ${name}`, 'name them apart: --prompts short=a/prompt.txt,long=b/prompt.txt');
    await regularFile(resolve(cwd, path), `--prompts ${name}`);
    const prompt = await readFile(resolve(cwd, path), 'utf8').catch(() => {
      throw new UsageError('E_FLAGS', `--prompts ${name}: no file at ${path}`, 'check the path (relative to the working directory)');
    });
    variants.push({ name, prompt, origin: `--prompts ${name}` });
  }
  if (variants.length === 0)
    throw new UsageError('E_FLAGS', '--prompts names no variant', 'give name=file pairs: --prompts concise=concise.txt,detailed=detailed.txt');
  return variants;
}

/** Two or more prompt variants: each model runs with each, a contestant named `model/variant`. */
const contestants = (models: ModelSpec[], variants: readonly PromptVariant[] | undefined): ModelSpec[] =>
  variants === undefined || variants.length < 2 ? models : models.flatMap((m) => variants.map((v) => ({ ...m, name: `${m.name}/${v.name}`, prompt: v.name })));

function scorer(name: string | undefined): ScorerName | undefined {
  if (name === undefined || name === 'json-schema' || isModulePath(name)) return undefined;
  if (!isScorerName(name))
    throw new UsageError(
      'E_SCORER',
      `--scorer ${name}: unknown scorer`,
      `use one of ${SCORERS.join(', ')}, json-schema (with --schema), or the path of your own module (./my-scorer.mjs)`,
    );
  return name;
}

/** `--embedding-model`, resolved like any model (alias, provider:id, config endpoint); only with --scorer embedding. */
function embeddingModel(flags: RunFlags, chosen: ScorerName | undefined, options: ResolveOptions): ModelSpec | undefined {
  if (chosen !== 'embedding') {
    if (flags.embeddingModel === undefined) return undefined;
    throw new UsageError('E_FLAGS', '--embedding-model needs --scorer embedding', 'add --scorer embedding, or leave out --embedding-model');
  }
  let spec: ModelSpec | undefined;
  try {
    [spec] = resolveModels(flags.embeddingModel ?? 'openai:text-embedding-3-small', options);
  } catch (err) {
    // The registry names the flag it resolves for --models.
    if (err instanceof UsageError) throw new UsageError(err.code, err.message.replace(/^--models\b/, '--embedding-model'), err.hint);
    throw err;
  }
  if (spec === undefined) throw new UsageError('E_FLAGS', '--embedding-model is empty', 'name a model, e.g. --embedding-model openai:text-embedding-3-small');
  if (spec.api === 'anthropic') {
    throw new UsageError(
      'E_EMBEDDING',
      `--embedding-model ${spec.name}: ${spec.id} is served through Anthropic's Messages API, which has no embeddings`,
      'name a model served through an OpenAI-format /v1/embeddings, e.g. openai:text-embedding-3-small, or an endpoint of your config file (Ollama, vLLM)',
    );
  }
  return spec;
}

function cascadePair(flags: RunFlags, models: readonly ModelSpec[]): RunPlan['cascade'] {
  if (flags.cascade === undefined) return undefined;
  const pair = flags.cascade.split(',').map((x) => x.trim());
  const [cheap, big] = pair;
  if (pair.length !== 2 || cheap === undefined || big === undefined || cheap === big) {
    throw new UsageError('E_CASCADE', `--cascade ${flags.cascade}: expected two different models, cheap first`, 'e.g. --cascade haiku,sonnet');
  }
  for (const name of pair) {
    if (!models.some((m) => m.name === name))
      throw new UsageError('E_CASCADE', `--cascade: ${name} is not one of --models`, `add it to --models (${models.map((m) => m.name).join(',')},${name})`);
  }
  // Escalating from the dearer model to the cheaper one saves nothing: most likely the order was swapped.
  const [a, b] = [cheap, big].map((name) => models.find((m) => m.name === name)?.prices);
  if (a && b && a.input >= b.input && a.output >= b.output && (a.input > b.input || a.output > b.output)) {
    throw new UsageError(
      'E_CASCADE',
      `--cascade ${flags.cascade}: ${cheap} costs more than ${big}, and the cheap model comes first`,
      `swap them: --cascade ${big},${cheap}`,
    );
  }
  return { cheap, big, samples: flags.cascadeSamples };
}

export function runDeps(io: Io, version: string, view: { json: boolean; quiet: boolean }): RunDeps {
  return {
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    cwd: io.cwd,
    version,
    now: () => performance.now(),
    date: io.today ?? (() => new Date()),
    ...(io.interrupts !== undefined && { interrupts: io.interrupts }),
    publish: publisher(view, io),
  };
}

/** A config file picked up from the working directory (a cloned repository's) decides where calls go: said every time, before anything is sent. */
function announceConfig(config: Config, flags: RunFlags, io: Io): void {
  if (flags.config !== undefined || config.path === undefined) return;
  const routes = [
    ...Object.entries(config.endpoints).map(([name, e]) => `${name} → ${safeUrl(e.baseURL)}${e.apiKeyEnv ? ` (key from ${e.apiKeyEnv})` : ''}`),
    ...Object.entries(config.aliases).map(([name, target]) => `${name} = ${target}`),
  ];
  if (routes.length > 0) io.stderr.write(`using ${config.path}: ${routes.join('; ')}\n`);
}

/** Flags that contradict each other or name what is not there, refused before anything is read or sent. */
function checkRunFlags(flags: RunFlags, models: readonly ModelSpec[]): void {
  if (flags.by !== undefined && flags.categoryCol !== undefined && flags.by !== flags.categoryCol) {
    throw new UsageError(
      'E_FLAGS',
      `--by ${flags.by} and --category-col ${flags.categoryCol} name different columns`,
      'give one of them: --by groups the cases and builds the routing table',
    );
  }
  if (flags.sample !== undefined && flags.limit !== undefined) {
    throw new UsageError('E_FLAGS', '--sample and --limit both choose the cases', 'give one: --sample N for a fair pilot, --limit N for the first N rows');
  }
  if (flags.routingOut !== undefined && flags.by === undefined) {
    throw new UsageError('E_FLAGS', '--routing-out needs --by', 'add --by <column>, e.g. --by category');
  }
  if (flags.looks !== undefined && flags.sequential !== true) {
    throw new UsageError('E_FLAGS', `--looks ${flags.looks} needs --sequential`, 'add --sequential, or drop --looks');
  }
  if (flags.sequential === true) {
    // Each of these decides on the cases in a way the looks' error spending does not cover.
    const other = [
      flags.followUp !== undefined && ['--follow-up', 'a sequential run is a design of its own: it spends the whole error budget over its looks'],
      flags.judge !== undefined && ['--judge', 'the judging pass scores after every call is made, and the looks need scores as they go'],
      flags.by !== undefined && ['--by', "the routing table's decisions per category are not part of the stopping rule"],
      flags.shard !== undefined && [
        '--shard',
        'each shard would stop on its own slice, and `tierbench merge` decides on the whole, which no stopping rule saw',
      ],
    ].find((x) => x !== false);
    if (other !== undefined)
      throw new UsageError('E_FLAGS', `--sequential and ${other[0]} cannot go together: ${other[1]}`, `drop ${other[0]} or --sequential`);
  }
  if (flags.reference !== undefined && !models.some((m) => m.name === flags.reference)) {
    throw new UsageError('E_REFERENCE', `--reference ${flags.reference}: not one of --models`, `use one of ${models.map((m) => m.name).join(', ')}`);
  }
}

function volume(flags: RunFlags): RunPlan['volume'] {
  if (flags.volume === undefined) return undefined;
  const casesPerDay = parseVolume(flags.volume);
  if (casesPerDay === undefined) {
    throw new UsageError(
      'E_VOLUME',
      `--volume ${flags.volume}: not a volume${/^[\d.,\skKmM]+$/.test(flags.volume) ? ' (per what? a day and a month are a 30x different bill)' : ''}`,
      'write cases per period, e.g. 500/day, 10k/month, 20/hour',
    );
  }
  return { text: flags.volume, casesPerDay };
}

/** Which columns hold what, from the column flags and the prompt template's variables. */
function loadOptions(flags: RunFlags, prompt: string | undefined): RunPlan['load'] {
  return {
    ...(flags.inputCol !== undefined && { input: flags.inputCol }),
    ...(flags.expectedCol !== undefined && { expected: flags.expectedCol }),
    ...((flags.by ?? flags.categoryCol) !== undefined && {
      category: flags.by ?? flags.categoryCol,
      categoryFlag: flags.by === undefined ? '--category-col' : '--by',
    }),
    ...(flags.clusterCol !== undefined && { cluster: flags.clusterCol }),
    ...(flags.idCol !== undefined && { id: flags.idCol }),
    ...(flags.limit !== undefined && { limit: flags.limit }),
    ...(prompt !== undefined && { promptColumns: templateVariables(prompt) }),
  };
}

async function buildPlan(file: string, flags: RunFlags, io: Io, suite: AppliedSuite | undefined): Promise<RunPlan> {
  const config = await loadConfig(flags.config, io.cwd);
  announceConfig(config, flags, io);
  const resolving: ResolveOptions = {
    config,
    env: io.env,
    allowUnpriced: flags.allowUnpriced === true,
    today: io.today?.() ?? new Date(),
    ...(flags.maxTokens !== undefined && { maxTokens: flags.maxTokens }),
    ...(flags.openaiApi !== undefined && { openaiApi: flags.openaiApi }),
  };
  const resolved = resolveModels(modelList(flags), resolving);
  const elsewhere = flags.simulate === true ? resolved.find((m) => ENDPOINTS[m.endpoint] === undefined) : undefined;
  if (elsewhere !== undefined) {
    throw new UsageError(
      'E_FLAGS',
      `--simulate: ${elsewhere.name} is on the config's endpoint ${elsewhere.endpoint}, which the simulation would not replace`,
      'simulate the built-in providers only (anthropic, openai, openrouter models), or drop --simulate',
    );
  }
  const prompt = await textOption(flags.prompt, flags.promptFile, 'prompt', io.cwd);
  if (flags.prompts !== undefined && prompt !== undefined)
    throw new UsageError('E_FLAGS', '--prompts and --prompt (or --prompt-file) were both given', 'give each variant its file in --prompts, and drop --prompt');
  const variants = flags.prompts === undefined ? suite?.prompts : await promptVariants(flags.prompts, io.cwd);
  const models = contestants(resolved, variants);
  const system = await textOption(flags.system, flags.systemFile, 'system', io.cwd);
  const chosen = scorer(flags.scorer);
  const toolsAsked = await toolOptions(flags, io.cwd);
  const embedder = embeddingModel(flags, chosen, resolving);
  const custom = customScorer(flags, io.cwd);
  checkRunFlags(flags, models);
  const judge = await judgePlan(flags, (list) => resolveModels(list, resolving), io.cwd);
  const cascade = cascadePair(flags, models);
  const perDay = volume(flags);
  return {
    datasetPath: resolve(io.cwd, file),
    ...(suite !== undefined && { suite: { file: suite.file, overridden: suite.overridden } }),
    load: loadOptions(flags, [prompt, ...(variants ?? []).map((v) => v.prompt)].filter((t) => t !== undefined).join('\n') || undefined),
    ...(prompt !== undefined && { prompt }),
    ...(variants !== undefined && { prompts: variants }),
    ...(system !== undefined && { system }),
    ...toolsAsked,
    models,
    ...(chosen !== undefined && { scorer: chosen }),
    ...(embedder !== undefined && { embeddingModel: embedder }),
    ...(judge !== undefined && { judge }),
    ...(custom !== undefined && { custom }),
    ...(flags.schema !== undefined && { schema: answerSchema(flags, io.cwd) }),
    scorerLimits: scorerLimits(flags),
    ...(flags.expectRefusal !== undefined && { expectRefusal: flags.expectRefusal }),
    ...(flags.maxTokens !== undefined && { maxTokens: flags.maxTokens }),
    ...(flags.temperature !== undefined && { temperature: flags.temperature }),
    // A batch answers whole: nothing is streamed, and the report says so.
    stream: flags.stream && flags.batch !== true,
    ...(flags.batch === true && { batch: true, batchPollMs: flags.batchPoll * 1000 }),
    concurrency: flags.concurrency,
    ...(flags.modelConcurrency !== undefined && { modelConcurrency: flags.modelConcurrency }),
    maxRetries: flags.maxRetries,
    timeoutMs: flags.timeout * 1000,
    deadlineMs: flags.deadline * 1000,
    repeats: flags.repeats,
    ...(flags.sample !== undefined && { sample: { size: flags.sample, seed: flags.seed ?? '0' } }),
    ...(flags.shard !== undefined && { shard: flags.shard }),
    tolerancePp: flags.tolerance,
    ...(flags.reference !== undefined && { reference: flags.reference }),
    ...(cascade !== undefined && { cascade }),
    ...(perDay !== undefined && { volume: perDay }),
    ...(flags.by !== undefined && { routingColumn: flags.by }),
    ...(flags.routingOut !== undefined && { routingOut: resolve(io.cwd, flags.routingOut) }),
    ...(flags.anthropicVersion !== undefined && { anthropicVersion: flags.anthropicVersion }),
    promptCache: flags.promptCache ?? false,
    ...(flags.out !== undefined && { out: outPath(flags.out, io.cwd) }),
    ...(flags.maxCost !== undefined && { maxCost: flags.maxCost }),
    ...(flags.rpm !== undefined && { rpm: flags.rpm }),
    ...(flags.tpm !== undefined && { tpm: flags.tpm }),
    ...(flags.sequential === true && { sequential: { looks: flags.looks ?? SEQUENTIAL_LOOKS, seed: SEQUENTIAL_SEED } }),
    // A simulation is not worth keeping (its server's port is in every key, so never asked again).
    cache: flags.cache && flags.simulate !== true ? { dir: cacheDir(flags.cacheDir, io.cwd), ttlMs: flags.cacheTtl } : null,
    formats: reportFormats(flags.report ?? ''),
    junitCases: flags.junitCases === true,
    yes: flags.yes === true,
    json: flags.json === true,
    quiet: flags.quiet === true || flags.json === true,
    simulated: false,
  };
}

export function reportFormats(list: string): ReportFormat[] {
  const formats = list
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
  for (const f of formats) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f))
      throw new UsageError('E_REPORT_FORMAT', `--report ${list}: unknown format \`${f}\``, `use any of ${REPORT_FORMATS.join(', ')}, comma-separated`);
  }
  return formats as ReportFormat[];
}

/** `-o`, resolved; a trailing slash kept: it says the path is a folder to put the report in. */
export const outPath = (out: string, cwd: string): string => resolve(cwd, out) + (/[\\/]$/.test(out) ? sep : '');

const cacheDir = (dir: string | undefined, cwd: string): string => resolve(cwd, dir ?? CACHE_DIR);

/**
 * What --resume may change: where and how the outputs go, the budget, and the pace. Anything else
 * (models, prompts, data, limits, timeouts, scoring…) would make the report measure something
 * other than the calls already made: refused.
 */
const RESUME_MAY_CHANGE: ReadonlySet<string> = new Set<keyof RunFlags>([
  'resume',
  'batchPoll',
  'cancelBatches',
  'maxCost',
  'yes',
  'out',
  'report',
  'junitCases',
  'json',
  'explain',
  'quiet',
  'concurrency',
  'modelConcurrency',
  'rpm',
  'tpm',
  'followUp',
  'scorerTimeout',
  'scorerConcurrency',
  'minAccuracy',
  'maxCostPer1k',
  'maxP95Ms',
  'maxErrorRate',
  'baseline',
  'maxRegression',
  'failOn',
  'strict',
]);

const PLAN_DAMAGED = says("rerun without --resume: the run's plan in the journal is damaged");

/** What --resume reads of a model and of the plan in a journal's header. */
const MODEL_READ = { name: v.string(PLAN_DAMAGED), endpoint: v.string(PLAN_DAMAGED), baseURL: v.optional(v.string(PLAN_DAMAGED)) };
const JOURNAL_PLAN = v.looseObject(
  { datasetPath: v.string(PLAN_DAMAGED), models: v.array(v.looseObject(MODEL_READ, PLAN_DAMAGED), PLAN_DAMAGED) },
  PLAN_DAMAGED,
);
/** Fails to compile when a field checked here is renamed, removed or retyped in RunPlan. @public (a compile-time check) */
export type ResumeReadsPlan = Holds<
  RunPlan extends { datasetPath: string; models: Array<v.InferOutput<v.ObjectSchema<typeof MODEL_READ, undefined>>> } ? true : false
>;

/** `--resume ID|PATH`: the journal's plan, checked against the data file as it is now. */
async function resumePlan(flags: RunFlags, io: Io, file: string | undefined, givenFlags: readonly string[]): Promise<{ plan: RunPlan; resume: Resume }> {
  const refused = givenFlags
    .filter((f) => !RESUME_MAY_CHANGE.has(f))
    .map(flagName)
    .sort();
  if (file !== undefined) refused.unshift(file);
  if (refused.length > 0) {
    throw new UsageError(
      'E_RESUME',
      `--resume continues the run as it started: ${refused.join(', ')} would change what it measures`,
      'drop them to continue it, or start a new run without --resume; --resume accepts -o, --report, --max-cost, --yes, -c, --rpm, --tpm, --batch-poll, --follow-up, --scorer-timeout, --scorer-concurrency and the gate flags',
    );
  }
  const given = flags.resume ?? '';
  const path = existsSync(resolve(io.cwd, given)) ? resolve(io.cwd, given) : runJournalPath(io.cwd, given);
  // Read as a stream, line by line: any size.
  if (existsSync(path)) await regularFile(path, '--resume', Infinity);
  const journal = existsSync(path) ? await Journal.read(path, JOURNAL_PLAN) : undefined;
  if (journal === undefined) {
    throw new UsageError(
      'E_RESUME',
      `--resume ${given}: no run journal at ${path}`,
      'give the run id printed when it stopped, or the path of its .journal.jsonl file',
    );
  }
  const { header } = journal;
  // Checked: what is read here (ResumeReadsPlan); the rest is the plan as the run wrote it.
  const written = header.plan as unknown as RunPlan;
  if (flags.cancelBatches === true && written.batch !== true)
    throw new UsageError(
      'E_FLAGS',
      `--cancel-batches: run ${header.runId} did not use --batch`,
      'drop --cancel-batches: its calls were live, and --resume continues it',
    );
  if (!existsSync(written.datasetPath) || (await fileHash(written.datasetPath)) !== header.datasetHash) {
    throw new UsageError(
      'E_RESUME',
      `--resume ${given}: ${written.datasetPath} changed since the run started`,
      'rerun without --resume: the results so far belong to the old file',
    );
  }
  const models = written.models.map((m) => currentBaseUrl(m, given, io));
  const judges = written.judge?.models.map((m) => currentBaseUrl(m, given, io));
  const plan: RunPlan = {
    ...written,
    models,
    ...(written.judge !== undefined && judges !== undefined && { judge: { ...written.judge, models: judges } }),
    ...(flags.maxCost !== undefined && { maxCost: flags.maxCost }),
    ...(givenFlags.includes('concurrency') && { concurrency: flags.concurrency }),
    ...(flags.modelConcurrency !== undefined && { modelConcurrency: flags.modelConcurrency }),
    ...(flags.rpm !== undefined && { rpm: flags.rpm }),
    ...(flags.tpm !== undefined && { tpm: flags.tpm }),
    ...(written.batch === true && { batchPollMs: givenFlags.includes('batchPoll') ? flags.batchPoll * 1000 : (written.batchPollMs ?? flags.batchPoll * 1000) }),
    // A scorer that timed out may be given longer, or fewer at once, when it scores again.
    scorerLimits: {
      timeoutMs: givenFlags.includes('scorerTimeout') ? flags.scorerTimeout * 1000 : (written.scorerLimits?.timeoutMs ?? SCORER_TIMEOUT_S * 1000),
      ...(written.scorerLimits?.concurrency !== undefined && { concurrency: written.scorerLimits.concurrency }),
      ...(flags.scorerConcurrency !== undefined && { concurrency: flags.scorerConcurrency }),
    },
    // A new place for the report: the one the run started with may be what failed.
    ...(flags.out !== undefined && { out: outPath(flags.out, io.cwd) }),
    yes: flags.yes === true,
    json: flags.json === true,
    quiet: flags.quiet === true || flags.json === true,
    formats: reportFormats(flags.report ?? ''),
    junitCases: flags.junitCases === true,
  };
  return {
    plan,
    resume: {
      runId: header.runId,
      journalPath: path,
      results: journal.results,
      startedAt: header.startedAt,
      elapsedMs: journal.elapsedMs,
      ...(journal.batches.length > 0 && { batches: journal.batches }),
      ...(flags.cancelBatches === true && { cancelBatches: true as const }),
    },
  };
}

export async function runCommand(
  file: string | undefined,
  flags: RunFlags,
  io: Io,
  version: string,
  given: readonly string[] = [],
  suite?: AppliedSuite,
): Promise<Ending> {
  if (flags.simulate === true) {
    if (flags.resume !== undefined)
      throw new UsageError('E_FLAGS', '--simulate cannot --resume: the simulated models are gone with the run that stopped', 'run it again: nothing is billed');
    if (file !== undefined) {
      const datasetPath = resolve(io.cwd, file);
      return withSimulation(datasetPath, flags, io, (simulated) => runPlanned(file, flags, simulated, version, given, suite));
    }
  }
  return runPlanned(file, flags, io, version, given, suite);
}

async function runPlanned(
  file: string | undefined,
  flags: RunFlags,
  io: Io,
  version: string,
  given: readonly string[],
  suite: AppliedSuite | undefined,
): Promise<Ending> {
  let plan: RunPlan;
  let resume: Resume | undefined;
  if (flags.cancelBatches === true && flags.resume === undefined)
    throw new UsageError('E_FLAGS', '--cancel-batches needs --resume RUN', 'name the run whose batches to cancel: tierbench run --resume RUN --cancel-batches');
  let gate: GateRules;
  try {
    // A suite run resumes with its suite named again: the journal keeps what it measures; the file's outputs and gate apply.
    if (flags.resume !== undefined) ({ plan, resume } = await resumePlan(flags, io, suite === undefined ? file : undefined, given));
    else if (file === undefined)
      throw new UsageError(
        'E_USAGE',
        'run needs a file of test cases',
        'tierbench run --models haiku,sonnet cases.csv (or --resume RUN to continue a stopped run)',
      );
    else plan = await buildPlan(file, flags, io, suite);
    const names = plan.models.map((m) => m.name);
    gate = await gateRules(
      perContestant(
        dropAbsentLimits(flags, suite, names, (line) => io.stderr.write(`${line}\n`)),
        plan.models,
      ),
      io,
      names,
    );
  } catch (err) {
    // A value the suite file gave is named by its line there.
    throw atSuiteLine(err, suite);
  }
  const followUp =
    flags.followUp === undefined ? undefined : { report: await readReport(resolve(io.cwd, flags.followUp), '--follow-up '), path: flags.followUp };
  const outcome = await runBench(plan, runDeps(io, version, plan), { ...(resume && { resume }), gate, ...(followUp && { followUp }) });
  const ending = runEnding(outcome, io.stderr);
  if (flags.explain === true && !plan.json) io.stdout.write(renderGlossary(outcome.report));
  if (!plan.json && !plan.quiet) {
    io.stderr.write(`report: ${outcome.reportPath}\n`);
    const more = moreCases(outcome.report);
    if (more !== undefined) {
      io.stderr.write(
        `to settle it: append about ${more.toLocaleString('en-US')} new cases to ${relative(io.cwd, outcome.report.dataset.path) || outcome.report.dataset.path} and run the same command with --follow-up ${relative(io.cwd, outcome.reportPath)}` +
          `${plan.cache === null ? '' : ' (the answers paid for now come from the response cache)'}\n`,
      );
    }
  }
  return ending;
}

/** A per-model limit naming a model (haiku=0.9) holds for each of its contestants (haiku/concise, …) that has none of its own. */
function perContestant(flags: RunFlags, models: readonly ModelSpec[]): RunFlags {
  const expand = (t: Threshold): Threshold => {
    const per: Record<string, number> = {};
    const bases: Array<[string, number]> = [];
    for (const [name, limit] of Object.entries(t.per)) {
      if (models.some((m) => m.prompt !== undefined && m.name === `${name}/${m.prompt}`)) bases.push([name, limit]);
      else per[name] = limit;
    }
    for (const [name, limit] of bases) for (const m of models) if (m.name === `${name}/${m.prompt}`) per[m.name] ??= limit;
    return { ...t, per };
  };
  return {
    ...flags,
    ...(flags.minAccuracy !== undefined && { minAccuracy: expand(flags.minAccuracy) }),
    ...(flags.maxCostPer1k !== undefined && { maxCostPer1k: expand(flags.maxCostPer1k) }),
    ...(flags.maxP95Ms !== undefined && { maxP95Ms: expand(flags.maxP95Ms) }),
    ...(flags.maxErrorRate !== undefined && { maxErrorRate: expand(flags.maxErrorRate) }),
  };
}

/** At a first look: the most "more cases" any model cheaper than the one recommended needs to be settled. */
function moreCases(report: Report): number | undefined {
  const rec = report.recommendation;
  const cost = report.summaries.find((s) => s.model === rec.recommended)?.cost?.per1kCases;
  if (rec.look.number !== 1 || cost === undefined) return undefined;
  const open = rec.comparisons.filter((d) => d.moreCases !== null && d.costPerCase * 1000 < cost).map((d) => d.moreCases!);
  return open.length === 0 ? undefined : Math.max(...open);
}

/**
 * Built-in providers' base URLs as the environment gives them (credentials included, which the
 * journal does not keep): one that now points elsewhere would mix two servers' answers.
 */
function currentBaseUrl<M extends { name: string; endpoint: string; baseURL?: string }>(m: M, given: string, io: Io): M {
  const builtin = ENDPOINTS[m.endpoint];
  if (builtin === undefined) return m;
  const current = io.env[builtin.baseUrlEnv] || builtin.defaultBaseURL;
  if ((safeUrl(current) ?? '') !== (safeUrl(m.baseURL) ?? '')) {
    throw new UsageError(
      'E_RESUME',
      `--resume ${given}: ${m.name} was called at ${safeUrl(m.baseURL) ?? "the provider's default URL"}, and ${builtin.baseUrlEnv} now says ${safeUrl(current) ?? 'the default'}`,
      `set ${builtin.baseUrlEnv} back to continue the run, or start a new run`,
    );
  }
  return current === undefined ? m : { ...m, baseURL: current };
}
