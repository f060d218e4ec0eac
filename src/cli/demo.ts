// `tierbench demo`: the whole product offline. The bundled support tickets go to simulated
// haiku / sonnet / opus tiers on the built-in emulator, through the real SDKs over real HTTP.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../cases/load.js';
import { MAX_RETRIES, TOLERANCE_PP } from '../defaults.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import { resolveModels } from '../models/registry.js';
import type { RunPlan } from '../pipeline/plan.js';
import { runBench } from '../pipeline.js';
import { renderGlossary } from '../report/glossary.js';
import { type Ending, runEnding } from './exit.js';
import type { DemoFlags } from './flags.js';
import type { Io } from './io.js';
import { outPath, reportFormats, runDeps } from './run.js';

const DEMO_DATASET = fileURLToPath(new URL('../../datasets/support-tickets.csv', import.meta.url));
const DEMO_SYSTEM =
  'You route customer-support tickets. Classify the ticket into exactly one of: Billing, Technical, Account, Shipping, Returns. Reply with JSON only: {"answer": "<category>", "confidence": <how sure you are, from 0 to 1>}.';
const DEMO_MODELS = 'haiku,sonnet,opus';

export async function demoCommand(flags: DemoFlags, io: Io, version: string): Promise<Ending> {
  const formats = reportFormats(flags.report ?? '');
  const dataset = await loadDataset(DEMO_DATASET);
  const emulator = new Emulator({ key: AnswerKey.fromCases(dataset.cases, dataset.inputColumn) });
  const url = await emulator.listen(0);
  try {
    // A synthetic environment: the user's real keys and base URLs are never read, so the demo
    // cannot reach (or bill) a real provider.
    const env = {
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: 'tierbench-demo-key',
      // Not a provider setting: in a CI job, the demo's summary still goes to the job's page.
      ...(io.env.GITHUB_STEP_SUMMARY !== undefined && { GITHUB_STEP_SUMMARY: io.env.GITHUB_STEP_SUMMARY }),
    };
    const models = resolveModels(DEMO_MODELS, {
      config: { endpoints: {}, prices: {}, aliases: {} },
      env,
      allowUnpriced: false,
      maxTokens: 64,
      today: io.today?.() ?? new Date(),
    });
    const say = (text: string): void => {
      if (!flags.json) io.stdout.write(text);
    };
    say(`tierbench demo — ${dataset.cases.length} support tickets, models ${DEMO_MODELS}.\n`);
    say(
      'These models are SIMULATED by the built-in emulator: no API call is made and nothing is billed. Their accuracy and speed are made up to look like\n' +
        "the real tiers; the costs shown are what the same tokens would cost at the real models' list prices.\n\n",
    );
    const plan: RunPlan = {
      datasetPath: DEMO_DATASET,
      load: {},
      system: DEMO_SYSTEM,
      models,
      maxTokens: 64,
      stream: flags.stream,
      concurrency: flags.concurrency,
      maxRetries: MAX_RETRIES,
      timeoutMs: 30_000,
      deadlineMs: 120_000,
      repeats: 1,
      // The seed article's volume, and the cascade it describes: haiku first, opus when haiku's
      // self-reported confidence is low.
      volume: { text: '500/day', casesPerDay: 500 },
      cascade: { cheap: 'haiku', big: 'opus', samples: 1 },
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
    };
    const outcome = await runBench(plan, { ...runDeps(io, version, plan), env });
    const ending = runEnding(outcome, io.stderr);
    if (flags.explain === true) say(renderGlossary(outcome.report));
    say(`\nreport: ${outcome.reportPath}\n`);
    say('\nThe same on real models (needs ANTHROPIC_API_KEY; costs a few cents):\n');
    // The bundled file wherever tierbench is installed: the command works from any folder.
    const data = relative(io.cwd, DEMO_DATASET);
    const where = data.startsWith('..') || isAbsolute(data) ? DEMO_DATASET : data;
    say(
      `  npx tierbench run --models ${DEMO_MODELS} --cascade haiku,opus --volume 500/day --system '${DEMO_SYSTEM}' ${/[\s'"$]/.test(where) ? `'${where}'` : where}\n`,
    );
    return ending;
  } finally {
    await emulator.close();
  }
}
