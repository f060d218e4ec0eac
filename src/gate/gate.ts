// The regression gate: thresholds on each model's figures, and a paired comparison with a
// baseline report that fails only when a drop beyond the margin is shown with confidence. Pure.
import { compareAcross } from '../analysis/across.js';
import { pct, ppDelta, ppInterval } from '../format.js';
import type { GateCheck, GateResult, ModelSummary, Report } from '../types.js';

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
  baseline?: { report: Report; path: string; maxRegressionPp: number };
  strict: boolean;
}

/** Level of the baseline comparison's two-sided interval: a one-sided 5 % test, as for verdicts. */
export const GATE_LEVEL = 0.9;

const limitFor = (t: Threshold | undefined, model: string): number | undefined => t?.per[model] ?? t?.all;

function thresholdChecks(s: ModelSummary, rules: GateRules): GateCheck[] {
  const checks: GateCheck[] = [];
  const add = (check: string, observed: number | null, limit: number | undefined, worse: (o: number, l: number) => boolean, describe: (o: number, l: number) => string): void => {
    if (limit === undefined) return;
    if (observed === null) {
      checks.push({ model: s.model, check, status: 'fail', message: `${s.model}: no ${check.replace(/^(min|max)-/, '')} to check (no answers or no price)`, observed, limit });
      return;
    }
    const failed = worse(observed, limit);
    checks.push({ model: s.model, check, status: failed ? 'fail' : 'pass', message: `${s.model}: ${describe(observed, limit)}`, observed, limit });
  };
  const ci = s.interval ? ` (95 % CI ${pct(s.interval.low)}–${pct(s.interval.high)})` : '';
  add('min-accuracy', s.accuracy, limitFor(rules.minAccuracy, s.model), (o, l) => o < l, (o, l) => `accuracy ${pct(o)}${ci} ${o < l ? 'is below' : 'meets'} --min-accuracy ${pct(l)}`);
  add('max-cost-per-1k', s.cost?.per1kCases ?? null, limitFor(rules.maxCostPer1k, s.model), (o, l) => o > l, (o, l) => `$${o.toFixed(4)} per 1,000 cases ${o > l ? 'is over' : 'is within'} --max-cost-per-1k $${l}`);
  add('max-p95-ms', s.latencyMs?.p95 ?? null, limitFor(rules.maxP95Ms, s.model), (o, l) => o > l, (o, l) => `p95 latency ${Math.round(o)} ms ${o > l ? 'is over' : 'is within'} --max-p95-ms ${l}`);
  const errorRate = s.n === 0 ? null : s.errors.total / s.n;
  add('max-error-rate', errorRate, limitFor(rules.maxErrorRate, s.model), (o, l) => o > l, (o, l) => `error rate ${pct(o)} (${s.errors.total} of ${s.n}) ${o > l ? 'is over' : 'is within'} --max-error-rate ${pct(l)}`);
  return checks;
}

function baselineCheck(report: Report, model: string, baseline: NonNullable<GateRules['baseline']>, strict: boolean): GateCheck {
  const margin = baseline.maxRegressionPp / 100;
  const c = compareAcross(baseline.report, report, model, GATE_LEVEL);
  if (c === null) {
    return { model, check: 'baseline', status: 'pass', message: `${model}: not in the baseline ${baseline.path}; nothing to compare`, observed: null, limit: baseline.maxRegressionPp };
  }
  const stats = `Δ ${ppDelta(c.delta)}, ${ppInterval(c.interval.low, c.interval.high, GATE_LEVEL)}, on ${c.n} shared cases`;
  if (c.n === 0) {
    return { model, check: 'baseline', status: strict ? 'fail' : 'inconclusive', message: `${model}: no case in common with the baseline ${baseline.path}`, observed: null, limit: baseline.maxRegressionPp };
  }
  if (c.interval.high < -margin) {
    return { model, check: 'baseline', status: 'fail', message: `${model}: regressed by more than ${baseline.maxRegressionPp} pp against the baseline (${stats})`, observed: c.delta, limit: baseline.maxRegressionPp };
  }
  if (c.interval.low >= -margin) {
    return { model, check: 'baseline', status: 'pass', message: `${model}: no regression beyond ${baseline.maxRegressionPp} pp against the baseline (${stats})`, observed: c.delta, limit: baseline.maxRegressionPp };
  }
  return {
    model, check: 'baseline', status: strict ? 'fail' : 'inconclusive',
    message: `${model}: inconclusive against the baseline — a drop of more than ${baseline.maxRegressionPp} pp is neither shown nor ruled out (${stats})${strict ? '; --strict fails it' : ''}`,
    observed: c.delta, limit: baseline.maxRegressionPp,
  };
}

export function hasRules(rules: GateRules): boolean {
  return [rules.minAccuracy, rules.maxCostPer1k, rules.maxP95Ms, rules.maxErrorRate, rules.baseline].some((r) => r !== undefined);
}

export function runGate(report: Report, rules: GateRules): GateResult {
  const checks: GateCheck[] = [];
  for (const s of report.summaries) {
    checks.push(...thresholdChecks(s, rules));
    if (rules.baseline) checks.push(baselineCheck(report, s.model, rules.baseline, rules.strict));
  }
  return { passed: checks.every((c) => c.status !== 'fail'), strict: rules.strict, checks };
}

/** One line per failure (and per inconclusive comparison), then a verdict line. */
export function gateLines(result: GateResult): string {
  const lines: string[] = [];
  for (const c of result.checks) {
    if (c.status === 'fail') lines.push(`gate: FAIL ${c.message}`);
    else if (c.status === 'inconclusive') lines.push(`gate: inconclusive ${c.message}`);
  }
  const failed = result.checks.filter((c) => c.status === 'fail').length;
  lines.push(result.passed ? `gate: passed (${result.checks.length} checks)` : `gate: FAILED (${failed} of ${result.checks.length} checks)`);
  return lines.join('\n') + '\n';
}
