// The only module that knows every stage: file → cases → prompts → calls → scores → summaries →
// recommendation → report. Everything it touches in the outside world comes in through `deps`.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { appendFile, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { missingPilotCases } from './analysis/across.js';
import { summarize } from './analysis/aggregate.js';
import { callCost } from './analysis/cost.js';
import { buildMatrix } from './analysis/matrix.js';
import { outcomeNotes } from './analysis/outcomes.js';
import { fileHash, type LoadOptions, loadDataset } from './cases/load.js';
import { STATE_DIR } from './defaults.js';
import { EXIT, fileProblem, RunError, UsageError } from './errors.js';
import { densityNote, estimateCost, tokenDensities } from './execute/budget.js';
import { type CachedAnswer, ResponseCache } from './execute/cache.js';
import { execute, type Target } from './execute/fan-out.js';
import { JOURNAL_VERSION, Journal } from './execute/journal.js';
import { lockRun } from './execute/lock.js';
import { Progress } from './execute/progress.js';
import { ignoredStateDir } from './files.js';
import { money } from './format.js';
import { type GateRules, gateLines, hasRules, runGate } from './gate/gate.js';
import { retirementNote } from './models/lifecycle.js';
import { buildRequest, compileTemplate, type PromptPlan, render, templateVariables } from './prompts/render.js';
import { SETUP_FAILURES } from './providers/failures.js';
import { createProvider } from './providers/provider.js';
import { proxyFromEnv } from './providers/transport.js';
import { cascadeFromResults, cascadeHeadline } from './recommend/cascade.js';
import { DECISION_LEVEL } from './recommend/decide.js';
import { projections } from './recommend/projections.js';
import { recommend } from './recommend/recommend.js';
import { routingTable } from './recommend/routing.js';
import { renderCsv } from './report/csv.js';
import { headerLine } from './report/header.js';
import { renderHtml } from './report/html.js';
import { streamJson, writeJson, writeText } from './report/json.js';
import { renderJUnit } from './report/junit.js';
import { renderMarkdown } from './report/markdown.js';
import { renderTable } from './report/table.js';
import { checkWritable, OutputError, outputError } from './report/write.js';
import { checkExpected, defaultScorer, labelSet, makeScorer, type ScorerName } from './scoring/scorers.js';
import type { Case, CaseRecord, CaseResult, ChatRequest, ModelSpec, Report, RunSettings } from './types.js';

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
  /** Response cache: its folder and how long answers stay valid; null with --no-cache. */
  cache: { dir: string; ttlMs: number } | null;
  /** Go ahead even when the cost estimate is over --max-cost. */
  yes: boolean;
  /** Report path; default reports/<run id>.json under cwd. */
  out?: string;
  /** Formats written beside the JSON report (`--report md,junit,html,csv`). */
  formats: ReportFormat[];
  /** A JUnit test case per case, not only per gate check (`--junit-cases`). */
  junitCases: boolean;
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
}

/** A run picked up from its journal (`--resume`). */
export interface Resume {
  runId: string;
  journalPath: string;
  results: Array<{ m: number; r: CaseResult }>;
  startedAt: string;
  /** Time spent in the run's earlier segments. */
  elapsedMs: number;
}

export interface RunOutcome {
  report: Report;
  reportPath: string;
  exitCode: number;
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

export const REPORT_FORMATS = ['json', 'md', 'junit', 'html', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** An output file of the run: what it is (as the user asked for it), where, and its text. */
interface Output {
  what: string;
  path: string;
  /** Its text; undefined when the run has nothing to put there (no routing table). */
  text: (report: Report) => string | undefined;
  /** Named in the "also written" line. */
  listed: boolean;
}

/**
 * Every file the run will write besides the JSON report: the other formats (reports/<id>.md,
 * .junit.xml, .html, .csv) and the routing map. Known before any call, so each path is checked
 * before anything is paid for.
 */
function outputs(jsonPath: string, plan: RunPlan): Output[] {
  const base = jsonPath.replace(/\.json$/i, '');
  const render: Record<Exclude<ReportFormat, 'json'>, [string, (report: Report) => string]> = {
    md: [`${base}.md`, (report) => renderMarkdown(report)],
    junit: [`${base}.junit.xml`, (report) => renderJUnit(report, { cases: plan.junitCases })],
    html: [`${base}.html`, (report) => renderHtml(report)],
    csv: [`${base}.csv`, (report) => renderCsv(report)],
  };
  const files: Output[] = plan.formats
    .filter((f) => f !== 'json')
    .map((f) => {
      const [path, text] = render[f as Exclude<ReportFormat, 'json'>];
      return { what: `--report ${f}`, path, text, listed: true };
    });
  if (plan.routingOut !== undefined) {
    files.push({
      what: '--routing-out',
      path: plan.routingOut,
      text: (report) => report.routing && JSON.stringify(report.routing.map, null, 2) + '\n',
      listed: false,
    });
  }
  return files;
}

/** `-o` names a file, or a folder (existing, or written with a trailing slash) to put `<run id>.json` in. */
async function reportPathFor(out: string | undefined, cwd: string, id: string): Promise<string> {
  if (out === undefined) return join(cwd, 'reports', `${id}.json`);
  const folder = /[\\/]$/.test(out) || (await stat(out).catch(() => undefined))?.isDirectory() === true;
  return folder ? join(out, `${id}.json`) : out;
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

/** What a run needs besides its plan: a journal to resume, gate rules, a pilot (never journaled). */
export interface RunExtras {
  resume?: Resume;
  gate?: GateRules;
  /** `--follow-up`: the pilot run this one adds cases to; its verdicts are the second look. */
  followUp?: { report: Report; path: string };
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

/** The response cache; a folder that cannot hold it is one line naming --cache-dir, before any call. */
async function openCache({ dir, ttlMs }: { dir: string; ttlMs: number }): Promise<ResponseCache> {
  try {
    return await ResponseCache.open(dir, ttlMs);
  } catch (err) {
    throw outputError('--cache-dir', dir, err);
  }
}

/** Where a run's outputs go, known and checked before its first call. */
interface Destinations {
  id: string;
  reportPath: string;
  /** How the user named the report (`-o r.json`), for its errors. */
  reportWhat: string;
  files: Output[];
  stepSummary?: string;
  /** The run journal missed results: a resume then calls, it does not only rewrite. */
  journalFailed: boolean;
}

/**
 * Every output of a finished (or stopped) run: the JSON report first — it holds every paid answer
 * — then the other formats, the step summary, and the terminal. Whatever fails after the JSON
 * report, the others are still tried, and the journal is kept until all of them are written.
 */
async function publish(
  report: Report,
  plan: RunPlan,
  deps: RunDeps,
  { id, reportPath, reportWhat, files, stepSummary, journalFailed }: Destinations,
): Promise<void> {
  const failures: OutputError[] = [];
  try {
    await writeJson(reportWhat, reportPath, report);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    const then = journalFailed ? 'makes only the calls the journal could not keep' : 'writes it without a call (the run journal is kept)';
    throw new OutputError(err.code, err.message, `${err.hint}, then \`tierbench run --resume ${id}\` ${then}`, err.exitCode);
  }
  const written: string[] = [];
  for (const f of files) {
    const text = f.text(report);
    if (text === undefined) continue;
    try {
      await writeText(f.what, f.path, text);
      if (f.listed) written.push(f.path);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      failures.push(err);
    }
  }
  // In a GitHub Actions job, the summary lands on the run's page (appended to the job's file).
  if (stepSummary)
    await appendFile(stepSummary, renderMarkdown(report) + '\n').catch((err: unknown) => failures.push(outputError('GITHUB_STEP_SUMMARY', stepSummary, err)));
  if (plan.json) await streamJson(report, deps.stdout);
  else deps.stdout.write(renderTable(report, deps.stdout.isTTY ? deps.stdout.columns : Number(deps.env.COLUMNS) || undefined));
  if (report.gate) (plan.json ? deps.stderr : deps.stdout).write(gateLines(report.gate));
  if (!plan.quiet && written.length > 0) deps.stderr.write(`also written: ${written.join(', ')}\n`);
  if (failures.length > 0) {
    for (const f of failures.slice(1)) deps.stderr.write(`error: ${f.message} — ${f.hint}\n`);
    const first = failures[0]!;
    throw new OutputError(
      first.code,
      `${first.message} (the JSON report is at ${reportPath})`,
      `${first.hint}; the run journal is kept: tierbench run --resume ${id} rewrites every output without a call`,
      first.exitCode,
    );
  }
}

export async function runBench(plan: RunPlan, deps: RunDeps, extras: RunExtras = {}): Promise<RunOutcome> {
  const startedAt = extras.resume ? new Date(extras.resume.startedAt) : deps.date();
  const id = extras.resume?.runId ?? newRunId(startedAt);
  const journalPath = extras.resume?.journalPath ?? runJournalPath(deps.cwd, id);
  ignoredStateDir(deps.cwd);
  const release = lockRun(journalPath.replace(/\.journal\.jsonl$/, '.lock'), id);
  try {
    return await runLocked(plan, deps, extras, { id, startedAt, journalPath });
  } finally {
    release();
  }
}

async function runLocked(
  plan: RunPlan,
  deps: RunDeps,
  { resume, gate, followUp }: RunExtras,
  { id, startedAt, journalPath }: { id: string; startedAt: Date; journalPath: string },
): Promise<RunOutcome> {
  const started = deps.now();
  const dataset = await loadDataset(plan.datasetPath, plan.load);
  const prompts: PromptPlan = {
    user: compileTemplate(plan.prompt ?? `{{${dataset.inputColumn}}}`, dataset.columns, '--prompt'),
    ...(plan.system !== undefined && { system: compileTemplate(plan.system, dataset.columns, '--system') }),
    ...(plan.temperature !== undefined && { temperature: plan.temperature }),
  };
  // As the report records them; a follow-up pairs the pilot's cases with them.
  const systemVaries = prompts.system !== undefined && prompts.system.parts.length > 1;
  const cases: CaseRecord[] = dataset.cases.map((c) => {
    const vars = c.vars;
    return {
      id: c.id,
      line: c.line,
      expected: c.expected,
      ...(c.category !== undefined && { category: c.category }),
      prompt: render(prompts.user, vars),
      ...(systemVaries && prompts.system && { system: render(prompts.system, vars) }),
    };
  });
  if (followUp !== undefined) checkFollowUp(followUp, cases, plan, dataset.idColumn);
  const chosen = plan.scorer === undefined ? defaultScorer(dataset.cases) : { name: plan.scorer };
  const scorerName = chosen.name;
  checkExpected(scorerName, dataset.cases, dataset.path);
  const score = makeScorer(scorerName, dataset.cases);
  // A prompt that shows the expected answer measures nothing: warned before the first call, and kept in the notes.
  const leaks = [
    ['--prompt', prompts.user],
    ['--system', prompts.system],
  ] as const;
  const leak = leaks.filter(([, t]) => t !== undefined && templateVariables(t.source).includes(dataset.expectedColumn)).map(([flag]) => flag);
  const leakNote =
    leak.length === 0
      ? undefined
      : `${leak.join(' and ')} show${leak.length === 1 ? 's' : ''} the model the expected-answer column \`${dataset.expectedColumn}\`: it is told the answer it is scored on`;
  const keys = apiKeys(plan.models, deps.env);
  const datasetHash = await fileHash(plan.datasetPath);
  const reportPath = await reportPathFor(plan.out, deps.cwd, id);
  const reportWhat = plan.out === undefined ? 'the JSON report' : `-o ${plan.out}`;
  const files = outputs(reportPath, plan);
  // Before anything is paid for: a report that could not be written would lose it all.
  await checkWritable(reportWhat, reportPath);
  for (const f of files) await checkWritable(f.what, f.path);
  // Resolved against the run's working directory, not the process's (they differ in-process).
  const stepSummary = deps.env.GITHUB_STEP_SUMMARY ? resolve(deps.cwd, deps.env.GITHUB_STEP_SUMMARY) : undefined;
  if (stepSummary) await checkWritable('GITHUB_STEP_SUMMARY', stepSummary);

  // Said once, before anything is sent (the SDK would say it on every call), and kept in the report.
  const retiring = plan.models.flatMap((spec) => retirementNote(spec) ?? []);
  for (const note of retiring) deps.stderr.write(`warning: ${note}\n`);

  // From the run's environment, not the process's; never recorded (a proxy URL can hold a password).
  const proxy = proxyFromEnv(deps.env);
  const providers = await Promise.all(
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
      }),
    ),
  );
  const targets: Target[] = plan.models.map((spec, m) => {
    const prices = spec.prices;
    const samples = plan.cascade?.cheap === spec.name ? Math.max(plan.repeats, plan.cascade.samples) : plan.repeats;
    return { spec, provider: providers[m]!, samples, cost: (u) => callCost(u, prices) };
  });
  const request = (c: Case): ChatRequest => buildRequest(prompts, c);

  const cache = plan.cache === null ? undefined : await openCache(plan.cache);
  const cacheKey = (m: number, req: ChatRequest, sample: number): string => ResponseCache.key(plan.models[m]!, req, sample, providers[m]!.sent);
  // Results already paid for in an earlier, interrupted attempt at this run.
  const known = targets.map(() => new Map<number, CaseResult>());
  for (const { m, r } of resume?.results ?? []) {
    const samples = targets[m]?.samples ?? 1;
    // What stopped a model (a bad key, no credit, a wrong id) is asked again once it is fixed.
    if (r.error !== undefined && SETUP_FAILURES.has(r.error.kind)) continue;
    if (known[m] && r.caseIndex < dataset.cases.length && r.sample < samples) known[m]!.set(r.caseIndex * samples + r.sample, r);
  }

  if (plan.maxCost !== undefined) {
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
    if (estimate.typical > plan.maxCost && !plan.yes) {
      cache?.close();
      throw new UsageError(
        'E_BUDGET',
        `--max-cost ${plan.maxCost}: ${line}`,
        'raise --max-cost, run fewer cases (--limit) or models, or pass --yes to start anyway (spending still stops at the limit)',
      );
    }
    if (!plan.quiet) deps.stderr.write(`${line}; budget ${money(plan.maxCost)}\n`);
  }

  // Said once everything is checked, just before the first call.
  if (!plan.quiet) {
    deps.stderr.write(
      headerLine({
        file: relative(deps.cwd, dataset.path) || dataset.path,
        dataset,
        scorer: scorerName,
        ...('why' in chosen && { why: chosen.why }),
        ...(scorerName === 'label' && { labels: labelSet(dataset.cases) }),
        ...(plan.prompt !== undefined && { template: [...new Set(templateVariables(plan.prompt))] }),
      }),
    );
  }
  if (leakNote !== undefined) deps.stderr.write(`warning: ${leakNote} (remove {{${dataset.expectedColumn}}}, or name the real answer with --expected-col)\n`);
  const journal = resume
    ? Journal.reopen<RunPlan>(journalPath)
    : Journal.create<RunPlan>(journalPath, {
        type: 'header',
        version: JOURNAL_VERSION,
        runId: id,
        startedAt: startedAt.toISOString(),
        datasetHash,
        // A password in a base URL is a credential: not written (a resume takes it from the environment again).
        plan: { ...plan, models: plan.models.map((m) => (m.baseURL === undefined ? m : { ...m, baseURL: safeUrl(m.baseURL)! })) },
      });
  const progress = new Progress({
    mode: plan.quiet ? 'off' : deps.stderr.isTTY ? 'live' : 'plain',
    models: plan.models.map((m) => m.name),
    total: dataset.cases.length * plan.repeats,
    out: deps.stderr,
    now: deps.now,
  });
  let stopReason: 'interrupted' | 'budget' | 'disk' | undefined;
  let spent = 0;
  const abort = new AbortController();
  // Every call in flight listens to it: hundreds, not the ten Node warns about.
  setMaxListeners(0, abort.signal);
  let interrupts = 0;
  const unsubscribe = deps.interrupts?.(() => {
    interrupts++;
    if (interrupts === 1) {
      stopReason = 'interrupted';
      deps.stderr.write('\ninterrupted: no new calls; waiting for the calls in flight (Ctrl-C again to abort them)\n');
    } else abort.abort();
  });
  let execution;
  try {
    execution = await execute(dataset.cases, targets, request, {
      concurrency: plan.concurrency,
      ...(plan.modelConcurrency !== undefined && { modelConcurrency: plan.modelConcurrency }),
      ...(plan.rpm !== undefined && { rpm: plan.rpm }),
      ...(plan.tpm !== undefined && { tpm: plan.tpm }),
      signal: abort.signal,
      // A journal that cannot be written (a full disk) stops new calls: what they cost could not be kept.
      stopped: () => stopReason !== undefined || journal.failure !== undefined,
      done: (m, job) => known[m]?.get(job),
      ...(cache !== undefined && {
        cache: { key: cacheKey, get: (key: string) => cache.get(key), set: (key: string, answer: CachedAnswer) => cache.set(key, answer) },
      }),
      onResult: (m, r, origin) => {
        progress.record(m, r);
        if (origin === 'call' && r.cost !== null) {
          spent += r.cost;
          if (plan.maxCost !== undefined && spent >= plan.maxCost) stopReason ??= 'budget';
        }
        return origin === 'journal' ? undefined : journal.record(m, r);
      },
    });
  } finally {
    progress.stop();
    unsubscribe?.();
    journal.segment(deps.now() - started);
    journal.close();
    cache?.close();
  }
  if (journal.failure !== undefined) stopReason ??= 'disk';

  const notes = [...retiring, ...(leakNote === undefined ? [] : [leakNote]), ...providers.flatMap((p) => p.notes)];
  if (cache?.failure !== undefined)
    notes.push(`the response cache in ${plan.cache?.dir} could not be written (${fileProblem(cache.failure).reason}): answers from then on were not cached`);
  execution.limits.forEach((l, m) => {
    if (l.throttles > 0) notes.push(`${plan.models[m]?.name}: throttled ${l.throttles} times (429/529); its concurrency adapted down to ${l.floor}`);
  });
  for (const [m, failure] of execution.stopped) {
    const spec = plan.models[m];
    if (!spec) continue;
    const keyHint =
      failure.kind === 'auth' && spec.apiKeyEnv
        ? ` — check ${spec.apiKeyEnv}`
        : failure.kind === 'not_found'
          ? ` — check the model id \`${spec.id}\``
          : failure.kind === 'unreachable'
            ? ` — check that the server at ${safeUrl(spec.baseURL) ?? 'its default URL'} is running and reachable`
            : '';
    notes.push(
      `${spec.name} stopped after ${/^[aeiou]/.test(failure.kind) ? 'an' : 'a'} ${failure.kind} error${failure.status ? ` (${failure.status})` : ''}: ${failure.message}${keyHint}`,
    );
  }

  const perModel = plan.models.map((spec, m) => {
    const mine = execution.results[m]?.all() ?? [];
    for (const r of mine) {
      const c = dataset.cases[r.caseIndex];
      if (r.output !== undefined && c) r.score = score(r.output, c.expected);
    }
    return { model: spec.name, results: mine, priced: spec.prices !== null };
  });
  // Not push(...mine): spreading 200,000 results overflows the stack.
  const results = perModel.flatMap((p) => p.results);
  const clusters = clusterIds(dataset.cases);
  const summaries = plan.models.map((spec, m) => summarize(spec, perModel[m]?.results ?? [], dataset.cases, clusters));
  notes.push(...outcomeNotes(summaries, (model) => plan.models.find((m) => m.name === model)?.maxTokens ?? 0));
  const matrix = buildMatrix(dataset.cases.length, perModel, clusters);
  const recommendation = recommend(summaries, matrix, {
    tolerancePp: plan.tolerancePp,
    level: DECISION_LEVEL,
    ...(plan.reference !== undefined && { reference: plan.reference }),
    ...(followUp !== undefined && { pilotCases: followUp.report.dataset.cases }),
  });
  const stoppedNames = [...execution.stopped.keys()].map((m) => plan.models[m]?.name ?? String(m));
  if (stoppedNames.length > 0) recommendation.caveats.unshift(`${stoppedNames.join(', ')} stopped early: the recommendation is over the other models only`);

  const routing =
    plan.routingColumn === undefined || recommendation.reference === null
      ? undefined
      : routingTable(
          matrix,
          dataset.cases.map((c) => c.category),
          {
            column: plan.routingColumn,
            tolerancePp: plan.tolerancePp,
            level: DECISION_LEVEL,
            baseline: recommendation.reference,
            ids: Object.fromEntries(plan.models.map((m) => [m.name, m.id])),
            ...(plan.reference !== undefined && { reference: plan.reference }),
          },
        );

  const cascade =
    plan.cascade === undefined
      ? undefined
      : cascadeFromResults(
          plan.cascade,
          perModel,
          dataset.cases.length,
          scorerName === 'label' ? labelSet(dataset.cases) : undefined,
          plan.tolerancePp,
          DECISION_LEVEL,
          clusters,
        );

  const better =
    cascade &&
    cascadeHeadline(cascade, recommendation.recommended, summaries.find((s) => s.model === recommendation.recommended)?.cost?.per1kCases, plan.tolerancePp);
  if (better !== undefined) recommendation.summary += ` ${better}`;

  const projected =
    plan.volume === undefined
      ? undefined
      : projections(plan.volume.text, plan.volume.casesPerDay, matrix.columns, {
          ...(recommendation.recommended !== null && { recommended: recommendation.recommended }),
          ...(routing !== undefined && { routingPerCase: routing.blended.costPerCase }),
          ...(cascade?.best && { cascadePerCase: cascade.best.costPerCase }),
        });

  // Everything in the plan is recorded except these: inputs described elsewhere in the report,
  // and where output goes.
  const {
    datasetPath: _path,
    load: _load,
    prompt: _prompt,
    models: _models,
    scorer: _scorer,
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
    ...recorded
  } = plan;
  const settings: RunSettings = { ...recorded, scorer: scorerName, prompt: prompts.user.source };
  const finishedAt = deps.date();
  const report: Report = {
    schemaVersion: 6,
    tool: { name: 'tierbench', version: deps.version },
    run: {
      id,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      // Over every segment of a resumed run, not the last one only.
      durationMs: Math.round(deps.now() - started + (resume?.elapsedMs ?? 0)),
      simulated: plan.simulated || execution.simulated,
      status: stopReason ?? (execution.stopped.size > 0 ? 'partial' : 'complete'),
    },
    dataset: {
      path: dataset.path,
      cases: dataset.cases.length,
      columns: dataset.columns,
      inputColumn: dataset.inputColumn,
      expectedColumn: dataset.expectedColumn,
      ...(dataset.categoryColumn !== undefined && { categoryColumn: dataset.categoryColumn }),
      ...(dataset.clusterColumn !== undefined && { clusterColumn: dataset.clusterColumn }),
      ...(dataset.idColumn !== undefined && { idColumn: dataset.idColumn }),
      ...(scorerName === 'label' && { labels: labelSet(dataset.cases) }),
    },
    settings,
    models: plan.models.map((m) => ({
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

  if (gate !== undefined && hasRules(gate)) report.gate = runGate(report, gate);
  await publish(report, plan, deps, {
    id,
    reportPath,
    reportWhat,
    files,
    ...(stepSummary !== undefined && { stepSummary }),
    journalFailed: journal.failure !== undefined,
  });

  if (stopReason !== undefined) {
    const calls = summaries.reduce((n, s) => n + s.n, 0);
    const planned = targets.reduce((n, t) => n + dataset.cases.length * (t.samples ?? 1), 0);
    const why =
      stopReason === 'budget'
        ? `stopped at the budget: ${money(spent)} spent of ${money(plan.maxCost ?? 0)}`
        : stopReason === 'disk'
          ? `error: stopped: cannot write the run journal ${journalPath}: ${fileProblem(journal.failure).reason} (the answers paid are in the report) — free some space`
          : 'interrupted';
    deps.stderr.write(
      `${why}; ${calls.toLocaleString('en-US')} of ${planned.toLocaleString('en-US')} calls done. Continue with: tierbench run --resume ${id}${stopReason === 'budget' ? ' --max-cost <more>' : ''}\n`,
    );
    return { report, reportPath, exitCode: stopReason === 'interrupted' ? EXIT.interrupted : EXIT.runFailed };
  }
  if (stoppedNames.length > 0) {
    // The paid answers are in the report and the journal: once the cause is fixed, the stopped
    // models' missing calls are made by --resume, nothing else.
    const resumeHint = `fix the cause, then \`tierbench run --resume ${id}\` makes only the missing calls`;
    if (summaries.every((s) => s.scored === 0))
      throw new RunError(
        'E_RUN_FAILED',
        `no model answered any case (report written to ${reportPath}): ${notes.find((n) => n.includes('stopped after')) ?? ''}`,
        resumeHint,
      );
    deps.stderr.write(`${stoppedNames.join(', ')} stopped early (see the notes): exit 3; ${resumeHint}\n`);
    return { report, reportPath, exitCode: EXIT.runFailed };
  }
  // Complete: the report holds everything the journal did.
  await rm(journalPath, { force: true });
  if (summaries.every((s) => s.scored === 0)) {
    throw new RunError('E_RUN_FAILED', `no model answered any case (report written to ${reportPath})`, notes[0] ?? 'see the errors column of the report');
  }
  return { report, reportPath, exitCode: report.gate?.passed === false ? EXIT.gateFailed : EXIT.ok };
}
