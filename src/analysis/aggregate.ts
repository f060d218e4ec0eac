// Per-case results → one ModelSummary per model. Pure.
import type { Case, CaseResult, ErrorKind, Interval, ModelSpec, ModelSummary, Usage } from '../types.js';
import { normalQuantile, tInterval, wilson } from './intervals.js';
import { clusterRobustSE } from './paired.js';
import { median, quantileSorted, sortedCopy } from './percentiles.js';

/**
 * Accuracy and its interval are over cases: with several samples per case the case's mean comes
 * first (statistics.md), and with a cluster column the interval is cluster-robust.
 */
export function summarize(spec: ModelSpec, results: readonly CaseResult[], cases: readonly Case[], clusters?: Int32Array): ModelSummary {
  const caseSum = new Float64Array(cases.length);
  const caseCount = new Uint32Array(cases.length);
  const latencies: number[] = [];
  const ttfts: number[] = [];
  const speeds: number[] = [];
  const byKind: Partial<Record<ErrorKind, number>> = {};
  const tokens: Usage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  const categories: Record<string, { scored: number; correct: number; sum: number }> = {};
  let correct = 0;
  let errors = 0;
  let retries = 0;
  let cost = 0;
  let spent = 0;
  let cached = 0;
  let empty = 0;

  for (const r of results) {
    retries += r.retries;
    if (r.usage) {
      tokens.input += r.usage.input;
      tokens.output += r.usage.output;
      tokens.cacheWrite += r.usage.cacheWrite;
      tokens.cacheRead += r.usage.cacheRead;
    }
    if (r.cost !== null) cost += r.cost;
    if (r.output === '') empty++;
    if (r.cached) cached++;
    else if (r.cost !== null) spent += r.cost;
    if (r.score === null) {
      errors++;
      if (r.error) byKind[r.error.kind] = (byKind[r.error.kind] ?? 0) + 1;
      continue;
    }
    caseSum[r.caseIndex]! += r.score;
    caseCount[r.caseIndex]! += 1;
    if (r.score === 1) correct++;
    if (r.latencyMs !== null) {
      latencies.push(r.latencyMs);
      // Throughput after the first token when streaming (the usual definition), else over the call.
      const generating = r.ttftMs === null ? r.latencyMs : r.latencyMs - r.ttftMs;
      const tokens = r.usage ? (r.ttftMs === null ? r.usage.output : r.usage.output - 1) : 0;
      if (tokens > 0 && generating > 0) speeds.push(tokens / (generating / 1000));
    }
    if (r.ttftMs !== null) ttfts.push(r.ttftMs);
  }

  const scores: number[] = [];
  const scoredIndex: number[] = [];
  for (let i = 0; i < cases.length; i++) {
    if (caseCount[i] === 0) continue;
    const mean = caseSum[i]! / caseCount[i]!;
    scores.push(mean);
    scoredIndex.push(i);
    const category = cases[i]?.category;
    if (category !== undefined) {
      const c = (categories[category] ??= { scored: 0, correct: 0, sum: 0 });
      c.scored++;
      c.sum += mean;
      if (mean === 1) c.correct++;
    }
  }
  const scored = scores.length;
  const binary = scores.every((s) => s === 0 || s === 1);
  const sum = scores.reduce((s, v) => s + v, 0);
  const allRight = scores.filter((s) => s === 1).length;
  const lat = sortedCopy(latencies);
  const ttft = sortedCopy(ttfts);
  const summary: ModelSummary = {
    model: spec.name,
    id: spec.id,
    endpoint: spec.endpoint,
    n: results.length,
    scored,
    correct,
    accuracy: scored === 0 ? null : sum / scored,
    interval: scored === 0 ? null : clusters ? clusterAccuracy(scores, scoredIndex, clusters) : binary ? wilson(allRight, scored) : tInterval(scores),
    errors: { total: errors, byKind },
    retries,
    latencyMs: lat.length === 0 ? null : { p50: quantileSorted(lat, 0.5), p90: quantileSorted(lat, 0.9), p95: quantileSorted(lat, 0.95), p99: quantileSorted(lat, 0.99) },
    ttftMs: ttft.length === 0 ? null : { p50: quantileSorted(ttft, 0.5), p95: quantileSorted(ttft, 0.95) },
    outputTokensPerSec: speeds.length === 0 ? null : median(speeds),
    tokens,
    cached,
    empty,
    cost: spec.prices === null ? null : {
      total: cost,
      spent,
      per1kCases: scored === 0 ? 0 : (cost / scored) * 1000,
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

function clusterAccuracy(scores: readonly number[], index: readonly number[], clusters: Int32Array): Interval {
  const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
  const se = clusterRobustSE(scores, index.map((i) => clusters[i] ?? i));
  const half = Number.isFinite(se) ? normalQuantile(0.975) * se : 1;
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half), method: 'cluster', level: 0.95 };
}
