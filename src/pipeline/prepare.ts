// The first stage: everything a run can check before anything is paid for. It loads and checks the
// cases, prompts and scorer, the keys, every output path and the budget, then says what it will do.
import { relative } from 'node:path';
import { missingPilotCases } from '../analysis/across.js';
import { callCost } from '../analysis/cost.js';
import { imageSources, loadImages } from '../cases/images.js';
import { fileHash, loadDataset } from '../cases/load.js';
import { shuffledCases } from '../cases/order.js';
import { UsageError } from '../errors.js';
import { densityNote, estimateCost, tokenDensities } from '../execute/budget.js';
import { ResponseCache } from '../execute/cache.js';
import type { Target } from '../execute/fan-out.js';
import { money } from '../format.js';
import { type Judging, prepareJudging } from '../judge/setup.js';
import { retirementNote } from '../models/lifecycle.js';
import { buildRequest, compileTemplate, type PromptPlan, promptText, render, templateVariables } from '../prompts/render.js';
import { SETUP_FAILURES } from '../providers/failures.js';
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
  datasetHash: string;
  destinations: Destinations;
  /** Warnings said before the first call, kept in the report's notes. */
  notes: string[];
}

export async function prepare(plan: RunPlan, deps: RunDeps, { resume, followUp }: RunExtras, id: string): Promise<Prepared> {
  const { dataset, prompts, contestantPrompts, cases } = await loadCases(plan);
  if (followUp !== undefined) checkFollowUp(followUp, cases, plan, dataset.idColumn);
  const answerSchema = await schemaOf(plan);
  const chosen = await chooseScorer(plan, dataset, deps.env, answerSchema);
  const leak = leakNote(contestantPrompts, dataset.expectedColumn);
  const keys = apiKeys(plan.models, deps.env);
  const datasetHash = await fileHash(plan.datasetPath);
  // Before anything is paid for: a report that could not be written would lose it all.
  const to = await destinations(plan, id, deps.cwd, deps.env);

  // Said once, before anything is sent (the SDK would say it on every call), and kept in the report.
  const retiring = plan.models.flatMap((spec) => retirementNote(spec) ?? []);
  for (const note of retiring) deps.stderr.write(`warning: ${note}\n`);

  const structured = answerSchema !== undefined && plan.schema?.send === true ? structuredOutput(answerSchema.schema, answerSchema.given) : undefined;
  const providers = await openProviders(plan, deps.env, keys, structured);
  const targets: Target[] = plan.models.map((spec, m) => {
    const prices = spec.prices;
    const samples = plan.cascade?.cheap === spec.name ? Math.max(plan.repeats, plan.cascade.samples) : plan.repeats;
    return { spec, provider: providers[m]!, samples, cost: (u) => callCost(u, prices) };
  });
  const judging = plan.judge === undefined ? undefined : await prepareJudging(plan.judge, dataset, deps.env, plan);
  const cache = plan.cache === null ? undefined : await openCache(plan.cache);
  const embedding = chosen.scorer === undefined ? await openEmbeddingScorer(plan, deps.env, dataset.cases).catch(closing(cache)) : undefined;
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
    datasetHash,
    destinations: to,
    notes: [...retiring, ...(leak === undefined ? [] : [leak])],
  };
  if (plan.maxCost !== undefined) await checkBudget(prepared, plan.maxCost, deps);

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
  return prepared;
}

async function loadCases(
  plan: Pick<RunPlan, 'datasetPath' | 'load' | 'prompt' | 'prompts' | 'system' | 'temperature' | 'models' | 'tools' | 'toolChoice' | 'sequential'>,
) {
  const dataset = await loadDataset(plan.datasetPath, plan.load);
  // Before anything refers to a case by its index (images, the records, the journal's results).
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
      prompt: request !== undefined ? promptText(request) : render(prompts.user, vars),
      ...(system !== undefined && (request === undefined || system !== plan.system) && { system }),
    };
  });
  return { dataset, prompts, contestantPrompts, cases };
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

function openProviders(plan: RunPlan, env: RunDeps['env'], keys: ReadonlyMap<string, string>, structured?: StructuredOutput): Promise<Provider[]> {
  // From the run's environment, not the process's; never recorded (a proxy URL can hold a password).
  const proxy = proxyFromEnv(env);
  return Promise.all(
    plan.models.map((spec) =>
      createProvider(spec, {
        // Local servers take no key, but the SDKs insist on one.
        apiKey: keys.get(spec.name) ?? 'none',
        maxRetries: plan.maxRetries,
        timeoutMs: plan.timeoutMs,
        deadlineMs: plan.deadlineMs,
        ...(proxy !== undefined && { proxy }),
        stream: plan.stream,
        promptCache: plan.promptCache,
        logprobs: plan.cascade?.cheap === spec.name,
        ...(plan.temperature !== undefined && { temperature: plan.temperature }),
        ...(plan.anthropicVersion !== undefined && { anthropicVersion: plan.anthropicVersion }),
        ...(structured !== undefined && { structured }),
      }),
    ),
  );
}

/** Results already paid for in an earlier, interrupted attempt at this run, per model by job. */
function knownResults(resume: Resume | undefined, targets: readonly Target[], cases: number): Array<Map<number, CaseResult>> {
  const known = targets.map(() => new Map<number, CaseResult>());
  for (const { m, r } of resume?.results ?? []) {
    const samples = targets[m]?.samples ?? 1;
    // What stopped a model (a bad key, no credit, a wrong id) is asked again once it is fixed.
    if (r.error !== undefined && SETUP_FAILURES.has(r.error.kind)) continue;
    if (known[m] && r.caseIndex < cases && r.sample < samples) known[m]!.set(r.caseIndex * samples + r.sample, r);
  }
  return known;
}

/** --max-cost: the estimate said before the first call, and a refusal when it is over (unless --yes). */
async function checkBudget(
  { plan, dataset, targets, request, known, cache, cacheKey, embedding }: Prepared,
  maxCost: number,
  deps: Pick<RunDeps, 'stderr'>,
): Promise<void> {
  const densities = await tokenDensities(targets, dataset.cases, request);
  const estimate = estimateCost(
    dataset.cases,
    targets,
    request,
    (m, c, req, sample) => known[m]?.has(c.index * (targets[m]?.samples ?? 1) + sample) === true || cache?.get(cacheKey(m, req, sample)) !== undefined,
    densities,
  );
  const line =
    `estimated cost ${money(estimate.typical)} (at most ${money(estimate.ceiling)} if every answer used max_tokens) for ${(estimate.calls - estimate.cachedCalls).toLocaleString('en-US')} calls` +
    (estimate.cachedCalls > 0 ? ` (${estimate.cachedCalls.toLocaleString('en-US')} more answered from cache)` : '') +
    (estimate.unpriced.length > 0 ? `; ${estimate.unpriced.join(', ')} unpriced, not included` : '') +
    `; ${densityNote(targets, densities)}`;
  if (estimate.typical > maxCost && !plan.yes) {
    cache?.close();
    embedding?.close();
    throw new UsageError(
      'E_BUDGET',
      `--max-cost ${maxCost}: ${line}`,
      'raise --max-cost, run fewer cases (--limit) or models, or pass --yes to start anyway (spending still stops at the limit)',
    );
  }
  if (!plan.quiet) deps.stderr.write(`${line}; budget ${money(maxCost)}\n`);
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
