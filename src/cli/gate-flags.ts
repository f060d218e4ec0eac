// Gate flags, shared by `run` and `gate`, → GateRules.
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { GateRules } from '../gate/gate.js';
import type { GateFlags } from './flags.js';
import type { Io } from './io.js';
import { readReport } from './report-file.js';

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
