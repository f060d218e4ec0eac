// `tierbench merge SHARD.json…`: the reports of `run --shard i/n` → the report of one run over every
// case. Nothing is averaged: the results are put back together by case and every statistic
// (summaries, intervals, paired verdicts, the recommendation, routing, cascade, projections, the
// gate) is computed again on the whole by the same analyse step a run ends with.
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { GateRules } from '../gate/gate.js';
import { analyse } from '../pipeline/analyse.js';
import { newRunId, type RunPlan } from '../pipeline/plan.js';
import { renderGlossary } from '../report/glossary.js';
import { destinations } from '../report/outputs.js';
import type { Case, CaseRecord, CaseResult, Dataset, EmbeddingUsage, Report, RunSettings } from '../types.js';
import type { Ending } from './exit.js';
import type { MergeFlags } from './flags.js';
import { gateRules } from './gate-flags.js';
import type { Io } from './io.js';
import { publisher } from './publish.js';
import { readReport } from './report-file.js';
import { outPath, reportFormats } from './run.js';

interface Shard {
  file: string;
  report: Report;
  index: number;
}

/** Settings that set the pace, not what is measured: shards may differ in them (the first shard's are kept). */
const PACE: ReadonlySet<keyof RunSettings> = new Set(['concurrency', 'modelConcurrency', 'rpm', 'tpm', 'maxCost']);

/** What of a model says what was measured (its base URL says only where: each shard may reach the same API by another address). */
const modelKey = (m: Report['models'][number]): string =>
  JSON.stringify([m.name, m.id, m.api, m.endpoint, m.prices, m.maxTokens, m.reasoning, m.reasons, m.prompt, m.wire]);

export async function mergeCommand(files: readonly string[], flags: MergeFlags, io: Io, version: string): Promise<Ending> {
  const shards = await readShards(files, io.cwd);
  const gate = await gateRules(
    flags,
    io,
    shards[0]!.report.models.map((m) => m.name),
  );
  const merged = mergeReports(shards, version, io.today?.() ?? new Date(), gate);
  const plan = {
    ...(flags.out !== undefined && { out: outPath(flags.out, io.cwd) }),
    formats: reportFormats(flags.report ?? ''),
    junitCases: flags.junitCases === true,
  };
  const to = await destinations(plan, merged.run.id, io.cwd, io.env);
  const json = flags.json === true;
  await publisher({ json, quiet: flags.quiet === true || json }, io)(merged, to, false);
  if (flags.explain === true && !json) io.stdout.write(renderGlossary(merged));
  if (!json && flags.quiet !== true) io.stderr.write(`report: ${to.reportPath}\n`);
  return merged.gate !== undefined && !merged.gate.passed ? 'gate-failed' : 'ok';
}

async function readShards(files: readonly string[], cwd: string): Promise<Shard[]> {
  if (files.length < 2)
    throw new UsageError(
      'E_MERGE',
      `merge needs the reports of every shard, ${files.length === 0 ? 'none was' : 'one was'} given`,
      'e.g. tierbench merge reports/shard-*.json -o reports/all.json',
    );
  const shards: Shard[] = [];
  for (const file of files) {
    const report = await readReport(resolve(cwd, file), '');
    const shard = report.settings.shard;
    if (shard === undefined)
      throw new UsageError('E_MERGE', `${file}: not the report of a run with --shard`, 'merge combines the reports of tierbench run --shard 1/N … --shard N/N');
    shards.push({ file, report, index: shard.index });
  }
  return shards;
}

/** Every way the shards could fail to be slices of one run: one line naming the file and what differs. */
function checkShards(shards: readonly Shard[]): void {
  const [first, ...rest] = shards as [Shard, ...Shard[]];
  const count = first.report.settings.shard!.count;
  for (const s of rest) {
    if (s.report.schemaVersion !== first.report.schemaVersion)
      throw new UsageError(
        'E_MERGE',
        `${s.file} is schemaVersion ${s.report.schemaVersion}, ${first.file} ${first.report.schemaVersion}`,
        'run every shard with the same tierbench version',
      );
    const other = s.report.settings.shard!.count;
    if (other !== count)
      throw new UsageError(
        'E_MERGE',
        `${s.file} is shard ${s.index}/${other}, ${first.file} one of ${count}`,
        'merge the shards of one matrix: the same n in every --shard i/n',
      );
    const setting = differingKey(first.report.settings, s.report.settings);
    if (setting !== undefined)
      throw new UsageError(
        'E_MERGE',
        `${s.file} and ${first.file} differ in settings.${setting}`,
        'merge shards of one run: the same flags, suite and prompts in every job, only --shard differs',
      );
    const a = first.report.models.map(modelKey);
    const b = s.report.models.map(modelKey);
    if (a.join('\n') !== b.join('\n')) {
      const which = first.report.models.find((_, i) => a[i] !== b[i])?.name ?? s.report.models[a.length]?.name;
      throw new UsageError(
        'E_MERGE',
        `${s.file} and ${first.file} differ in their models (first: ${which})`,
        'merge shards of one run: the same --models, at the same prices, in every job',
      );
    }
    const data = differingKey(datasetKeys(first.report), datasetKeys(s.report));
    if (data !== undefined)
      throw new UsageError(
        'E_MERGE',
        `${s.file} and ${first.file} differ in dataset.${data}`,
        'merge shards of one run over the same file: the same commit of the data in every job',
      );
  }
  for (const s of shards) {
    if (s.report.run.status !== 'complete')
      throw new UsageError(
        'E_MERGE',
        `${s.file}: shard ${s.index}/${count} did not finish (status ${s.report.run.status})`,
        `continue it (tierbench run --resume ${s.report.run.id}) and merge its report then`,
      );
    if (s.report.judge !== undefined)
      throw new UsageError(
        'E_MERGE',
        `${s.file}: a judged run (--judge) cannot be merged yet`,
        "run the judged benchmark unsharded: the judges' agreement is computed over all the answers",
      );
    if (s.report.recommendation.look.number === 2)
      throw new UsageError(
        'E_MERGE',
        `${s.file}: a follow-up run (--follow-up) cannot be merged`,
        'run a follow-up unsharded: its look is decided over all the cases',
      );
  }
  const seen = new Map<number, string>();
  for (const s of shards) {
    const twice = seen.get(s.index);
    if (twice !== undefined) throw new UsageError('E_MERGE', `shard ${s.index}/${count} is given twice: ${twice} and ${s.file}`, 'give each shard once');
    seen.set(s.index, s.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new UsageError(
      'E_MERGE',
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
      `give the reports of all ${count} shards`,
    );
}

/** The first key whose value differs (in JSON), of two records, pace settings and the shard aside. */
function differingKey(a: object, b: object): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'shard' && !PACE.has(k as keyof RunSettings));
  return keys.find((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k]));
}

const datasetKeys = ({ dataset }: Report) => ({
  sha256: dataset.sha256,
  columns: dataset.columns,
  inputColumn: dataset.inputColumn,
  expectedColumn: dataset.expectedColumn,
  categoryColumn: dataset.categoryColumn,
  clusterColumn: dataset.clusterColumn,
  idColumn: dataset.idColumn,
});

/** The shards as one run: cases back in file order, each result re-keyed to its case's place there. */
function mergeReports(shards: readonly Shard[], version: string, today: Date, gate?: GateRules): Report {
  checkShards(shards);
  const placed = shards.flatMap((s) => s.report.cases.map((record, k) => ({ record, shard: s, k })));
  placed.sort((x, y) => x.record.line - y.record.line || x.record.id.localeCompare(y.record.id));
  const at = new Map(placed.map((p, i) => [`${p.shard.index}:${p.k}`, i]));
  const first = shards[0]!.report;
  const results: CaseResult[][] = first.models.map((m) =>
    shards
      .flatMap((s) => s.report.results.filter((r) => r.model === m.name).map((r) => ({ ...r, caseIndex: at.get(`${s.index}:${r.caseIndex}`)! })))
      .sort((x, y) => x.caseIndex - y.caseIndex || x.sample - y.sample),
  );
  const started = Math.min(...shards.map((s) => Date.parse(s.report.run.startedAt)));
  const finished = Math.max(...shards.map((s) => Date.parse(s.report.run.finishedAt)));
  const cases = placed.map((p) => p.record);
  const report = analyse(
    {
      plan: planOf(first, results),
      dataset: datasetOf(first, cases),
      prompts: { user: { source: first.settings.prompt, parts: [first.settings.prompt] } },
      cases,
      notes: mergedNotes(shards),
      ...(first.settings.scorerSource !== undefined && { scorerSource: first.settings.scorerSource }),
      datasetHash: first.dataset.sha256 ?? '',
      scorer: { name: first.settings.scorer },
    },
    { stopped: new Map(), limits: [], simulated: shards.some((s) => s.report.run.simulated), spent: 0 },
    results,
    {
      id: newRunId(today),
      version,
      startedAt: new Date(started),
      finishedAt: new Date(finished),
      durationMs: finished - started,
      providerNotes: [],
      ...(gate !== undefined && { gate }),
    },
  );
  // As every shard recorded them (they are checked equal), but for the slice.
  const { shard: _shard, ...settings } = first.settings;
  const embedding = embeddingOf(shards.map((s) => s.report.embedding));
  return {
    ...report,
    settings,
    ...(embedding !== undefined && { embedding }),
  };
}

/** What analyse reads of a run's plan, from what a report recorded. */
function planOf(report: Report, results: readonly CaseResult[][]): RunPlan {
  const { scorer: _scorer, scorerSource: _source, schema: _schema, prompt, prompts, shard: _shard, ...settings } = report.settings;
  const cascade = report.cascade;
  const cheap = cascade === undefined ? -1 : report.models.findIndex((m) => m.name === cascade.cheap);
  return {
    ...settings,
    prompt,
    ...(prompts !== undefined && { prompts: prompts.map((p) => ({ ...p, origin: `--prompts ${p.name}` })) }),
    datasetPath: report.dataset.path,
    load: {},
    models: report.models,
    ...(cascade !== undefined && {
      // The cheap model's samples per case: what the cascade drew its confidence from.
      cascade: { cheap: cascade.cheap, big: cascade.big, samples: (results[cheap] ?? []).reduce((n, r) => Math.max(n, r.sample + 1), 1) },
    }),
    ...(report.projections !== undefined && { volume: { text: report.projections.volume, casesPerDay: report.projections.casesPerDay } }),
    ...(report.routing !== undefined && { routingColumn: report.routing.column }),
    cache: null,
    yes: false,
    json: false,
    quiet: true,
    simulated: report.run.simulated,
    formats: [],
    junitCases: false,
  };
}

/** The cases as analysis reads them: what a report keeps of each (the id, the expected answer, the category and cluster). */
function datasetOf(report: Report, cases: readonly CaseRecord[]): Dataset {
  const d = report.dataset;
  return {
    path: d.path,
    cases: cases.map(
      (c, index): Case => ({
        index,
        id: c.id,
        line: c.line,
        vars: {},
        expected: c.expected,
        ...(c.category !== undefined && { category: c.category }),
        ...(c.cluster !== undefined && { cluster: c.cluster }),
      }),
    ),
    columns: d.columns,
    inputColumn: d.inputColumn,
    expectedColumn: d.expectedColumn,
    ...(d.categoryColumn !== undefined && { categoryColumn: d.categoryColumn }),
    ...(d.idColumn !== undefined && { idColumn: d.idColumn }),
    ...(d.clusterColumn !== undefined && { clusterColumn: d.clusterColumn }),
  };
}

/**
 * A note every shard took is the run's, said once; one only some took is said with its shard. Each
 * shard's note of its slice gives way to one naming them all. Notes analysis writes from the
 * figures (answers cut at the token limit, …) are written again over the whole.
 */
function mergedNotes(shards: readonly Shard[]): string[] {
  const count = shards[0]!.report.settings.shard!.count;
  const own = (note: string): boolean => note.startsWith('--shard ');
  const everywhere = shards[0]!.report.notes.filter((n) => !own(n) && shards.every((s) => s.report.notes.includes(n)));
  const sorted = [...shards].sort((a, b) => a.index - b.index);
  const some = sorted.flatMap((s) => s.report.notes.filter((n) => !own(n) && !everywhere.includes(n)).map((n) => `shard ${s.index}/${count}: ${n}`));
  const cases = shards.reduce((n, s) => n + s.report.cases.length, 0);
  return [
    `merged from ${count} shards (${sorted.map((s) => `${s.file}: ${s.report.cases.length.toLocaleString('en-US')} cases`).join(', ')}), ${cases.toLocaleString('en-US')} cases in all`,
    ...everywhere,
    ...some,
  ];
}

/** The embedding scorer's calls over every shard: what each shard's took, added up (unknown when any is). */
function embeddingOf(parts: ReadonlyArray<EmbeddingUsage | undefined>): EmbeddingUsage | undefined {
  const [first, ...rest] = parts;
  if (first === undefined) return undefined;
  const sum = { ...first, cost: first.cost && { ...first.cost } };
  for (const e of rest) {
    if (e === undefined) continue;
    sum.texts += e.texts;
    sum.cached += e.cached;
    sum.requests += e.requests;
    sum.tokens += e.tokens;
    sum.spentTokens += e.spentTokens;
    sum.estimated += e.estimated;
    sum.cost = sum.cost === null || e.cost === null ? null : { total: sum.cost.total + e.cost.total, spent: sum.cost.spent + e.cost.spent };
  }
  return sum;
}
