// Cascade simulation from results already collected (statistics.md): the cheap model answers,
// and the case goes on to the big model when the cheap one's confidence is below τ. Sweep τ,
// report the cost–accuracy curve, the cheapest τ within tolerance of the big model (paired), and
// the oracle bound. The threshold is chosen by a fixed sequence from "always escalate" down,
// stopping at the first that is not within tolerance: picking the cheapest of many thresholds that
// passed on this data raised the error to 6.2 %; the sequence holds it (2.4–4.2 %). Pure.
import { compare } from '../analysis/compare.js';
import type { ScoreMatrix } from '../analysis/matrix.js';
import { makeConfidence } from '../scoring/confidence.js';
import { meanWithHalfWidth, tInterval, wilson } from '../stats/intervals.js';
import type { CascadePoint, CascadeResult, CaseResult } from '../types.js';
import { verdictOf } from './decide.js';

export interface CascadeInput {
  cheap: string;
  big: string;
  /** Per case: the cheap model's (first) score, the big model's score, their costs, the confidence. NaN = missing. */
  cheapScores: Float64Array;
  bigScores: Float64Array;
  /** What the cheap model's answer and its confidence cost (every sample when confidence is from agreement). */
  cheapCosts: Float64Array;
  /** One call of the cheap model: the cost of never escalating, which needs no confidence. Default: cheapCosts. */
  cheapCallCosts?: Float64Array;
  bigCosts: Float64Array;
  confidence: Float64Array;
  source: string;
  clusters?: Int32Array;
}

export interface CascadeOptions {
  tolerancePp: number;
  level: number;
  /** Points shown (the best is added). */
  display?: number;
}

export function simulateCascade(input: CascadeInput, options: CascadeOptions): CascadeResult {
  const idx: number[] = [];
  for (let i = 0; i < input.confidence.length; i++) {
    if ([input.cheapScores[i], input.bigScores[i], input.confidence[i]].every((v) => v !== undefined && !Number.isNaN(v))) idx.push(i);
  }
  const n = idx.length;
  const cost0 = (i: number): number => (Number.isNaN(input.cheapCosts[i]!) ? 0 : input.cheapCosts[i]!);
  const cost1 = (i: number): number => (Number.isNaN(input.bigCosts[i]!) ? 0 : input.bigCosts[i]!);
  const mean = (f: (i: number) => number): number => (n === 0 ? NaN : idx.reduce((s, i) => s + f(i), 0) / n);
  const margin = options.tolerancePp / 100;
  const binary = idx.every((i) => [input.cheapScores[i], input.bigScores[i]].every((v) => v === 0 || v === 1));

  // Lowest confidence first: escalating the first k cases of this order is threshold order[k].
  const order = [...idx].sort((a, b) => input.confidence[a]! - input.confidence[b]!);
  const thresholds: number[] = [];
  for (let k = 0; k <= n; k++) {
    // A threshold sits where the confidence changes; ties escalate together.
    if (k === 0 || k === n || input.confidence[order[k]!]! !== input.confidence[order[k - 1]!]!) thresholds.push(k);
  }
  const grid = thinned(thresholds, 200);

  const bigColumn = { model: input.big, scores: input.bigScores, costs: input.bigCosts };
  const matrix: ScoreMatrix = { cases: input.confidence.length, columns: [], binary, ...(input.clusters && { clusters: input.clusters }) };
  const keep = new Uint8Array(input.confidence.length);
  for (const i of idx) keep[i] = 1;
  const callCost = (i: number): number =>
    input.cheapCallCosts === undefined ? cost0(i) : Number.isNaN(input.cheapCallCosts[i]!) ? 0 : input.cheapCallCosts[i]!;
  /** Per case, the cascade's score and cost when the k least confident cases are escalated. */
  const perCase = (k: number): { scores: Float64Array; costs: Float64Array } => {
    const escalate = new Uint8Array(input.confidence.length);
    for (let j = 0; j < k; j++) escalate[order[j]!] = 1;
    return {
      scores: Float64Array.from(input.cheapScores, (s, i) => (escalate[i] ? input.bigScores[i]! : s)),
      // Never escalating needs no confidence: one call of the cheap model, whatever the samples.
      costs: Float64Array.from(input.cheapScores, (_s, i) => (k === 0 ? callCost(i) : cost0(i) + (escalate[i] ? cost1(i) : 0))),
    };
  };
  const point = (k: number): CascadePoint => {
    const { scores, costs } = perCase(k);
    const c = compare({ model: 'cascade', scores, costs: input.cheapCosts }, bigColumn, matrix, { level: options.level, keep: (i) => keep[i] === 1 });
    return {
      threshold: k === n ? null : input.confidence[order[k]!]!,
      escalated: n === 0 ? 0 : k / n,
      accuracy: mean((i) => scores[i]!),
      costPerCase: mean((i) => costs[i]!),
      delta: c.delta,
      low: c.interval.low,
      high: c.interval.high,
      verdict: verdictOf(c.interval.low, c.interval.high, margin),
    };
  };

  // The fixed sequence: from always escalating (the big model's answers) down to never, while each
  // threshold stays within tolerance; the last one that did is chosen, if it costs less than the
  // big model alone.
  const bigOnly = { accuracy: mean((i) => input.bigScores[i]!), costPerCase: mean((i) => cost1(i)) };
  let last: { k: number; p: CascadePoint } | null = null;
  for (const k of [...grid].reverse()) {
    const p = point(k);
    if (p.verdict !== 'within') break;
    last = { k, p };
  }
  const chosen = last !== null && last.p.costPerCase < bigOnly.costPerCase ? last : null;
  const best = chosen?.p ?? null;
  let bestIntervals: CascadeResult['bestIntervals'] = null;
  if (chosen !== null) {
    const { scores, costs } = perCase(chosen.k);
    const s = idx.map((i) => scores[i]!);
    const right = s.filter((x) => x === 1).length;
    const cost = meanWithHalfWidth(idx.map((i) => costs[i]!));
    bestIntervals = {
      accuracy: binary ? wilson(right, s.length) : tInterval(s),
      costPerCase: { low: Math.max(0, cost.mean - cost.half), high: cost.mean + cost.half },
    };
  }
  const shown = thinned(grid, options.display ?? 8).map(point);
  if (best && !shown.some((p) => p.threshold === best!.threshold)) shown.push(best);
  shown.sort((a, b) => a.escalated - b.escalated);

  const wrong = (i: number): boolean => input.cheapScores[i]! < 1;
  return {
    cheap: input.cheap,
    big: input.big,
    source: input.source,
    n,
    points: shown,
    best,
    bestIntervals,
    oracle: {
      accuracy: mean((i) => (wrong(i) ? Math.max(input.cheapScores[i]!, input.bigScores[i]!) : input.cheapScores[i]!)),
      costPerCase: mean((i) => cost0(i) + (wrong(i) ? cost1(i) : 0)),
      escalated: mean((i) => (wrong(i) ? 1 : 0)),
    },
    cheapOnly: { accuracy: mean((i) => input.cheapScores[i]!), costPerCase: mean(callCost) },
    bigOnly,
    saving: best && bigOnly.costPerCase > 0 ? 1 - best.costPerCase / bigOnly.costPerCase : null,
  };
}

/** At most `count` items, evenly spread, always keeping the first and the last. */
function thinned<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const out: T[] = [];
  for (let j = 0; j < count; j++) out.push(items[Math.round((j * (items.length - 1)) / (count - 1))]!);
  return [...new Set(out)];
}

/**
 * The cascade's per-case inputs from the results: the cheap model's first answer, its score and
 * confidence (from its log-probs, a reported confidence, or agreement with its further samples),
 * the cost of the samples the cascade uses, and the big model's score and cost per call.
 */
export function cascadeFromResults(
  spec: { cheap: string; big: string; samples: number },
  perModel: ReadonlyArray<{ model: string; results: readonly CaseResult[] }>,
  cases: number,
  labels: readonly string[] | undefined,
  tolerancePp: number,
  level: number,
  clusters: Int32Array | undefined,
): CascadeResult {
  const cheap = perModel.find((p) => p.model === spec.cheap)?.results ?? [];
  const big = perModel.find((p) => p.model === spec.big)?.results ?? [];
  const nan = (): Float64Array => new Float64Array(cases).fill(NaN);
  const [cheapScores, cheapCosts, cheapCallCosts, bigScores, bigCosts, confidence] = [nan(), nan(), nan(), nan(), nan(), nan()];
  const firsts: Array<CaseResult | undefined> = new Array(cases);
  const others: string[][] = Array.from({ length: cases }, () => []);
  for (const r of cheap) {
    if (r.sample >= spec.samples) continue;
    if (r.cost !== null) cheapCosts[r.caseIndex] = (Number.isNaN(cheapCosts[r.caseIndex]!) ? 0 : cheapCosts[r.caseIndex]!) + r.cost;
    if (r.sample === 0) {
      firsts[r.caseIndex] = r;
      if (r.cost !== null) cheapCallCosts[r.caseIndex] = r.cost;
    } else if (r.output !== undefined) others[r.caseIndex]!.push(r.output);
  }
  const bigSum = new Float64Array(cases);
  const bigCount = new Uint32Array(cases);
  const bigCost = new Float64Array(cases);
  for (const r of big) {
    if (r.score === null) continue;
    bigSum[r.caseIndex]! += r.score;
    bigCost[r.caseIndex]! += r.cost ?? NaN;
    bigCount[r.caseIndex]! += 1;
  }
  const confidenceOf = makeConfidence(labels);
  const sources = new Set<string>();
  for (let i = 0; i < cases; i++) {
    if (bigCount[i]! > 0) {
      bigScores[i] = bigSum[i]! / bigCount[i]!;
      bigCosts[i] = bigCost[i]! / bigCount[i]!;
    }
    const first = firsts[i];
    if (first?.output === undefined || first.score === null) continue;
    cheapScores[i] = first.score;
    const c = confidenceOf(first.output, others[i]!, first.logprob);
    confidence[i] = c.value;
    sources.add(c.source);
  }
  return simulateCascade(
    {
      cheap: spec.cheap,
      big: spec.big,
      cheapScores,
      bigScores,
      cheapCosts,
      cheapCallCosts,
      bigCosts,
      confidence,
      source: sources.size === 1 ? [...sources][0]! : 'mixed',
      ...(clusters && { clusters }),
    },
    { tolerancePp, level },
  );
}

/**
 * The headline's second sentence when the cascade beats the recommendation on cost: without it the
 * summary says "Use opus" while the cascade a few lines below is as good for a fraction.
 */
export function cascadeHeadline(c: CascadeResult, recommended: string | null, recommendedPer1k: number | undefined, tolerancePp: number): string | undefined {
  const best = c.best;
  if (best === null || best.threshold === null || recommendedPer1k === undefined || best.costPerCase * 1000 >= recommendedPer1k) return undefined;
  const cheaper = Math.round((1 - (best.costPerCase * 1000) / recommendedPer1k) * 100);
  return (
    `Cheaper still: the cascade ${c.cheap} → ${c.big} (escalating when ${c.cheap}'s confidence is below ${best.threshold.toFixed(2)}) is within ${tolerancePp} pp of ${c.big} alone` +
    ` at ${cheaper} % less than ${recommended ?? c.big} — see the cascade below; its threshold was chosen on this data, so confirm it on fresh cases.`
  );
}
