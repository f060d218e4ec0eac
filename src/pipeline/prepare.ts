// The first stage: everything a run can check before anything is paid for. It loads and checks the
// cases, prompts and scorer, the keys, every output path and the budget, then says what it will do.
import { relative } from 'node:path';
import { missingPilotCases } from '../analysis/across.js';
import { batchPrices, callCost } from '../analysis/cost.js';
import { imageSources, loadImages } from '../cases/images.js';
import { fileHash, loadDataset } from '../cases/load.js';
import { shuffledCases } from '../cases/order.js';
import { sampleCases, shardCases } from '../cases/select.js';
import { UsageError } from '../errors.js';
import type { SubmittedBatch } from '../execute/batch.js';
import { densityNote, estimateCost, estimateEmbeddings, tokenDensities } from '../execute/budget.js';
import { ResponseCache } from '../execute/cache.js';
import type { Target } from '../execute/fan-out.js';
import { money } from '../format.js';
import { estimateJudging } from '../judge/estimate.js';
import { type Judging, prepareJudging } from '../judge/setup.js';
import { retirementNote } from '../models/lifecycle.js';
import { minCacheableTokens } from '../models/prompt-cache.js';
import { buildRequest, compileTemplate, type PromptPlan, promptText, render, sharedPrefix, templateVariables } from '../prompts/render.js';
import { NOT_RUN, SETUP_FAILURES } from '../providers/failures.js';
import { createProvider, type Provider } from '../providers/provider.js';
import { type StructuredOutput, structuredOutput } from '../providers/structured.js';
import { proxyFromEnv } from '../providers/transport.js';
import { headerLine } from '../report/header.js';
import { type Destinations, destinations } from '../report/outputs.js';
import { outputError } from '../report/write.js';
import type { EmbeddingScorer } from '../scoring/embedding.js';
import type { AnswerSchema } from '../scoring/schema.js';
import { labelSet, type Scorer } from '../scoring/scorers.js';
import type { Case, CaseRecord, CaseResult, ChatRequest, Dataset, ModelSpec, Report, ScorerSource } from '../types.js';
import { openEmbeddingScorer } from './embedding.js';
import type { Resume, RunDeps, RunExtras, RunPlan } from './plan.js';
import { refusalWanted } from './score.js';
import { chooseScorer, schemaOf } from './scorer.js';

/** A run checked and ready to call: what the later stages read. */
export interface Prepared {
  plan: RunPlan;
  id: string;
  dataset: Dataset;
  /** The run's prompt (with variants, the first variant's). */
  prompts: PromptPlan;
  /** Per model (contestant): the prompt it sends. */
  contestantPrompts: PromptPlan[];
  /** The cases as the report records them. */
  cases: CaseRecord[];
  scorer: Scorer;
  /** `--scorer embedding`: the scorer again, for what its calls took (the report) and its cache (closed after scoring). */
  embedding?: EmbeddingScorer;
  /** A scorer that is not built in, as the report records it. */
  scorerSource?: ScorerSource;
  /** `--schema`, compiled. */
  answerSchema?: AnswerSchema;
  providers: Provider[];
  targets: Target[];
  /** `--judge`: the judges, ready to call. */
  judging?: Judging;
  /** The request for a case, as model `m` sends it. */
  request: (c: Case, m: number) => ChatRequest;
  cache?: ResponseCache;
  cacheKey: (m: number, req: ChatRequest, sample: number) => string;
  /** Per model, by job: results an interrupted attempt at this run already paid for. */
  known: Array<Map<number, CaseResult>>;
  /** --batch: batches an interrupted attempt submitted and did not read to the end. */
  openBatches?: SubmittedBatch[];
  datasetHash: string;
  destinations: Destinations;
  /** Warnings said before the first call, kept in the report's notes. */
  notes: string[];
  /** --max-cost less the scoring embeddings (paid, and estimated to come): where the candidates' and judges' calls stop. */
  budget?: number;
}

export async function prepare(
  plan: RunPlan,
  deps: RunDeps,
  { resume, followUp }: RunExtras,
  { id, journalPath }: { id: string; journalPath: string },
): Promise<Prepared> {
  const { dataset, prompts, contestantPrompts, cases, selected } = await loadCases(plan);
  if (followUp !== undefined) checkFollowUp(followUp, cases, plan, dataset.idColumn);
  // A misspelt --expect-refusal would silently score every refusal 0.
  if (plan.expectRefusal !== undefined && !dataset.cases.some((c) => refusalWanted(c, plan.expectRefusal))) {
    const seen = [...new Set(dataset.cases.map((c) => c.expected))].slice(0, 5).map((e) => JSON.stringify(e));
    throw new UsageError(
      'E_EXPECT_REFUSAL',
      `--expect-refusal ${plan.expectRefusal}: no case of ${dataset.path} expects it (its ${dataset.expectedColumn} column has ${seen.join(', ')}…)`,
      `give the expected answer your data uses for "should refuse", exactly as it is written there`,
    );
  }
  const answerSchema = await schemaOf(plan);
  const chosen = await chooseScorer(plan, dataset, deps.env, answerSchema);
  const leak = leakNote(contestantPrompts, dataset.expectedColumn);
  const caching = promptCacheNotes(plan, contestantPrompts);
  const keys = apiKeys(plan.models, deps.env);
  const datasetHash = await fileHash(plan.datasetPath);
  // Before anything is paid for: a report that could not be written would lose it all.
  const to = await destinations(plan, id, deps.cwd, deps.env);

  // Said once, before anything is sent (the SDK would say it on every call), and kept in the report.
  const retiring = plan.models.flatMap((spec) => retirementNote(spec) ?? []);
  for (const note of [...retiring, ...caching]) deps.stderr.write(`warning: ${note}\n`);

  const structured = answerSchema !== undefined && plan.schema?.send === true ? structuredOutput(answerSchema.schema, answerSchema.given) : undefined;
  const providers = await openProviders(plan, deps.env, keys, structured, contestantPrompts);
  if (plan.batch === true) checkBatch(plan.models, providers);
  const targets: Target[] = plan.models.map((spec, m) => {
    // A batch is billed at the batch rates (checked above: every priced model has one).
    const prices = plan.batch === true && spec.prices !== null ? batchPrices(spec.prices)! : spec.prices;
    const samples = plan.cascade?.cheap === spec.name ? Math.max(plan.repeats, plan.cascade.samples) : plan.repeats;
    return { spec, provider: providers[m]!, samples, cost: (u) => callCost(u, prices) };
  });
  const judging = plan.judge === undefined ? undefined : await prepareJudging(plan.judge, dataset, deps.env, plan);
  const cache = plan.cache === null ? undefined : await openCache(plan.cache);
  const embedding = chosen.scorer === undefined ? await openEmbeddingScorer(plan, deps.env, dataset.cases, journalPath).catch(closing(cache)) : undefined;
  const prepared: Prepared = {
    plan,
    id,
    dataset,
    prompts,
    contestantPrompts,
    cases,
    scorer: chosen.scorer ?? embedding!,
    ...(embedding !== undefined && { embedding }),
    ...(chosen.source !== undefined && { scorerSource: chosen.source }),
    ...(answerSchema !== undefined && { answerSchema }),
    providers,
    targets,
    ...(judging !== undefined && { judging }),
    request: (c, m) => buildRequest(contestantPrompts[m] ?? prompts, c),
    ...(cache !== undefined && { cache }),
    cacheKey: (m, req, sample) => ResponseCache.key(plan.models[m]!, req, sample, providers[m]!.sent),
    known: knownResults(resume, targets, dataset.cases.length),
    ...(resume?.batches !== undefined && { openBatches: resume.batches }),
    datasetHash,
    destinations: to,
    notes: [...selected, ...retiring, ...caching, ...(leak === undefined ? [] : [leak])],
  };
  const budget = plan.maxCost === undefined ? undefined : await checkBudget(prepared, plan.maxCost, deps, resume);

  // Said once everything is checked, just before the first call.
  if (!plan.quiet) {
    deps.stderr.write(
      headerLine({
        file: relative(deps.cwd, dataset.path) || dataset.path,
        dataset,
        scorer: plan.judge === undefined ? chosen.name : `judge (${plan.judge.mode}, by ${plan.judge.models.map((m) => m.name).join(' and ')})`,
        ...(chosen.why !== undefined && plan.judge === undefined && { why: chosen.why }),
        ...(chosen.name === 'label' && plan.judge === undefined && { labels: labelSet(dataset.cases) }),
        ...(plan.prompt !== undefined && { template: [...new Set(templateVariables(plan.prompt))] }),
        ...(plan.suite !== undefined && { suite: plan.suite }),
      }),
    );
  }
  if (leak !== undefined) deps.stderr.write(`warning: ${leak} (remove {{${dataset.expectedColumn}}}, or name the real answer with --expected-col)\n`);
  return budget === undefined ? prepared : { ...prepared, budget };
}

async function loadCases(
  plan: Pick<
    RunPlan,
    'datasetPath' | 'load' | 'prompt' | 'prompts' | 'system' | 'temperature' | 'models' | 'tools' | 'toolChoice' | 'sample' | 'shard' | 'sequential'
  >,
) {
  const { dataset, selected } = selectCases(await loadDataset(plan.datasetPath, plan.load), plan);
  // After the sample and the shard, before anything refers to a case by its index (images, the records, the journal's results).
  if (plan.sequential !== undefined) dataset.cases = shuffledCases(dataset.cases, plan.sequential.seed);
  if (dataset.messagesColumn !== undefined && (plan.prompt !== undefined || plan.prompts !== undefined)) {
    const flag = plan.prompts !== undefined ? '--prompts' : '--prompt';
    throw new UsageError(
      'E_PROMPT_MESSAGES',
      `${flag}: ${dataset.path} has a \`${dataset.messagesColumn}\` column, and a conversation is sent as written`,
      `drop ${flag} and put the instruction in the messages (or in --system, which goes before each conversation)`,
    );
  }
  const shaped = dataset.cases.some((c) => imageSources(c).length > 0);
  const images = shaped
    ? await loadImages(dataset.cases, dataset.path, dataset.imageColumn ?? dataset.messagesColumn ?? 'image', new Set(plan.models.map((m) => m.api)))
    : undefined;
  const system = plan.system === undefined ? undefined : compileTemplate(plan.system, dataset.columns, '--system');
  const promptPlan = (user: string, origin: string, own?: string): PromptPlan => ({
    user: compileTemplate(user, dataset.columns, origin),
    ...(own !== undefined ? { system: compileTemplate(own, dataset.columns, `${origin} (system)`) } : system !== undefined && { system }),
    ...(plan.temperature !== undefined && { temperature: plan.temperature }),
    ...(images !== undefined && { images }),
    ...(plan.tools !== undefined && { tools: plan.tools }),
    ...(plan.toolChoice !== undefined && { toolChoice: plan.toolChoice }),
  });
  // Prompt variants: each contestant sends its variant's; the request of one case is built as ever.
  const user = plan.prompt ?? `{{${dataset.inputColumn}}}`;
  const variants = new Map((plan.prompts ?? []).map((v) => [v.name, promptPlan(v.prompt ?? user, v.origin, v.system)]));
  const prompts = [...variants.values()][0] ?? promptPlan(user, '--prompt');
  const contestantPrompts = plan.models.map((m) => (m.prompt === undefined ? undefined : variants.get(m.prompt)) ?? prompts);
  // As the report records them; a follow-up pairs the pilot's cases with them.
  const systemVaries = prompts.system !== undefined && prompts.system.parts.length > 1;
  const cases: CaseRecord[] = dataset.cases.map((c) => {
    const vars = c.vars;
    // A conversation or an image: the prompt as sent, turn by turn, each image by source and hash.
    const request = c.messages !== undefined || c.images !== undefined ? buildRequest(prompts, c) : undefined;
    const system = request !== undefined ? request.system : systemVaries && prompts.system ? render(prompts.system, vars) : undefined;
    return {
      id: c.id,
      line: c.line,
      expected: c.expected,
      ...(c.category !== undefined && { category: c.category }),
      ...(c.cluster !== undefined && { cluster: c.cluster }),
      prompt: request !== undefined ? promptText(request) : render(prompts.user, vars),
      ...(system !== undefined && (request === undefined || system !== plan.system) && { system }),
    };
  });
  return { dataset, prompts, contestantPrompts, cases, selected };
}

/** `--sample` then `--shard`: the cases the run uses, and what the report's notes say of the choice. */
function selectCases(loaded: Dataset, { sample, shard }: Pick<RunPlan, 'sample' | 'shard'>): { dataset: Dataset; selected: string[] } {
  const notes: string[] = [];
  let cases = loaded.cases;
  if (sample !== undefined) {
    const drawn = sampleCases(cases, sample);
    const by = loaded.categoryColumn === undefined ? '' : `, stratified by ${loaded.categoryColumn}`;
    const empty = drawn.strata.filter((s) => s.taken === 0 && s.of > 0);
    notes.push(
      drawn.cases.length === cases.length
        ? `--sample ${sample.size}: the file has ${cases.length.toLocaleString('en-US')} cases, all used`
        : `--sample ${sample.size} --seed ${sample.seed}: ${drawn.cases.length.toLocaleString('en-US')} of ${cases.length.toLocaleString('en-US')} cases${by}` +
            (loaded.categoryColumn === undefined ? '' : ` (${drawn.strata.map((s) => `${s.category ?? 'no category'} ${s.taken} of ${s.of}`).join(', ')})`) +
            (empty.length === 0 ? '' : `; fewer cases than categories: ${empty.map((s) => s.category ?? 'no category').join(', ')} not in the sample`),
    );
    cases = drawn.cases;
  }
  if (shard !== undefined) {
    const slice = shardCases(cases, shard);
    if (slice.length === 0) {
      throw new UsageError(
        'E_SHARD',
        `--shard ${shard.index}/${shard.count}: no case of the ${cases.length.toLocaleString('en-US')} falls in this shard`,
        `use fewer shards (cases are dealt by a hash of their id: about ${Math.floor(cases.length / shard.count)} a shard)`,
      );
    }
    notes.push(
      `--shard ${shard.index}/${shard.count}: ${slice.length.toLocaleString('en-US')} of ${cases.length.toLocaleString('en-US')} cases; tierbench merge combines the shards' reports`,
    );
    cases = slice;
  }
  return { dataset: { ...loaded, cases }, selected: notes };
}

/**
 * `--prompt-cache` that would do nothing, said before the first call: no prefix shared by the
 * cases, or one shorter than the model caches (then the API ignores the breakpoint, silently).
 * The length is estimated at four characters a token, before any call; Claude's tokenizers count
 * more than that, so a prefix estimated just under the minimum may still be cached: the warning
 * errs toward speaking.
 */
function promptCacheNotes(plan: RunPlan, prompts: readonly PromptPlan[]): string[] {
  if (plan.promptCache === false) return [];
  const notes = new Set<string>();
  for (const [m, spec] of plan.models.entries()) {
    const prompt = prompts[m];
    if (spec.api !== 'anthropic' || prompt === undefined) continue;
    const shared = sharedPrefix(prompt);
    const chars = (shared.system ? (prompt.system?.source.length ?? 0) : 0) + shared.userPrefix.length;
    const min = minCacheableTokens(spec.id);
    if (chars === 0) {
      notes.add(
        `--prompt-cache: ${spec.name}'s cases share no prefix (the system prompt has variables or is absent, and the prompt template starts with one): nothing can be cached`,
      );
    } else if (Math.ceil(chars / 4) < min) {
      notes.add(
        `--prompt-cache: the prefix ${spec.name}'s cases share is about ${Math.ceil(chars / 4).toLocaleString('en-US')} tokens, below the ${min.toLocaleString('en-US')} ${spec.id} caches: nothing will be cached (put the long static part — examples, a document — in the system prompt or before the template's first variable)`,
      );
    }
  }
  return [...notes];
}

/** A prompt that shows the expected answer measures nothing: warned before the first call, and kept in the notes. */
function leakNote(prompts: readonly PromptPlan[], expectedColumn: string): string | undefined {
  const leaks = [
    ['--prompt', prompts.map((p) => p.user)],
    ['--system', prompts.map((p) => p.system)],
  ] as const;
  const leak = leaks.filter(([, ts]) => ts.some((t) => t !== undefined && templateVariables(t.source).includes(expectedColumn))).map(([flag]) => flag);
  if (leak.length === 0) return undefined;
  return `${leak.join(' and ')} show${leak.length === 1 ? 's' : ''} the model the expected-answer column \`${expectedColumn}\`: it is told the answer it is scored on`;
}

function apiKeys(models: readonly ModelSpec[], env: RunDeps['env']): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of models) {
    if (m.apiKeyEnv === undefined) continue;
    const key = env[m.apiKeyEnv];
    if (key === undefined || key.trim() === '') {
      throw new UsageError(
        'E_NO_KEY',
        `--models ${m.name}: ${m.apiKeyEnv} is not set`,
        `export ${m.apiKeyEnv}=<your key>, or run \`tierbench demo\` to try tierbench offline`,
      );
    }
    keys.set(m.name, key.trim());
  }
  return keys;
}

function openProviders(
  plan: RunPlan,
  env: RunDeps['env'],
  keys: ReadonlyMap<string, string>,
  structured: StructuredOutput | undefined,
  prompts: readonly PromptPlan[],
): Promise<Provider[]> {
  // From the run's environment, not the process's; never recorded (a proxy URL can hold a password).
  const proxy = proxyFromEnv(env);
  return Promise.all(
    plan.models.map((spec, m) =>
      createProvider(spec, {
        // Local servers take no key, but the SDKs insist on one.
        apiKey: keys.get(spec.name) ?? 'none',
        maxRetries: plan.maxRetries,
        timeoutMs: plan.timeoutMs,
        deadlineMs: plan.deadlineMs,
        ...(proxy !== undefined && { proxy }),
        stream: plan.stream,
        ...(plan.promptCache !== false && prompts[m] !== undefined && { promptCache: { ttl: plan.promptCache, ...sharedPrefix(prompts[m]) } }),
        logprobs: plan.cascade?.cheap === spec.name,
        ...(plan.temperature !== undefined && { temperature: plan.temperature }),
        ...(plan.anthropicVersion !== undefined && { anthropicVersion: plan.anthropicVersion }),
        ...(structured !== undefined && { structured }),
      }),
    ),
  );
}

/**
 * --batch: every model must have a batch API, and a batch rate when it is priced — refused before
 * anything is paid, rather than mixing live calls (measured, full price) into a batch run.
 */
function checkBatch(models: readonly ModelSpec[], providers: readonly Provider[]): void {
  models.forEach((spec, m) => {
    if (providers[m]?.batch === undefined) {
      throw new UsageError(
        'E_BATCH',
        `--batch: ${spec.name} (endpoint ${spec.endpoint}) has no batch API: only Anthropic's and OpenAI's own APIs do`,
        `drop --batch, or run ${spec.name} in a run of its own without it`,
      );
    }
    if (spec.prices !== null && spec.prices.batch === undefined) {
      throw new UsageError(
        'E_BATCH',
        `--batch: ${spec.name} has no batch rate in the price table`,
        `give one in tierbench.config.json, e.g. "prices": {"${spec.id}": {"batch": 0.5, "source": "<where it is from>"}}, or drop --batch`,
      );
    }
  });
}

/** Results already paid for in an earlier, interrupted attempt at this run, per model by job. */
function knownResults(resume: Resume | undefined, targets: readonly Target[], cases: number): Array<Map<number, CaseResult>> {
  const known = targets.map(() => new Map<number, CaseResult>());
  for (const { m, r } of resume?.results ?? []) {
    const samples = targets[m]?.samples ?? 1;
    // What stopped a model (a bad key, no credit, a wrong id) is asked again once it is fixed; a batch request that never ran (expired, canceled) is submitted again.
    if (r.error !== undefined && (SETUP_FAILURES.has(r.error.kind) || NOT_RUN.has(r.error.kind))) continue;
    if (known[m] && r.caseIndex < cases && r.sample < samples) known[m]!.set(r.caseIndex * samples + r.sample, r);
  }
  return known;
}

/**
 * --max-cost: the estimate said before the first call (the candidates', the judges' and the
 * embeddings' calls), and a refusal when it is over (unless --yes). Returns what the candidates'
 * and judges' calls may spend: the limit less the embeddings, paid and to come.
 */
async function checkBudget(prepared: Prepared, maxCost: number, deps: Pick<RunDeps, 'stderr'>, resume: Resume | undefined): Promise<number> {
  const { plan, dataset, targets, request, known, cache, cacheKey, embedding } = prepared;
  const densities = await tokenDensities(targets, dataset.cases, request);
  const estimate = estimateCost(
    dataset.cases,
    targets,
    request,
    (m, c, req, sample) => known[m]?.has(c.index * (targets[m]?.samples ?? 1) + sample) === true || cache?.get(cacheKey(m, req, sample)) !== undefined,
    densities,
  );
  const judges = estimateJudging(prepared, resume);
  const embeddings = embedding === undefined ? undefined : estimateEmbeddings(dataset.cases, targets, embedding.spec.prices);
  const reserved = (embedding?.paid ?? 0) + (embeddings ?? 0);
  const unpriced = [...estimate.unpriced, ...judges.unpriced, ...(embeddings === null ? [embedding!.spec.name] : [])];
  const count = (n: number): string => n.toLocaleString('en-US');
  const line =
    `estimated cost ${money(estimate.typical + judges.typical + reserved)} (at most ${money(estimate.ceiling + judges.ceiling + reserved)} if every answer used max_tokens) for ${count(estimate.calls - estimate.cachedCalls)} calls` +
    (estimate.cachedCalls > 0 ? ` (${count(estimate.cachedCalls)} more answered from cache)` : '') +
    (judges.calls > 0 ? `, of it ${money(judges.typical)} for ${count(judges.calls - judges.settled)} judge calls` : '') +
    (embedding !== undefined && embeddings !== null ? `, ${money(reserved)} for scoring embeddings` : '') +
    (unpriced.length > 0 ? `; ${unpriced.join(', ')} unpriced, not included` : '') +
    `; ${densityNote(targets, densities)}`;
  if (estimate.typical + judges.typical + reserved > maxCost && !plan.yes) {
    cache?.close();
    embedding?.close();
    throw new UsageError(
      'E_BUDGET',
      `--max-cost ${maxCost}: ${line}`,
      'raise --max-cost, run fewer cases (--limit) or models, or pass --yes to start anyway (spending still stops at the limit)',
    );
  }
  if (!plan.quiet) deps.stderr.write(`${line}; budget ${money(maxCost)}\n`);
  return maxCost - reserved;
}

/** A follow-up asks the pilot's question again on more cases: checked before any call. */
function checkFollowUp(
  { report: pilot, path }: { report: Report; path: string },
  cases: readonly CaseRecord[],
  plan: RunPlan,
  idColumn: string | undefined,
): void {
  const flag = `--follow-up ${path}`;
  if (pilot.recommendation.look?.number === 2) {
    throw new UsageError(
      'E_FOLLOW_UP',
      `${flag}: that run was itself a follow-up, and a third look is not offered`,
      'decide on it as it is, or start a fresh benchmark on new cases (without --follow-up)',
    );
  }
  if (pilot.sequential !== undefined) {
    throw new UsageError(
      'E_FOLLOW_UP',
      `${flag}: that run was sequential, and spent its whole error budget over its looks`,
      'decide on it as it is, or start a fresh benchmark on new cases (without --follow-up)',
    );
  }
  if (pilot.recommendation.tolerancePp !== plan.tolerancePp) {
    throw new UsageError(
      'E_FOLLOW_UP',
      `${flag}: the pilot was decided at --tolerance ${pilot.recommendation.tolerancePp}, this run at ${plan.tolerancePp}`,
      `run with --tolerance ${pilot.recommendation.tolerancePp}: a follow-up asks the pilot's question again`,
    );
  }
  const missing = missingPilotCases(pilot, cases, plan.system, idColumn);
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new UsageError(
      'E_FOLLOW_UP',
      `${flag}: ${missing.length.toLocaleString('en-US')} of the pilot's ${pilot.cases.length.toLocaleString('en-US')} cases are not in this data, or are sent differently (first: ${pilot.dataset.path}:${first.line})`,
      "a follow-up keeps every pilot case, prompts unchanged, and adds new ones: append the new cases to the pilot's file",
    );
  }
  if (cases.length <= pilot.cases.length) {
    throw new UsageError(
      'E_FOLLOW_UP',
      `${flag}: this data has no case the pilot did not have`,
      "append new cases to the data (the pilot's report said about how many)",
    );
  }
}

/** Closes the response cache on the way out of a failure. */
const closing =
  (cache: ResponseCache | undefined) =>
  (err: unknown): never => {
    cache?.close();
    throw err;
  };

/** The response cache; a folder that cannot hold it is one line naming --cache-dir, before any call. */
async function openCache({ dir, ttlMs }: { dir: string; ttlMs: number }): Promise<ResponseCache> {
  try {
    return await ResponseCache.open(dir, ttlMs);
  } catch (err) {
    throw outputError('--cache-dir', dir, err);
  }
}
