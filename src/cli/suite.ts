// `tierbench run suite.yaml`: the file's options become the command's, below the command line's.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isSuiteFile, loadSuite } from '../config/suite.js';
import { UsageError } from '../errors.js';
import type { PromptVariant } from '../pipeline/plan.js';
import { flagName } from './parse.js';

/** The dataset the suite names, its `file:line` per option, and the flags the command line set over the file's. */
export interface AppliedSuite {
  file: string;
  dataset: string;
  at: Record<string, string>;
  overridden: string[];
  /** The file's prompt variants, unless the command line gave a prompt of its own. */
  prompts?: PromptVariant[];
}

/** Options that say one thing together: a flag given for one of them overrides the file's others too. */
const TOGETHER: ReadonlyArray<readonly string[]> = [
  ['prompt', 'promptFile', 'prompts'],
  ['system', 'systemFile'],
];

/**
 * Undefined for a .json file of cases. Sets the suite's options on `command` as commander's `config` source: below the command line
 * (a flag written there wins), above the defaults; and flags the file's values still tell apart from
 * the user's own (--resume refuses only those).
 */
export async function applySuite(command: Command, path: string, cwd: string): Promise<AppliedSuite | undefined> {
  if (!(await isSuiteFile(resolve(cwd, path)))) return undefined;
  const suite = await loadSuite(path, cwd);
  // The flags on the command line that override the file's value of `name`.
  const over = (name: string): string[] =>
    (TOGETHER.find((group) => group.includes(name)) ?? [name]).filter((n) => command.getOptionValueSource(n) === 'cli').map(flagName);
  const overridden = new Set<string>();
  for (const [name, value] of Object.entries(suite.flags)) {
    const flags = over(name);
    for (const flag of flags) overridden.add(flag);
    if (flags.length === 0) command.setOptionValueWithSource(name, value, 'config');
  }
  const promptFlags = suite.prompts === undefined ? [] : over('prompts');
  for (const flag of promptFlags) overridden.add(flag);
  return {
    file: suite.file,
    dataset: suite.dataset,
    at: suite.at,
    overridden: [...overridden].sort(),
    ...(suite.prompts !== undefined && promptFlags.length === 0 && { prompts: suite.prompts }),
  };
}

/** The flags of `at` whose value the suite file gave (the command line did not override it). */
const fromFile = (suite: AppliedSuite, name: string): string | undefined => (suite.overridden.includes(flagName(name)) ? undefined : suite.at[name]);

/**
 * A check made once the suite's options are parsed (a --reference not among the models, a
 * per-model limit for a model not run) names the flag; when the file gave that value, the error
 * names the file's line instead: `suite.yaml:7: reference: …`.
 */
export function atSuiteLine(err: unknown, suite: AppliedSuite | undefined): unknown {
  if (suite === undefined || !(err instanceof UsageError)) return err;
  const flag = /^(--[a-z0-9-]+)/.exec(err.message)?.[1];
  const name = Object.keys(suite.at).find((n) => flagName(n) === flag);
  const at = name === undefined ? undefined : fromFile(suite, name);
  if (at === undefined || flag === undefined) return err;
  return new UsageError(err.code, `${at}: ${flag.slice(2)}${err.message.slice(flag.length)}`, err.hint);
}

/** Per-model gate limits a suite gives. */
const PER_MODEL = ['minAccuracy', 'maxCostPer1k', 'maxP95Ms', 'maxErrorRate'] as const;
type PerModel = Partial<Record<(typeof PER_MODEL)[number], { per: Record<string, number> }>>;

/**
 * `--models` on the command line over a suite's: the file's per-model limits for models this run
 * leaves out are not applied (said on stderr), not an error; a CI job may run one model of a suite.
 */
export function dropAbsentLimits<F extends PerModel>(flags: F, suite: AppliedSuite | undefined, models: readonly string[], warn: (line: string) => void): F {
  if (suite === undefined || !suite.overridden.includes('--models')) return flags;
  const kept: F = { ...flags };
  for (const name of PER_MODEL) {
    const t = flags[name];
    const at = fromFile(suite, name);
    if (t === undefined || at === undefined) continue;
    const absent = Object.keys(t.per).filter((m) => !models.includes(m));
    if (absent.length === 0) continue;
    warn(`note: ${at}: ${flagName(name).slice(2)} for ${absent.join(', ')} not applied: not among --models`);
    kept[name] = { ...t, per: Object.fromEntries(Object.entries(t.per).filter(([m]) => models.includes(m))) } as F[typeof name];
  }
  return kept;
}
