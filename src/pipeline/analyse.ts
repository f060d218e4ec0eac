// The fourth stage: scored results → the report. Pure: summaries, the recommendation, routing,
// the cascade, projections and the gate, from data the earlier stages returned.
import { summarize } from '../analysis/aggregate.js';
import { confusion } from '../analysis/confusion.js';
import { callCost } from '../analysis/cost.js';
import { sequentialAlpha } from '../analysis/looks.js';
import { buildMatrix, type ScoreMatrix } from '../analysis/matrix.js';
import { outcomeNotes } from '../analysis/outcomes.js';
import { fileProblem } from '../errors.js';
import { money } from '../format.js';
import { type GateRules, hasRules, runGate } from '../gate/gate.js';
import { cascadeFromResults, cascadeHeadline } from '../recommend/cascade.js';
import { candidateAlpha, DECISION_LEVEL, settled } from '../recommend/decide.js';
import { projections } from '../recommend/projections.js';
import { recommend } from '../recommend/recommend.js';
import { routingTable } from '../recommend/routing.js';
import type { EmbeddingTally } from '../scoring/embedding.js';
import { defaultScorer, labelSet } from '../scoring/scorers.js';
import type {
  Case,
  CaseResult,
  Decision,
  EmbeddingUsage,
  Failure,
  JudgeReport,
  ModelSpec,
  ModelSummary,
  Recommendation,
  Report,
  RunSettings,
  SequentialReport,
} from '../types.js';
import type { Collected } from './collect.js';
import { type RunPlan, reportedModel, safeUrl } from './plan.js';
import type { Prepared } from './prepare.js';

/** What analysis reads of the prepared run: data only. */
export type Analysed = Pick<Prepared, 'plan' | 'dataset' | 'prompts' | 'cases' | 'notes' | 'scorerSource' | 'answerSchema' | 'datasetHash'> & {
  scorer: { readonly name: string };
};

/** When and by what the run was made, and what it is judged against. */
export interface RunFacts {
  id: string;
  version: string;
  startedAt: Date;
  finishedAt: Date;
  /** Over every segment of a resumed run. */
  durationMs: number;
  /** Notes the run's providers took while calling (a server that ignored a setting, …). */
  providerNotes: string[];
  /** Why the response cache could not be written, if it could not. */
  cacheFailure?: unknown;
  followUp?: { report: Report };
  gate?: GateRules;
  /** `--scorer embedding`: its model, and what its calls took. */
  embedding?: { spec: ModelSpec; tally: EmbeddingTally };
  /** `--judge`: the judging pass's section of the report. */
  judge?: JudgeReport;
  /** `--sequential`: which look this is (1-based), the cases at each look and in all, and the verdicts earlier looks reached. */
  sequential?: { look: number; sizes: readonly number[]; plannedCases: number; decided: readonly Decision[] };
}

export function analyse(prepared: Analysed, collected: Omit<Collected, 'results'>, results: readonly CaseResult[][], facts: RunFacts): Report {
  const { plan, dataset } = prepared;
  const notes = [...prepared.notes, ...facts.providerNotes, ...callNotes(plan, collected, facts.cacheFailure)];
  const perModel = plan.models.map((spec, m) => ({ model: spec.name, results: results[m] ?? [], priced: spec.prices !== null }));
  const clusters = clusterIds(dataset.cases);
  const summaries = plan.models.map((spec, m) => summarize(spec, perModel[m]!.results, dataset.cases, clusters));
  notes.push(...outcomeNotes(summaries, (model) => plan.models.find((m) => m.name === model)?.maxTokens ?? 0));
  if (plan.batch === true) notes.push(...batchSaving(plan.models, perModel));
  const matrix = buildMatrix(dataset.cases.length, perModel, clusters);
  const recommendation = recommend(summaries, matrix, {
    tolerancePp: plan.tolerancePp,
    level: DECISION_LEVEL,
    ...(plan.reference !== undefined && { reference: plan.reference }),
    ...(facts.followUp !== undefined && { pilotCases: facts.followUp.report.dataset.cases }),
    ...(facts.sequential !== undefined && {
      sequential: {
        fractions: facts.sequential.sizes.map((n) => n / facts.sequential!.plannedCases),
        look: facts.sequential.look,
        decided: facts.sequential.decided,
      },
    }),
  });
  const stopped = [...collected.stopped.keys()].map((m) => plan.models[m]?.name ?? String(m));
  if (stopped.length > 0) recommendation.caveats.unshift(`${stopped.join(', ')} stopped early: the recommendation is over the other models only`);

  const routing = routingFor(plan, matrix, dataset.cases, recommendation.reference);
  const labels = prepared.scorer.name === 'label' ? labelSet(dataset.cases) : undefined;
  const classes = labels ?? (LABEL_LIKE.has(prepared.scorer.name) && defaultScorer(dataset.cases).name === 'label' ? labelSet(dataset.cases) : undefined);
  if (classes !== undefined) {
    for (const [m, s] of summaries.entries()) s.classes = confusion(classes, perModel[m]!.results, dataset.cases);
  }
  const cascade =
    plan.cascade === undefined
      ? undefined
      : cascadeFromResults(plan.cascade, perModel, dataset.cases.length, labels, plan.tolerancePp, DECISION_LEVEL, clusters);
  if (cascade !== undefined) headlineCascade(recommendation, cascade, summaries, plan.tolerancePp);
  const projected =
    plan.volume === undefined
      ? undefined
      : projections(plan.volume.text, plan.volume.casesPerDay, matrix.columns, {
          ...(recommendation.recommended !== null && { recommended: recommendation.recommended }),
          ...(routing !== undefined && { routingPerCase: routing.blended.costPerCase }),
          ...(cascade?.best && { cascadePerCase: cascade.best.costPerCase }),
        });

  const report: Report = {
    schemaVersion: 8,
    tool: { name: 'tierbench', version: facts.version },
    run: {
      id: facts.id,
      startedAt: facts.startedAt.toISOString(),
      finishedAt: facts.finishedAt.toISOString(),
      durationMs: Math.round(facts.durationMs),
      simulated: plan.simulated || collected.simulated,
      status: collected.stopReason ?? (collected.stopped.size > 0 ? 'partial' : 'complete'),
    },
    dataset: {
      path: dataset.path,
      sha256: prepared.datasetHash,
      cases: dataset.cases.length,
      columns: dataset.columns,
      inputColumn: dataset.inputColumn,
      expectedColumn: dataset.expectedColumn,
      ...(dataset.categoryColumn !== undefined && { categoryColumn: dataset.categoryColumn }),
      ...(dataset.clusterColumn !== undefined && { clusterColumn: dataset.clusterColumn }),
      ...(dataset.idColumn !== undefined && { idColumn: dataset.idColumn }),
      ...(labels !== undefined && { labels }),
    },
    settings: {
      ...recordedSettings(plan, prepared.scorerSource?.kind ?? prepared.scorer.name, prepared.prompts.user.source),
      ...(prepared.scorerSource !== undefined && { scorerSource: prepared.scorerSource }),
      ...(prepared.answerSchema !== undefined && {
        schema: { path: prepared.answerSchema.given, sha256: prepared.answerSchema.sha256, sent: plan.schema?.send === true },
      }),
    },
    models: plan.models.map(reportedModel),
    summaries,
    recommendation,
    ...(facts.sequential !== undefined && { sequential: sequentialReport(facts.sequential, recommendation, perModel) }),
    ...(routing !== undefined && { routing }),
    ...(cascade !== undefined && { cascade }),
    ...(projected !== undefined && { projections: projected }),
    ...(facts.embedding !== undefined && { embedding: embeddingUsage(facts.embedding.spec, facts.embedding.tally) }),
    ...(facts.judge !== undefined && { judge: facts.judge }),
    notes,
    cases: prepared.cases,
    // Not push(...mine): spreading 200,000 results overflows the stack.
    results: perModel.flatMap((p) => p.results),
  };
  if (facts.gate !== undefined && hasRules(facts.gate)) report.gate = runGate(report, facts.gate);
  return report;
}

/**
 * `--sequential`: the looks, where the run stopped, and what stopping there saved against running
 * every case: the calls of the cases not reached, and their cost at this run's cost per case.
 */
function sequentialReport(
  facts: NonNullable<RunFacts['sequential']>,
  recommendation: Recommendation,
  perModel: ReadonlyArray<{ results: readonly CaseResult[]; priced: boolean }>,
): SequentialReport {
  const fractions = facts.sizes.map((n) => n / facts.plannedCases);
  const share = candidateAlpha(DECISION_LEVEL, new Set(recommendation.comparisons.map((d) => d.model)).size);
  const cases = facts.sizes[facts.look - 1]!;
  const scale = facts.plannedCases / cases;
  const used = perModel.reduce((n, p) => n + p.results.length, 0);
  // Unknown is never $0: one unpriced model leaves the cost unknown.
  const cost = perModel.every((p) => p.priced) ? perModel.reduce((sum, p) => p.results.reduce((s, r) => s + (r.cost ?? 0), sum), 0) : null;
  return {
    spending: 'obrien-fleming',
    plannedCases: facts.plannedCases,
    looks: [...facts.sizes],
    alphas: fractions.map((_, k) => sequentialAlpha(share, fractions, k + 1)),
    stoppedAt: facts.look,
    decided: settled(recommendation.comparisons, recommendation.recommended),
    calls: { used, full: Math.round(used * scale) },
    cost: cost === null ? null : { used: cost, full: cost * scale, saved: cost * scale - cost },
  };
}

/** The embedding calls, priced at the model's input rate (no cost when it has none: unknown, never $0). */
function embeddingUsage(spec: ModelSpec, t: EmbeddingTally): EmbeddingUsage {
  const price = (tokens: number): number => (tokens * (spec.prices?.input ?? 0)) / 1e6;
  return {
    model: spec.name,
    id: spec.id,
    endpoint: spec.endpoint,
    ...t,
    tokens: Math.round(t.tokens),
    spentTokens: Math.round(t.spentTokens),
    cost: spec.prices === null ? null : { total: price(t.tokens), spent: price(t.spentTokens) },
  };
}

/** Scorers whose expected values may be a label set: with one, the report has each model's confusion matrix. */
const LABEL_LIKE: ReadonlySet<string> = new Set(['exact', 'normalized', 'contains']);

/** `--by`: the cheapest model good enough per group, against the reference. */
function routingFor(plan: RunPlan, matrix: ScoreMatrix, cases: readonly Case[], reference: string | null): Report['routing'] {
  if (plan.routingColumn === undefined || reference === null) return undefined;
  return routingTable(
    matrix,
    cases.map((c) => c.category),
    {
      column: plan.routingColumn,
      tolerancePp: plan.tolerancePp,
      level: DECISION_LEVEL,
      baseline: reference,
      ids: Object.fromEntries(plan.models.map((m) => [m.name, m.id])),
      ...(plan.reference !== undefined && { reference: plan.reference }),
    },
  );
}

/** What batch mode saved: the answers paid for in this run at the batch rates, and the same tokens at the live ones. */
function batchSaving(models: readonly ModelSpec[], perModel: ReadonlyArray<{ results: readonly CaseResult[] }>): string[] {
  let batch = 0;
  let live = 0;
  models.forEach((spec, m) => {
    if (spec.prices === null) return;
    for (const r of perModel[m]?.results ?? []) {
      if (r.cached === true || r.usage === null || r.cost === null) continue;
      batch += r.cost;
      live += callCost(r.usage, spec.prices) ?? 0;
    }
  });
  if (live <= 0) return [];
  return [
    `batch mode: ${money(batch)} paid at the batch rates; the same tokens at the live rates: ${money(live)} (saved ${money(live - batch)}, ${Math.round((1 - batch / live) * 100)} %)`,
  ];
}

/** What the calls left to say: a cache that could not be written, throttling, models that stopped. */
function callNotes(plan: RunPlan, { limits, stopped }: Pick<Collected, 'limits' | 'stopped'>, cacheFailure: unknown): string[] {
  const notes: string[] = [];
  if (cacheFailure !== undefined)
    notes.push(`the response cache in ${plan.cache?.dir} could not be written (${fileProblem(cacheFailure).reason}): answers from then on were not cached`);
  limits.forEach((l, m) => {
    const name = plan.models[m]?.name;
    const limits = pacedTo(l.advertised);
    // Every real provider advertises limits: worth a note only where they set the pace.
    if (limits !== undefined && l.pacedMs > 0)
      notes.push(`${name}: paced to the rate limits its provider advertised (${limits} a minute); request starts waited ${formatSeconds(l.pacedMs)} for them`);
    if (l.throttles > 0) notes.push(`${name}: throttled ${l.throttles} times (429/529); its concurrency adapted down to ${l.floor}`);
  });
  for (const [m, failure] of stopped) {
    const spec = plan.models[m];
    if (spec) notes.push(stopNote(spec, failure));
  }
  return notes;
}

/** "4,000 requests, 2,000,000 input tokens, 400,000 output tokens", or undefined when the provider advertised none. */
function pacedTo(advertised: Collected['limits'][number]['advertised']): string | undefined {
  const names = { requests: 'requests', tokens: 'tokens', input: 'input tokens', output: 'output tokens' } as const;
  const parts = (Object.keys(names) as Array<keyof typeof names>).flatMap((d) => {
    const n = advertised[d];
    return n === undefined ? [] : [`${n.toLocaleString('en-US')} ${names[d]}`];
  });
  return parts.length > 0 ? parts.join(', ') : undefined;
}

const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function stopNote(spec: ModelSpec, failure: Failure): string {
  // Batch requests that were never run: not the model's failure, and nothing to fix but to submit them again.
  if (failure.kind === 'expired' || failure.kind === 'canceled') return `${spec.name}: ${failure.message}`;
  const keyHint =
    failure.kind === 'auth' && spec.apiKeyEnv
      ? ` — check ${spec.apiKeyEnv}`
      : failure.kind === 'not_found'
        ? ` — check the model id \`${spec.id}\``
        : failure.kind === 'unreachable'
          ? ` — check that the server at ${safeUrl(spec.baseURL) ?? 'its default URL'} is running and reachable`
          : failure.kind === 'unsupported'
            ? ' — the server does not take --schema as its structured-output format: rerun with --no-structured-output (the answers are still checked against the schema)'
            : '';
  return `${spec.name} stopped after ${/^[aeiou]/.test(failure.kind) ? 'an' : 'a'} ${failure.kind} error${failure.status ? ` (${failure.status})` : ''}: ${failure.message}${keyHint}`;
}

/** A cascade cheaper than the recommended model at its accuracy is named in the headline. */
function headlineCascade(
  recommendation: Recommendation,
  cascade: NonNullable<Report['cascade']>,
  summaries: readonly ModelSummary[],
  tolerancePp: number,
): void {
  const recommendedCost = summaries.find((s) => s.model === recommendation.recommended)?.cost?.per1kCases;
  const better = cascadeHeadline(cascade, recommendation.recommended, recommendedCost, tolerancePp);
  if (better !== undefined) recommendation.summary += ` ${better}`;
}

/** Everything in the plan is recorded except inputs described elsewhere in the report, and where output goes. */
function recordedSettings(plan: RunPlan, scorer: RunSettings['scorer'], prompt: string): RunSettings {
  const {
    datasetPath: _path,
    load: _load,
    prompt: _prompt,
    prompts,
    models: _models,
    scorer: _scorer,
    embeddingModel: _embeddingModel,
    judge: _judge,
    custom: _custom,
    schema: _schema,
    scorerLimits: _scorerLimits,
    cascade: _cascade,
    volume: _volume,
    routingColumn: _by,
    routingOut: _routes,
    out: _out,
    json: _json,
    quiet: _quiet,
    simulated: _simulated,
    cache: _cache,
    yes: _yes,
    formats: _formats,
    junitCases: _junitCases,
    batchPollMs: _poll,
    ...recorded
  } = plan;
  return {
    ...recorded,
    scorer,
    prompt,
    // Where each variant was written is for complaints before the run, not for the report.
    ...(prompts !== undefined && {
      prompts: prompts.map(({ name, prompt, system }) => ({ name, ...(prompt !== undefined && { prompt }), ...(system !== undefined && { system }) })),
    }),
  };
}

/** Cluster values → small integers, one per case; undefined when the data has no cluster column. */
function clusterIds(cases: readonly Case[]): Int32Array | undefined {
  if (!cases.some((c) => c.cluster !== undefined)) return undefined;
  const ids = new Map<string, number>();
  // A case without a cluster value is its own cluster.
  return Int32Array.from(cases, (c) => {
    const key = c.cluster ?? `\u0000${c.index}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  });
}
