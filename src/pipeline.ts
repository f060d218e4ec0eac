// The only module that knows every stage: file → cases → prompts → calls → scores → summaries →
// recommendation → report. Everything it touches in the outside world comes in through `deps`.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { summarize } from './analysis/aggregate.js';
import { buildMatrix } from './analysis/matrix.js';
import { costOf } from './analysis/cost.js';
import { loadDataset, type LoadOptions } from './cases/load.js';
import { RunError, UsageError } from './errors.js';
import { execute, type Target } from './execute/fan-out.js';
import { Progress } from './execute/progress.js';
import { buildRequest, compileTemplate, render, type PromptPlan } from './prompts/render.js';
import { createProvider } from './providers/provider.js';
import { recommend } from './recommend/recommend.js';
import { routingTable } from './recommend/routing.js';
import { simulateCascade } from './recommend/cascade.js';
import { projections } from './recommend/projections.js';
import { makeConfidence } from './scoring/confidence.js';
import { writeJson, writeText, toJson } from './report/json.js';
import { renderTable } from './report/table.js';
import { checkExpected, defaultScorer, labelSet, makeScorer, type ScorerName } from './scoring/scorers.js';
import type { CascadeResult, Case, CaseRecord, CaseResult, ModelSpec, Report, RunSettings } from './types.js';

/** Verdicts use two-sided 90 % intervals: a one-sided test at α = 5 % (statistics.md). */
export const DECISION_LEVEL = 0.9;

/** What to run: the settings recorded in the report, plus where the cases are and what to print. */
export interface RunPlan extends Omit<RunSettings, 'scorer' | 'prompt'> {
  datasetPath: string;
  load: LoadOptions;
  /** User prompt template; default: the input column. */
  prompt?: string;
  models: ModelSpec[];
  /** Default: chosen from the expected values. */
  scorer?: ScorerName;
  /** `--cascade cheap,big`: simulate the cheap model escalating to the big one when unsure. */
  cascade?: { cheap: string; big: string; samples: number };
  /** `--volume 500/day`: as given, and in cases per day. */
  volume?: { text: string; casesPerDay: number };
  /** `--by`: group by this column (loaded as the category) and build a routing table. */
  routingColumn?: string;
  /** Where to write the routing map as JSON. */
  routingOut?: string;
  /** Report path; default reports/<run id>.json under cwd. */
  out?: string;
  /** Print the JSON report to stdout instead of the table. */
  json: boolean;
  quiet: boolean;
  simulated: boolean;
}

export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
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
}

export interface RunOutcome {
  report: Report;
  reportPath: string;
  exitCode: number;
}

function runId(date: Date): string {
  return `${date.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** userinfo in a base URL could be a credential. */
function safeUrl(url: string | undefined): string | undefined {
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

function apiKeys(models: readonly ModelSpec[], env: RunDeps['env']): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of models) {
    if (m.apiKeyEnv === undefined) continue;
    const key = env[m.apiKeyEnv];
    if (key === undefined || key.trim() === '') {
      throw new UsageError('E_NO_KEY', `--models ${m.name}: ${m.apiKeyEnv} is not set`, `export ${m.apiKeyEnv}=<your key>, or run \`tierbench demo\` to try tierbench offline`);
    }
    keys.set(m.name, key.trim());
  }
  return keys;
}

/**
 * The cascade's per-case inputs from the results: the cheap model's first answer, its score and
 * confidence (from its log-probs, a reported confidence, or agreement with its further samples),
 * the cost of the samples the cascade uses, and the big model's score and cost per call.
 */
function cascadeReport(
  spec: NonNullable<RunPlan['cascade']>,
  perModel: ReadonlyArray<{ model: string; results: readonly CaseResult[] }>,
  cases: number,
  labels: readonly string[] | undefined,
  tolerancePp: number,
  clusters: Int32Array | undefined,
): CascadeResult {
  const cheap = perModel.find((p) => p.model === spec.cheap)?.results ?? [];
  const big = perModel.find((p) => p.model === spec.big)?.results ?? [];
  const nan = (): Float64Array => new Float64Array(cases).fill(NaN);
  const [cheapScores, cheapCosts, bigScores, bigCosts, confidence] = [nan(), nan(), nan(), nan(), nan()];
  const firsts: Array<CaseResult | undefined> = new Array(cases);
  const others: string[][] = Array.from({ length: cases }, () => []);
  for (const r of cheap) {
    if (r.sample >= spec.samples) continue;
    if (r.cost !== null) cheapCosts[r.caseIndex] = (Number.isNaN(cheapCosts[r.caseIndex]!) ? 0 : cheapCosts[r.caseIndex]!) + r.cost;
    if (r.sample === 0) firsts[r.caseIndex] = r;
    else if (r.output !== undefined) others[r.caseIndex]!.push(r.output);
  }
  const bigSum = new Float64Array(cases);
  const bigCount = new Uint32Array(cases);
  const bigCost = new Float64Array(cases);
  for (const r of big) {
    if (r.score === null) continue;
    bigSum[r.caseIndex]! += r.score;
    bigCost[r.caseIndex]! += r.cost ?? NaN;
    bigCount[r.caseIndex]! += 1;
  }
  const confidenceOf = makeConfidence(labels);
  const sources = new Set<string>();
  for (let i = 0; i < cases; i++) {
    if (bigCount[i]! > 0) {
      bigScores[i] = bigSum[i]! / bigCount[i]!;
      bigCosts[i] = bigCost[i]! / bigCount[i]!;
    }
    const first = firsts[i];
    if (first?.output === undefined || first.score === null) continue;
    cheapScores[i] = first.score;
    const c = confidenceOf(first.output, others[i]!, first.logprob);
    confidence[i] = c.value;
    sources.add(c.source);
  }
  return simulateCascade(
    { cheap: spec.cheap, big: spec.big, cheapScores, bigScores, cheapCosts, bigCosts, confidence, source: sources.size === 1 ? [...sources][0]! : 'mixed', ...(clusters && { clusters }) },
    { tolerancePp, level: DECISION_LEVEL },
  );
}

/** Cluster values → small integers, one per case; undefined when the data has no cluster column. */
function clusterIds(cases: readonly Case[]): Int32Array | undefined {
  if (!cases.some((c) => c.cluster !== undefined)) return undefined;
  const ids = new Map<string, number>();
  // A case without a cluster value is its own cluster.
  return Int32Array.from(cases, (c) => {
    const key = c.cluster ?? `\u0000${c.index}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  });
}

export async function runBench(plan: RunPlan, deps: RunDeps): Promise<RunOutcome> {
  const startedAt = deps.date();
  const started = deps.now();
  const dataset = await loadDataset(plan.datasetPath, plan.load);
  const prompts: PromptPlan = {
    user: compileTemplate(plan.prompt ?? `{{${dataset.inputColumn}}}`, dataset.columns, '--prompt'),
    ...(plan.system !== undefined && { system: compileTemplate(plan.system, dataset.columns, '--system') }),
    maxTokens: plan.maxTokens,
    ...(plan.temperature !== undefined && { temperature: plan.temperature }),
  };
  const scorerName = plan.scorer ?? defaultScorer(dataset.cases);
  checkExpected(scorerName, dataset.cases, dataset.path);
  const score = makeScorer(scorerName, dataset.cases);
  const keys = apiKeys(plan.models, deps.env);

  const providers = await Promise.all(plan.models.map((spec) => createProvider(spec, {
    // Local servers take no key, but the SDKs insist on one.
    apiKey: keys.get(spec.name) ?? 'none',
    maxRetries: plan.maxRetries,
    timeoutMs: plan.timeoutMs,
    stream: plan.stream,
    promptCache: plan.promptCache,
    logprobs: plan.cascade?.cheap === spec.name,
    ...(plan.temperature !== undefined && { temperature: plan.temperature }),
    ...(plan.anthropicVersion !== undefined && { anthropicVersion: plan.anthropicVersion }),
  })));
  const targets: Target[] = plan.models.map((spec, m) => {
    const prices = spec.prices;
    const samples = plan.cascade?.cheap === spec.name ? Math.max(plan.repeats, plan.cascade.samples) : plan.repeats;
    return { spec, provider: providers[m]!, samples, cost: (u) => (prices === null ? null : costOf(u, prices)) };
  });

  const progress = new Progress({
    mode: plan.quiet ? 'off' : deps.stderr.isTTY ? 'live' : 'plain',
    models: plan.models.map((m) => m.name),
    total: dataset.cases.length * plan.repeats,
    out: deps.stderr,
    now: deps.now,
  });
  let execution;
  try {
    execution = await execute(dataset.cases, targets, (c) => buildRequest(prompts, c), {
      concurrency: plan.concurrency,
      ...(plan.modelConcurrency !== undefined && { modelConcurrency: plan.modelConcurrency }),
      onResult: (m, r) => progress.record(m, r),
    });
  } finally {
    progress.stop();
  }

  const notes = providers.flatMap((p) => p.notes);
  for (const [m, failure] of execution.stopped) {
    const spec = plan.models[m];
    if (!spec) continue;
    const keyHint = failure.kind === 'auth' && spec.apiKeyEnv ? ` — check ${spec.apiKeyEnv}` : failure.kind === 'not_found' ? ` — check the model id \`${spec.id}\`` : '';
    notes.push(`${spec.name} stopped after a ${failure.kind} error${failure.status ? ` (${failure.status})` : ''}: ${failure.message}${keyHint}`);
  }

  const results: CaseResult[] = [];
  const perModel = plan.models.map((spec, m) => {
    const mine = (execution.results[m] ?? []).filter((r): r is CaseResult => r !== undefined);
    for (const r of mine) {
      const c = dataset.cases[r.caseIndex];
      if (r.output !== undefined && c) r.score = score(r.output, c.expected);
    }
    results.push(...mine);
    return { model: spec.name, results: mine, priced: spec.prices !== null };
  });
  const clusters = clusterIds(dataset.cases);
  const summaries = plan.models.map((spec, m) => summarize(spec, perModel[m]?.results ?? [], dataset.cases, clusters));
  const matrix = buildMatrix(dataset.cases.length, perModel, clusters);
  const recommendation = recommend(summaries, matrix, {
    tolerancePp: plan.tolerancePp,
    level: DECISION_LEVEL,
    ...(plan.reference !== undefined && { reference: plan.reference }),
  });

  const routing = plan.routingColumn === undefined || recommendation.reference === null ? undefined : routingTable(matrix, dataset.cases.map((c) => c.category), {
    column: plan.routingColumn,
    tolerancePp: plan.tolerancePp,
    level: DECISION_LEVEL,
    baseline: recommendation.reference,
    ids: Object.fromEntries(plan.models.map((m) => [m.name, m.id])),
    ...(plan.reference !== undefined && { reference: plan.reference }),
  });

  const cascade = plan.cascade === undefined ? undefined : cascadeReport(plan.cascade, perModel, dataset.cases.length, scorerName === 'label' ? labelSet(dataset.cases) : undefined, plan.tolerancePp, clusters);

  const projected = plan.volume === undefined ? undefined : projections(plan.volume.text, plan.volume.casesPerDay, matrix.columns, {
    ...(recommendation.recommended !== null && { recommended: recommendation.recommended }),
    ...(routing !== undefined && { routingPerCase: routing.blended.costPerCase }),
    ...(cascade?.best && { cascadePerCase: cascade.best.costPerCase }),
  });

  const systemVaries = prompts.system !== undefined && prompts.system.parts.length > 1;
  const cases: CaseRecord[] = dataset.cases.map((c) => ({
    id: c.id,
    line: c.line,
    expected: c.expected,
    ...(c.category !== undefined && { category: c.category }),
    prompt: render(prompts.user, c.vars),
    ...(systemVaries && prompts.system && { system: render(prompts.system, c.vars) }),
  }));
  // Everything in the plan is recorded except these: inputs described elsewhere in the report,
  // and where output goes.
  const { datasetPath: _path, load: _load, prompt: _prompt, models: _models, scorer: _scorer, cascade: _cascade, volume: _volume,
    routingColumn: _by, routingOut: _routes, out: _out, json: _json, quiet: _quiet, simulated: _simulated, ...recorded } = plan;
  const settings: RunSettings = { ...recorded, scorer: scorerName, prompt: prompts.user.source };
  const finishedAt = deps.date();
  const id = runId(startedAt);
  const report: Report = {
    schemaVersion: 2,
    tool: { name: 'tierbench', version: deps.version },
    run: {
      id,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.round(deps.now() - started),
      simulated: plan.simulated,
      status: execution.stopped.size > 0 ? 'partial' : 'complete',
    },
    dataset: {
      path: dataset.path,
      cases: dataset.cases.length,
      columns: dataset.columns,
      inputColumn: dataset.inputColumn,
      expectedColumn: dataset.expectedColumn,
      ...(dataset.categoryColumn !== undefined && { categoryColumn: dataset.categoryColumn }),
      ...(dataset.clusterColumn !== undefined && { clusterColumn: dataset.clusterColumn }),
      ...(scorerName === 'label' && { labels: labelSet(dataset.cases) }),
    },
    settings,
    models: plan.models.map((m) => ({
      name: m.name, id: m.id, api: m.api, endpoint: m.endpoint,
      ...(m.baseURL !== undefined && { baseURL: safeUrl(m.baseURL) }),
      ...(m.apiKeyEnv !== undefined && { apiKeyEnv: m.apiKeyEnv }),
      prices: m.prices,
    })),
    summaries,
    recommendation,
    ...(routing !== undefined && { routing }),
    ...(cascade !== undefined && { cascade }),
    ...(projected !== undefined && { projections: projected }),
    notes,
    cases,
    results,
  };

  const reportPath = plan.out ?? join(deps.cwd, 'reports', `${id}.json`);
  await writeJson(reportPath, report);
  if (routing !== undefined && plan.routingOut !== undefined) await writeText(plan.routingOut, JSON.stringify(routing.map, null, 2) + '\n');
  if (plan.json) deps.stdout.write(toJson(report));
  else deps.stdout.write(renderTable(report));

  if (summaries.every((s) => s.scored === 0)) {
    throw new RunError('E_RUN_FAILED', `no model answered any case (report written to ${reportPath})`, notes[0] ?? 'see the errors column of the report');
  }
  return { report, reportPath, exitCode: 0 };
}
