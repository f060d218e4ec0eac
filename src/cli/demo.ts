// `tierbench demo`: the whole product offline. A bundled suite (support tickets by default; with
// --task, summaries judged by a model, invoices to JSON, or tool routing) goes to simulated
// haiku / sonnet / opus tiers on the built-in emulator, through the real SDKs over real HTTP.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../cases/load.js';
import { MAX_RETRIES, TOLERANCE_PP } from '../defaults.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import { type ResolveOptions, resolveModels } from '../models/registry.js';
import type { RunPlan } from '../pipeline/plan.js';
import { runBench } from '../pipeline.js';
import { renderGlossary } from '../report/glossary.js';
import { answerSchema, customScorer } from './custom-flags.js';
import { type Ending, runEnding } from './exit.js';
import type { DemoFlags } from './flags.js';
import type { Io } from './io.js';
import { outPath, reportFormats, runDeps, toolOptions } from './run.js';
import { simulatedEnv } from './simulate.js';

const bundled = (file: string): string => fileURLToPath(new URL(`../../datasets/${file}`, import.meta.url));

/** What a task adds to the demo's plan, resolved in the demo's synthetic environment. */
interface TaskSetting {
  /** The resolving options of the synthetic environment: a judge is the emulator's, never a real model. */
  resolve: ResolveOptions;
  cwd: string;
  /** A bundled file as the user would type it from the working directory. */
  place: (path: string) => string;
}

/** A demo task: its data, its models, what it adds to the plan, and the same command on real models. */
interface DemoTask {
  dataset: string;
  models: string;
  intro: string;
  /** How its dataset is read (the plan's `load`). */
  load?: RunPlan['load'];
  extra: (setting: TaskSetting) => Promise<Partial<RunPlan>>;
  /** `run`'s arguments after `npx tierbench run`, with `arg` quoting a bundled file for the shell. */
  real: (arg: (path: string) => string) => string;
}

/** The default task: support tickets classified, a cascade and a daily volume. */
const TICKETS = bundled('support-tickets.csv');
const CLASSIFY_SYSTEM =
  'You route customer-support tickets. Classify the ticket into exactly one of: Billing, Technical, Account, Shipping, Returns. Reply with JSON only: {"answer": "<category>", "confidence": <how sure you are, from 0 to 1>}.';
const TIERS = 'haiku,sonnet,opus';

/** `--task summarize`: a judge grades the summaries, and the data's human grades grade the judge. */
const SUMMARIES = bundled('summaries-graded.csv');
const SUMMARY_PROMPT = 'Summarize this news article in one sentence, keeping every number that matters: {{article}}';
const SUMMARY_MODELS = 'haiku,sonnet';
const SUMMARY_JUDGE = 'opus';
const SUMMARY_RUBRIC =
  'Is the summary faithful to the article, with no invented or wrong facts, and does it keep the facts that matter (who, what, the numbers)? Judge it against the reference summary.';

/** `--task extract`: invoices, receipts and order emails to JSON, the schema sent as the structured-output format. */
const INVOICES = bundled('invoices.jsonl');
const INVOICE_SCHEMA = bundled('invoices.schema.json');
const INVOICE_PROMPT =
  'Extract the vendor, the invoice, order or booking number (null when there is none), the date as YYYY-MM-DD, the total paid and its ISO currency code from this document: {{text}}';

/** `--task tools`: support requests routed to one of six tools, or to none. */
const TOOL_REQUESTS = bundled('support-tools.jsonl');
const TOOL_DEFINITIONS = bundled('support-tools.tools.json');

const DEMO_TASKS: Record<DemoFlags['task'], DemoTask> = {
  classify: {
    dataset: TICKETS,
    models: TIERS,
    intro: 'support tickets',
    // The seed article's volume, and the cascade it describes (haiku first, opus when haiku's
    // self-reported confidence is low).
    extra: async () => ({ system: CLASSIFY_SYSTEM, volume: { text: '500/day', casesPerDay: 500 }, cascade: { cheap: 'haiku', big: 'opus', samples: 1 } }),
    real: (arg) => `--models ${TIERS} --cascade haiku,opus --volume 500/day --system '${CLASSIFY_SYSTEM}' ${arg(TICKETS)}`,
  },
  summarize: {
    dataset: SUMMARIES,
    models: SUMMARY_MODELS,
    intro: `news articles to summarize, graded by a simulated ${SUMMARY_JUDGE} as judge`,
    load: { input: 'article', expected: 'reference', promptColumns: ['article'] },
    extra: async ({ resolve }) => ({
      prompt: SUMMARY_PROMPT,
      judge: {
        models: resolveModels(SUMMARY_JUDGE, resolve),
        mode: 'rubric',
        rubric: SUMMARY_RUBRIC,
        human: { column: 'human_grade', answerColumn: 'graded_summary' },
      },
    }),
    real: (arg) =>
      `--models ${SUMMARY_MODELS} --expected-col reference --prompt '${SUMMARY_PROMPT}' --judge ${SUMMARY_JUDGE} --rubric '${SUMMARY_RUBRIC}' --human-col human_grade ${arg(SUMMARIES)}`,
  },
  extract: {
    dataset: INVOICES,
    models: TIERS,
    intro: 'invoices, receipts and order emails to extract as JSON, checked against a JSON Schema',
    load: { promptColumns: ['text'] },
    // As `run --schema` takes it: the schema sent as each API's structured-output format, and the json-schema scorer.
    extra: async ({ cwd, place }) => {
      const flags = { schema: place(INVOICE_SCHEMA), structuredOutput: true };
      return { prompt: INVOICE_PROMPT, schema: answerSchema(flags, cwd), custom: customScorer(flags, cwd) };
    },
    real: (arg) => `--models ${TIERS} --schema ${arg(INVOICE_SCHEMA)} --prompt '${INVOICE_PROMPT}' ${arg(INVOICES)}`,
  },
  tools: {
    dataset: TOOL_REQUESTS,
    models: TIERS,
    intro: 'support requests to route to one of six tools (or to none), scored by the tool called and its arguments',
    // Read and checked as `run --tools` reads them.
    extra: ({ cwd }) => toolOptions({ tools: TOOL_DEFINITIONS }, cwd),
    real: (arg) => `--models ${TIERS} --tools ${arg(TOOL_DEFINITIONS)} ${arg(TOOL_REQUESTS)}`,
  },
};

/** A bundled file from the working directory: relative when it is below it, else absolute. */
function placeFrom(cwd: string): (path: string) => string {
  return (path) => {
    const rel = relative(cwd, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
}

export async function demoCommand(flags: DemoFlags, io: Io, version: string): Promise<Ending> {
  const formats = reportFormats(flags.report ?? '');
  const task = DEMO_TASKS[flags.task];
  const dataset = await loadDataset(task.dataset, task.load);
  const emulator = new Emulator({ key: await AnswerKey.fromDataset(dataset), ...(flags.fast === true && { timeScale: 0.05 }) });
  const url = await emulator.listen(0);
  try {
    const env = simulatedEnv(url, io);
    const resolve: ResolveOptions = { config: { endpoints: {}, prices: {}, aliases: {} }, env, allowUnpriced: false, today: io.today?.() ?? new Date() };
    const place = placeFrom(io.cwd);
    const extra = await task.extra({ resolve, cwd: io.cwd, place });
    const models = resolveModels(task.models, { ...resolve, maxTokens: 64 });
    const say = (text: string): void => {
      if (!flags.json) io.stdout.write(text);
    };
    say(`tierbench demo — ${dataset.cases.length} ${task.intro}, models ${task.models}.\n`);
    say(
      'These models are SIMULATED by the built-in emulator: no API call is made and nothing is billed. Their accuracy and speed are made up to look like\n' +
        "the real tiers; the costs shown are what the same tokens would cost at the real models' list prices.\n\n",
    );
    const plan: RunPlan = {
      datasetPath: task.dataset,
      load: {},
      models,
      maxTokens: 64,
      stream: flags.stream,
      concurrency: flags.concurrency,
      maxRetries: MAX_RETRIES,
      timeoutMs: 30_000,
      deadlineMs: 120_000,
      repeats: 1,
      tolerancePp: TOLERANCE_PP,
      promptCache: false,
      // A simulation is not worth caching, and its latencies are part of the show.
      cache: null,
      yes: true,
      formats,
      junitCases: false,
      ...(flags.out !== undefined && { out: outPath(flags.out, io.cwd) }),
      json: flags.json === true,
      quiet: flags.quiet === true || flags.json === true,
      simulated: true,
      ...(task.load !== undefined && { load: task.load }),
      ...extra,
    };
    const outcome = await runBench(plan, { ...runDeps(io, version, plan), env });
    const ending = runEnding(outcome, io.stderr);
    if (flags.explain === true) say(renderGlossary(outcome.report));
    say(`\nreport: ${outcome.reportPath}\n`);
    say('\nThe same on real models (needs ANTHROPIC_API_KEY; costs a few cents):\n');
    // The bundled files wherever tierbench is installed: the command works from any folder.
    const arg = (path: string): string => {
      const where = place(path);
      return /[\s'"$]/.test(where) ? `'${where}'` : where;
    };
    say(`  npx tierbench run ${task.real(arg)}\n`);
    return ending;
  } finally {
    await emulator.close();
  }
}
