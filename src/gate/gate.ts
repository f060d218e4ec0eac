// The regression gate: thresholds on each model's figures, and a paired comparison with a
// baseline report that fails only when a drop beyond the margin is shown with confidence. Every
// check says what it can detect. Pure (a baseline with no case in common is a usage error).
import { type Across, compareAcross } from '../analysis/across.js';
import { UsageError } from '../errors.js';
import { pct, ppDelta, ppInterval } from '../format.js';
import { normalQuantile } from '../stats/intervals.js';
import type { Comparison, GateCheck, GateResult, ModelSummary, Report } from '../types.js';

/** A limit for every model, or per model (`haiku=0.9,sonnet=0.95`). */
export interface Threshold {
  all?: number;
  per: Record<string, number>;
}

export interface GateRules {
  minAccuracy?: Threshold;
  maxCostPer1k?: Threshold;
  maxP95Ms?: Threshold;
  maxErrorRate?: Threshold;
  /**
   * `shown` (default): fail when a drop beyond the margin is shown (the interval's upper bound is
   * below −margin). `significant`: fail on a significant drop (upper bound below 0) whose estimate
   * is beyond the margin — more power, at the price of failing some runs whose true drop is within it.
   */
  baseline?: { report: Report; path: string; maxRegressionPp: number; failOn: 'shown' | 'significant' };
  strict: boolean;
}

/** Level of the baseline comparison's two-sided interval: a one-sided 5 % test, as for verdicts. */
const GATE_LEVEL = 0.9;
/** Below this share of the run's cases in the baseline too, a comparison is over a different set. */
const OVERLAP_WARNING = 0.9;

const limitFor = (t: Threshold | undefined, model: string): number | undefined => t?.per[model] ?? t?.all;

function thresholdChecks(s: ModelSummary, rules: GateRules): GateCheck[] {
  const checks: GateCheck[] = [];
  const add = (
    check: string,
    observed: number | null,
    limit: number | undefined,
    worse: (o: number, l: number) => boolean,
    describe: (o: number, l: number) => string,
    missing = `${s.model}: no ${check.replace(/^(min|max)-/, '')} to check (no answers or no price)`,
  ): void => {
    if (limit === undefined) return;
    if (observed === null) {
      checks.push({ model: s.model, check, status: 'fail', message: missing, observed, limit });
      return;
    }
    const failed = worse(observed, limit);
    checks.push({ model: s.model, check, status: failed ? 'fail' : 'pass', message: `${s.model}: ${describe(observed, limit)}`, observed, limit });
  };
  const minAccuracy = limitFor(rules.minAccuracy, s.model);
  if (minAccuracy !== undefined) checks.push(accuracyCheck(s, minAccuracy, rules.strict));
  add(
    'max-cost-per-1k',
    s.cost?.per1kCases ?? null,
    limitFor(rules.maxCostPer1k, s.model),
    (o, l) => o > l,
    (o, l) => `$${o.toFixed(4)} per 1,000 cases ${o > l ? 'is over' : 'is within'} --max-cost-per-1k $${l}`,
  );
  const maxP95 = limitFor(rules.maxP95Ms, s.model);
  if (maxP95 !== undefined && s.latencyMs === null && s.n > 0 && s.cached === s.n) {
    // Cached answers carry no latency: nothing was measured, which is not a slow model.
    checks.push({
      model: s.model,
      check: 'max-p95-ms',
      status: rules.strict ? 'fail' : 'inconclusive',
      message: `${s.model}: no latency measured — all ${s.n} answers came from the response cache; rerun with --no-cache to check --max-p95-ms`,
      observed: null,
      limit: maxP95,
    });
  } else {
    add(
      'max-p95-ms',
      s.latencyMs?.p95 ?? null,
      maxP95,
      (o, l) => o > l,
      (o, l) => `p95 latency ${Math.round(o)} ms ${o > l ? 'is over' : 'is within'} --max-p95-ms ${l}`,
    );
  }
  const errorRate = s.n === 0 ? null : s.errors.total / s.n;
  add(
    'max-error-rate',
    errorRate,
    limitFor(rules.maxErrorRate, s.model),
    (o, l) => o > l,
    (o, l) => `error rate ${pct(o)} (${s.errors.total} of ${s.n}) ${o > l ? 'is over' : 'is within'} --max-error-rate ${pct(l)}`,
  );
  return checks;
}

/**
 * On the 95 % interval, not the point estimate: fail when the accuracy is shown below the limit,
 * pass when shown at or above it, inconclusive (failing with --strict) in between.
 */
function accuracyCheck(s: ModelSummary, limit: number, strict: boolean): GateCheck {
  const base = { model: s.model, check: 'min-accuracy', observed: s.accuracy, limit };
  if (s.accuracy === null || s.interval === null) return { ...base, status: 'fail', message: `${s.model}: no accuracy to check (no answers)` };
  const ci = `${pct(s.accuracy)}, 95 % CI ${pct(s.interval.low)}–${pct(s.interval.high)}`;
  if (s.interval.high < limit) return { ...base, status: 'fail', message: `${s.model}: accuracy is below --min-accuracy ${pct(limit)} (${ci})` };
  if (s.interval.low >= limit) return { ...base, status: 'pass', message: `${s.model}: accuracy meets --min-accuracy ${pct(limit)} (${ci})` };
  return {
    ...base,
    status: strict ? 'fail' : 'inconclusive',
    message: `${s.model}: accuracy is neither shown below nor at least --min-accuracy ${pct(limit)} (${ci})${strict ? '; --strict fails it' : ''}`,
  };
}

/**
 * The true drop this check catches 80 % of the time, from the comparison's own standard error:
 * what a pass is worth. `shown`: margin + (z.95 + z.80)·SE; `significant`: max(margin, z.95·SE) + z.80·SE.
 */
function detectableDrop(c: Comparison, margin: number, failOn: 'shown' | 'significant'): number {
  const se = Math.sqrt(Math.max(c.variance, 0) / Math.max(c.n, 1));
  const zAlpha = normalQuantile(1 - (1 - GATE_LEVEL) / 2);
  const zBeta = normalQuantile(0.8);
  return failOn === 'shown' ? margin + (zAlpha + zBeta) * se : Math.max(margin, zAlpha * se) + zBeta * se;
}

function baselineCheck(model: string, across: Across | null, baseline: NonNullable<GateRules['baseline']>, strict: boolean): GateCheck {
  const margin = baseline.maxRegressionPp / 100;
  const base = { model, check: 'baseline', limit: baseline.maxRegressionPp };
  if (across === null) return { ...base, status: 'pass', message: `${model}: not in the baseline ${baseline.path}; nothing to compare`, observed: null };
  const c = across.comparison;
  if (c === null) {
    throw new UsageError(
      'E_BASELINE',
      `--baseline ${baseline.path}: ${model} has no case in common with it (paired by ${across.pairedBy === 'id' ? 'case id' : 'the prompt sent'}) — it is another dataset, or the prompt changed`,
      across.pairedBy === 'id'
        ? 'give a baseline run on the same data'
        : 'give the cases an id column (or name it with --id-col) so runs with different prompts pair up, or give a baseline run on the same data',
    );
  }
  const drop = detectableDrop(c, margin, baseline.failOn);
  const stats = `Δ ${ppDelta(c.delta)}, ${ppInterval(c.interval.low, c.interval.high, GATE_LEVEL)}, on ${c.n} shared cases; a true drop of ${(drop * 100).toFixed(1)} pp would fail it 80 % of the time`;
  const failed = baseline.failOn === 'shown' ? c.interval.high < -margin : c.interval.high < 0 && c.delta < -margin;
  if (failed) {
    const what =
      baseline.failOn === 'shown'
        ? `regressed by more than ${baseline.maxRegressionPp} pp`
        : `dropped significantly, by more than ${baseline.maxRegressionPp} pp as estimated`;
    return { ...base, status: 'fail', message: `${model}: ${what} against the baseline (${stats})`, observed: c.delta };
  }
  if (c.interval.low >= -margin) {
    return {
      ...base,
      status: 'pass',
      message: `${model}: no regression beyond ${baseline.maxRegressionPp} pp against the baseline (${stats})`,
      observed: c.delta,
    };
  }
  return {
    ...base,
    status: strict ? 'fail' : 'inconclusive',
    observed: c.delta,
    message: `${model}: inconclusive against the baseline — a drop of more than ${baseline.maxRegressionPp} pp is neither shown nor ruled out (${stats})${strict ? '; --strict fails it' : ''}`,
  };
}

/** A warning when the baseline shares only some of the run's cases with this model; else undefined. */
function overlapWarning(model: string, across: Across | null, path: string): string | undefined {
  if (across === null || across.shared === 0 || across.shared >= OVERLAP_WARNING * across.after) return undefined;
  return `${model}: only ${across.shared.toLocaleString('en-US')} of this run's ${across.after.toLocaleString('en-US')} answered cases are in the baseline ${path} — the comparison is over those alone`;
}

export function hasRules(rules: GateRules): boolean {
  return [rules.minAccuracy, rules.maxCostPer1k, rules.maxP95Ms, rules.maxErrorRate, rules.baseline].some((r) => r !== undefined);
}

export function runGate(report: Report, rules: GateRules): GateResult {
  const checks: GateCheck[] = [];
  const warnings: string[] = [];
  for (const s of report.summaries) {
    checks.push(...thresholdChecks(s, rules));
    if (!rules.baseline) continue;
    const across = compareAcross(rules.baseline.report, report, s.model, GATE_LEVEL);
    checks.push(baselineCheck(s.model, across, rules.baseline, rules.strict));
    const warning = overlapWarning(s.model, across, rules.baseline.path);
    if (warning !== undefined) warnings.push(warning);
  }
  return { passed: checks.every((c) => c.status !== 'fail'), strict: rules.strict, checks, warnings };
}

/** One line per failure (and per inconclusive comparison), then a verdict line. */
export function gateLines(result: GateResult): string {
  const lines = result.warnings.map((w) => `gate: warning ${w}`);
  for (const c of result.checks) {
    if (c.status === 'fail') lines.push(`gate: FAIL ${c.message}`);
    else if (c.status === 'inconclusive') lines.push(`gate: inconclusive ${c.message}`);
  }
  const failed = result.checks.filter((c) => c.status === 'fail').length;
  lines.push(result.passed ? `gate: passed (${result.checks.length} checks)` : `gate: FAILED (${failed} of ${result.checks.length} checks)`);
  return `${lines.join('\n')}\n`;
}
