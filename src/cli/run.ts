// `tierbench run`: flags and config → RunPlan → pipeline.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { resolveModels } from '../models/registry.js';
import { parseVolume } from '../recommend/projections.js';
import { type RunDeps, type RunPlan, runBench } from '../pipeline.js';
import { SCORERS, isScorerName, type ScorerName } from '../scoring/scorers.js';
import type { Io } from './io.js';

export interface RunFlags {
  models: string;
  prompt?: string;
  promptFile?: string;
  system?: string;
  systemFile?: string;
  inputCol?: string;
  expectedCol?: string;
  categoryCol?: string;
  clusterCol?: string;
  scorer?: string;
  limit?: number;
  concurrency: number;
  modelConcurrency?: number;
  maxRetries: number;
  timeout: number;
  repeats: number;
  maxTokens: number;
  temperature?: number;
  stream: boolean;
  tolerance: number;
  reference?: string;
  by?: string;
  routingOut?: string;
  cascade?: string;
  cascadeSamples: number;
  volume?: string;
  anthropicVersion?: string;
  promptCache?: boolean;
  allowUnpriced?: boolean;
  config?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

async function textOption(inline: string | undefined, file: string | undefined, name: string, cwd: string): Promise<string | undefined> {
  if (inline !== undefined && file !== undefined) throw new UsageError('E_FLAGS', `--${name} and --${name}-file were both given`, `use one of them`);
  if (file === undefined) return inline;
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch {
    throw new UsageError('E_FLAGS', `--${name}-file ${file}: file not found`, 'check the path');
  }
}

function scorer(name: string | undefined): ScorerName | undefined {
  if (name === undefined) return undefined;
  if (!isScorerName(name)) throw new UsageError('E_SCORER', `--scorer ${name}: unknown scorer`, `use one of ${SCORERS.join(', ')}`);
  return name;
}

function cascadePair(flags: RunFlags, names: readonly string[]): RunPlan['cascade'] {
  if (flags.cascade === undefined) return undefined;
  const pair = flags.cascade.split(',').map((x) => x.trim());
  const [cheap, big] = pair;
  if (pair.length !== 2 || cheap === undefined || big === undefined || cheap === big) {
    throw new UsageError('E_CASCADE', `--cascade ${flags.cascade}: expected two different models, cheap first`, 'e.g. --cascade haiku,sonnet');
  }
  for (const name of pair) {
    if (!names.includes(name)) throw new UsageError('E_CASCADE', `--cascade: ${name} is not one of --models`, `add it to --models (${names.join(',')},${name})`);
  }
  return { cheap, big, samples: flags.cascadeSamples };
}

export function runDeps(io: Io, version: string): RunDeps {
  return { env: io.env, stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, version, now: () => performance.now(), date: () => new Date() };
}

export async function buildPlan(file: string, flags: RunFlags, io: Io): Promise<RunPlan> {
  const config = await loadConfig(flags.config === undefined ? undefined : resolve(io.cwd, flags.config), io.cwd);
  const models = resolveModels(flags.models, { config, env: io.env, allowUnpriced: flags.allowUnpriced === true });
  const prompt = await textOption(flags.prompt, flags.promptFile, 'prompt', io.cwd);
  const system = await textOption(flags.system, flags.systemFile, 'system', io.cwd);
  const chosen = scorer(flags.scorer);
  if (flags.by !== undefined && flags.categoryCol !== undefined && flags.by !== flags.categoryCol) {
    throw new UsageError('E_FLAGS', `--by ${flags.by} and --category-col ${flags.categoryCol} name different columns`, 'give one of them: --by groups the cases and builds the routing table');
  }
  const cascade = cascadePair(flags, models.map((m) => m.name));
  const casesPerDay = flags.volume === undefined ? undefined : parseVolume(flags.volume);
  if (flags.volume !== undefined && casesPerDay === undefined) {
    throw new UsageError('E_VOLUME', `--volume ${flags.volume}: not a volume`, 'write cases per period, e.g. 500/day, 10k/month, 20/hour');
  }
  if (flags.routingOut !== undefined && flags.by === undefined) {
    throw new UsageError('E_FLAGS', '--routing-out needs --by', 'add --by <column>, e.g. --by category');
  }
  if (flags.reference !== undefined && !models.some((m) => m.name === flags.reference)) {
    throw new UsageError('E_REFERENCE', `--reference ${flags.reference}: not one of --models`, `use one of ${models.map((m) => m.name).join(', ')}`);
  }
  return {
    datasetPath: resolve(io.cwd, file),
    load: {
      ...(flags.inputCol !== undefined && { input: flags.inputCol }),
      ...(flags.expectedCol !== undefined && { expected: flags.expectedCol }),
      ...((flags.by ?? flags.categoryCol) !== undefined && { category: flags.by ?? flags.categoryCol }),
      ...(flags.clusterCol !== undefined && { cluster: flags.clusterCol }),
      ...(flags.limit !== undefined && { limit: flags.limit }),
    },
    ...(prompt !== undefined && { prompt }),
    ...(system !== undefined && { system }),
    models,
    ...(chosen !== undefined && { scorer: chosen }),
    maxTokens: flags.maxTokens,
    ...(flags.temperature !== undefined && { temperature: flags.temperature }),
    stream: flags.stream,
    concurrency: flags.concurrency,
    ...(flags.modelConcurrency !== undefined && { modelConcurrency: flags.modelConcurrency }),
    maxRetries: flags.maxRetries,
    timeoutMs: flags.timeout * 1000,
    repeats: flags.repeats,
    tolerancePp: flags.tolerance,
    ...(flags.reference !== undefined && { reference: flags.reference }),
    ...(cascade !== undefined && { cascade }),
    ...(flags.volume !== undefined && casesPerDay !== undefined && { volume: { text: flags.volume, casesPerDay } }),
    ...(flags.by !== undefined && { routingColumn: flags.by }),
    ...(flags.routingOut !== undefined && { routingOut: resolve(io.cwd, flags.routingOut) }),
    ...(flags.anthropicVersion !== undefined && { anthropicVersion: flags.anthropicVersion }),
    promptCache: flags.promptCache === true,
    ...(flags.out !== undefined && { out: resolve(io.cwd, flags.out) }),
    json: flags.json === true,
    quiet: flags.quiet === true || flags.json === true,
    simulated: false,
  };
}

export async function runCommand(file: string, flags: RunFlags, io: Io, version: string): Promise<number> {
  const plan = await buildPlan(file, flags, io);
  const outcome = await runBench(plan, runDeps(io, version));
  if (!plan.json && !plan.quiet) io.stderr.write(`report: ${outcome.reportPath}\n`);
  return outcome.exitCode;
}
