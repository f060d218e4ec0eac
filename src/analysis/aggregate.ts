// Per-case results → one ModelSummary per model. Pure.

import { tInterval, wilson } from '../stats/intervals.js';
import { clusterInterval } from '../stats/paired.js';
import { quantileSorted } from '../stats/percentiles.js';
import type { Case, CaseResult, ErrorKind, Interval, ModelSpec, ModelSummary, Usage } from '../types.js';
import { withoutCaching } from './cost.js';

/**
 * Accuracy and its interval are over cases: with several samples per case the case's mean comes
 * first (statistics.md), and with a cluster column the interval is cluster-robust.
 */
export function summarize(spec: ModelSpec, results: readonly CaseResult[], cases: readonly Case[], clusters?: Int32Array): ModelSummary {
  const caseSum = new Float64Array(cases.length);
  const caseCount = new Uint32Array(cases.length);
  // Typed arrays sized up front, not growing arrays: at 100,000 results this runs at the run's
  // peak memory, and a growing array leaves each outgrown copy to the next full collection.
  const latencies = new Float64Array(results.length);
  const ttfts = new Float64Array(results.length);
  const speeds = new Float64Array(results.length);
  let timed = 0;
  let timedFirst = 0;
  let measuredSpeeds = 0;
  const byKind: Partial<Record<ErrorKind, number>> = {};
  const tokens: Usage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  const categories: Record<string, { scored: number; correct: number; sum: number }> = {};
  /** Calls that were answered (every sample of every case), and those right. */
  let answered = 0;
  let correct = 0;
  let errors = 0;
  let unscored = 0;
  let retries = 0;
  let cost = 0;
  let spent = 0;
  let cached = 0;
  let empty = 0;
  let truncated = 0;
  let refused = 0;
  let sent = 0;
  let paid = 0;
  let lost = 0;
  let estimatedUsage = 0;
  let charged = 0;
  let withUsage = 0;
  const caching = { writes: 0, reads: 0, paid: 0, uncached: 0 };

  for (const r of results) {
    retries += r.retries;
    // Read once: a result's usage is built from its columns on each read.
    const usage = r.usage;
    if (usage) {
      withUsage++;
      tokens.input += usage.input;
      tokens.output += usage.output;
      tokens.cacheWrite += usage.cacheWrite;
      tokens.cacheRead += usage.cacheRead;
      if (usage.reasoning) tokens.reasoning = (tokens.reasoning ?? 0) + usage.reasoning;
      if (usage.cacheWrite1h) tokens.cacheWrite1h = (tokens.cacheWrite1h ?? 0) + usage.cacheWrite1h;
      if (usage.estimated) estimatedUsage++;
      if (usage.charged !== undefined) charged++;
    }
    const callCost = r.cost;
    if (callCost !== null) cost += callCost;
    // What a gateway charged cannot be priced again without caching: those calls are left out.
    if (usage && spec.prices !== null && usage.charged === undefined && usage.cacheWrite + usage.cacheRead > 0) {
      const priced = withoutCaching(usage, spec.prices);
      caching.paid += priced.paid;
      caching.uncached += priced.uncached;
      if (usage.cacheWrite > 0) caching.writes++;
      if (usage.cacheRead > 0) caching.reads++;
    }
    const finish = r.finish ?? (r.output?.trim() === '' ? 'empty' : undefined);
    if (finish === 'empty') empty++;
    else if (finish === 'truncated') truncated++;
    else if (finish === 'refused') refused++;
    const paidHere = r.paid ?? 0;
    paid += paidHere;
    // Every paid response but the one whose answer is kept was lost (cut off, asked again).
    lost += Math.max(0, paidHere - (r.output !== undefined ? 1 : 0));
    if (r.cached) cached++;
    else {
      sent += r.retries + (r.error?.kind === 'aborted' ? 0 : 1);
      if (callCost !== null) spent += callCost;
    }
    const score = r.score;
    // An answer the scorer could not score (a judge failure) is neither right nor wrong, nor a failed call.
    if (score === null && r.output !== undefined) {
      unscored++;
      answered++;
      continue;
    }
    if (score === null) {
      errors++;
      const error = r.error;
      if (error) byKind[error.kind] = (byKind[error.kind] ?? 0) + 1;
      continue;
    }
    caseSum[r.caseIndex]! += score;
    caseCount[r.caseIndex]! += 1;
    answered++;
    if (score === 1) correct++;
    const latency = r.latencyMs;
    const ttft = r.ttftMs;
    if (latency !== null) {
      latencies[timed++] = latency;
      // Throughput after the first visible token when streaming (the usual definition), else over
      // the call. Thinking comes before the first visible token: its tokens are not counted then.
      const generating = ttft === null ? latency : latency - ttft;
      const generated = usage ? (ttft === null ? usage.output : usage.output - (usage.reasoning ?? 0) - 1) : 0;
      if (generated > 0 && generating > 0) speeds[measuredSpeeds++] = generated / (generating / 1000);
    }
    if (ttft !== null) ttfts[timedFirst++] = ttft;
  }

  const scores = new Float64Array(cases.length);
  const scoredIndex = new Int32Array(cases.length);
  let scored = 0;
  let sum = 0;
  let allRight = 0;
  let binary = true;
  for (let i = 0; i < cases.length; i++) {
    if (caseCount[i] === 0) continue;
    const mean = caseSum[i]! / caseCount[i]!;
    scores[scored] = mean;
    scoredIndex[scored++] = i;
    sum += mean;
    if (mean === 1) allRight++;
    else if (mean !== 0) binary = false;
    const category = cases[i]?.category;
    if (category !== undefined) {
      let c = categories[category];
      if (c === undefined) {
        c = { scored: 0, correct: 0, sum: 0 };
        categories[category] = c;
      }
      c.scored++;
      c.sum += mean;
      if (mean === 1) c.correct++;
    }
  }
  const caseScores = scores.subarray(0, scored);
  const accuracy = sum / scored;
  const lat = latencies.subarray(0, timed).sort();
  const ttft = ttfts.subarray(0, timedFirst).sort();
  const speed = speeds.subarray(0, measuredSpeeds).sort();
  const summary: ModelSummary = {
    model: spec.name,
    id: spec.id,
    endpoint: spec.endpoint,
    n: results.length,
    scored,
    correct,
    accuracy: scored === 0 ? null : accuracy,
    interval:
      scored === 0 ? null : clusterAccuracy(caseScores, scoredIndex.subarray(0, scored), clusters, binary ? wilson(allRight, scored) : tInterval(caseScores)),
    errors: { total: errors, byKind },
    retries,
    latencyMs:
      lat.length === 0
        ? null
        : { p50: quantileSorted(lat, 0.5), p90: quantileSorted(lat, 0.9), p95: quantileSorted(lat, 0.95), p99: quantileSorted(lat, 0.99) },
    ttftMs: ttft.length === 0 ? null : { p50: quantileSorted(ttft, 0.5), p95: quantileSorted(ttft, 0.95) },
    outputTokensPerSec: speed.length === 0 ? null : quantileSorted(speed, 0.5),
    tokens,
    cached,
    empty,
    truncated,
    refused,
    requests: { sent, paid, lost },
    estimatedUsage,
    ...(charged > 0 && { charged }),
    ...(caching.writes + caching.reads > 0 && {
      promptCache: {
        ...caching,
        saved: caching.uncached - caching.paid,
        savedFraction: caching.uncached === 0 ? 0 : (caching.uncached - caching.paid) / caching.uncached,
      },
    }),
    ...(unscored > 0 && { unscored }),
    // Unpriced, the cost is known only when the gateway reported every charge.
    cost:
      spec.prices === null && (charged === 0 || charged < withUsage)
        ? null
        : {
            total: cost,
            spent,
            // Per answered call, what production pays per case, however many samples each case had
            // (--repeats): the cost of every call, failed ones too, over the answers they bought.
            per1kCases: answered === 0 ? 0 : (cost / answered) * 1000,
            perCorrect: correct === 0 ? null : cost / correct,
          },
  };
  const names = Object.keys(categories);
  if (names.length > 0) {
    summary.categories = Object.fromEntries(
      names.sort().map((name) => {
        const c = categories[name] ?? { scored: 0, correct: 0, sum: 0 };
        return [name, { scored: c.scored, correct: c.correct, accuracy: c.scored === 0 ? null : c.sum / c.scored }];
      }),
    );
  }
  return summary;
}

/** With a cluster column: cluster-robust with t(G − 1), never narrower than `unclustered`. */
function clusterAccuracy(scores: Float64Array, index: Int32Array, clusters: Int32Array | undefined, unclustered: Interval): Interval {
  if (clusters === undefined) return unclustered;
  const ci = clusterInterval(
    scores,
    index.map((i) => clusters[i] ?? i),
    0.95,
    0,
    1,
    unclustered,
  );
  return { low: ci.low, high: ci.high, method: 'cluster', level: 0.95 };
}
