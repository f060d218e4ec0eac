// Gate flags, shared by `run` and `gate`, → GateRules.
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import type { GateRules, Threshold } from '../gate/gate.js';
import type { Io } from './io.js';
import { readReport } from './report-file.js';

type Unit = 'fraction' | 'number';

/** "0.9", "90%", "haiku=0.9,sonnet=92%": a limit for all models and/or per model. */
function threshold(unit: Unit): (value: string) => Threshold {
  const one = (text: string): number => {
    const t = text.trim().replace(/^\$/, '');
    const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
    if (!Number.isFinite(n) || n < 0 || (unit === 'fraction' && n > 1)) {
      throw new InvalidArgumentError(
        unit === 'fraction'
          ? 'expected a share like 0.9 or 90%, optionally per model: haiku=0.9,sonnet=95%.'
          : 'expected a number ≥ 0, optionally per model: haiku=2000,sonnet=4000.',
      );
    }
    return n;
  };
  return (value) => {
    const t: Threshold = { per: {} };
    for (const part of value.split(',')) {
      const eq = part.lastIndexOf('=');
      if (eq === -1) t.all = one(part);
      else t.per[part.slice(0, eq).trim()] = one(part.slice(eq + 1));
    }
    return t;
  };
}

export function gateOptions(command: Command): Command {
  return command
    .option('--min-accuracy <share>', "fail when a model's accuracy is below this: 0.9, 90%, or per model haiku=0.9,sonnet=95%", threshold('fraction'))
    .option('--max-cost-per-1k <usd>', 'fail when a model costs more per 1,000 cases (all models, or per model)', threshold('number'))
    .option('--max-p95-ms <ms>', "fail when a model's p95 latency is over this (all models, or per model)", threshold('number'))
    .option('--max-error-rate <share>', "fail when more than this share of a model's calls failed (all models, or per model)", threshold('fraction'))
    .option('--baseline <report>', 'compare each model with this earlier report, paired on the cases both ran')
    .option(
      '--max-regression <pp>',
      'with --baseline: fail when accuracy dropped by more than this many percentage points, shown with 95 % confidence',
      Number,
      2,
    )
    .option(
      '--fail-on <rule>',
      'with --baseline: `shown` fails when a drop beyond --max-regression is shown with confidence; `significant` when a significant drop is estimated beyond it (more sensitive)',
      failOnRule,
      'shown',
    )
    .option('--strict', 'fail also when a check is inconclusive (a regression, --min-accuracy, a latency not measured)');
}

export interface GateFlags {
  minAccuracy?: Threshold;
  maxCostPer1k?: Threshold;
  maxP95Ms?: Threshold;
  maxErrorRate?: Threshold;
  baseline?: string;
  maxRegression: number;
  failOn: 'shown' | 'significant';
  strict?: boolean;
}

function failOnRule(value: string): 'shown' | 'significant' {
  if (value !== 'shown' && value !== 'significant') throw new InvalidArgumentError('expected shown or significant.');
  return value;
}

export async function gateRules(flags: GateFlags, io: Io, models: readonly string[]): Promise<GateRules> {
  for (const [flag, t] of [
    ['--min-accuracy', flags.minAccuracy],
    ['--max-cost-per-1k', flags.maxCostPer1k],
    ['--max-p95-ms', flags.maxP95Ms],
    ['--max-error-rate', flags.maxErrorRate],
  ] as const) {
    for (const name of Object.keys(t?.per ?? {})) {
      if (!models.includes(name)) throw new UsageError('E_GATE', `${flag}: ${name} is not one of the models`, `the models are ${models.join(', ')}`);
    }
  }
  if (!Number.isFinite(flags.maxRegression) || flags.maxRegression < 0) {
    throw new UsageError('E_GATE', `--max-regression ${flags.maxRegression}: not a number of percentage points`, 'e.g. --max-regression 2');
  }
  const path = flags.baseline === undefined ? undefined : resolve(io.cwd, flags.baseline);
  return {
    ...(flags.minAccuracy && { minAccuracy: flags.minAccuracy }),
    ...(flags.maxCostPer1k && { maxCostPer1k: flags.maxCostPer1k }),
    ...(flags.maxP95Ms && { maxP95Ms: flags.maxP95Ms }),
    ...(flags.maxErrorRate && { maxErrorRate: flags.maxErrorRate }),
    ...(path !== undefined &&
      flags.baseline !== undefined && {
        baseline: { report: await readReport(path, '--baseline '), path: flags.baseline, maxRegressionPp: flags.maxRegression, failOn: flags.failOn },
      }),
    strict: flags.strict === true,
  };
}
