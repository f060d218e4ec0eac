// Number formats shared by the sentences stages write and the views that print them.
import type { ModelSummary, Recommendation } from './types.js';

const signed = (x: number): string => (x < 0 ? `−${Math.abs(x).toFixed(1)}` : `+${x.toFixed(1)}`);

/** −0.012 → "−1.2 pp" (a true minus sign, and a plus sign for gains). */
export const ppDelta = (x: number): string => `${signed(x * 100)} pp`;

/** "90 % CI −2.6 to +0.2" */
export const ppInterval = (low: number, high: number, level: number): string => `${Math.round(level * 100)} % CI ${signed(low * 100)} to ${signed(high * 100)}`;

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function money(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (x === 0) return '$0';
  if (Math.abs(x) < 0.01) return `$${x.toPrecision(2)}`;
  return `$${x.toFixed(2)}`;
}

/**
 * What a model's cost figures are: "≥" when some calls may have been billed at an unknown cost
 * (timed out, or cut after they began), "~" when some tokens behind them were estimated.
 */
export function costMark(s: Pick<ModelSummary, 'requests' | 'errors' | 'estimatedUsage'>): string {
  return (s.requests.lost > 0 || (s.errors.byKind.timeout ?? 0) > 0 ? '≥' : '') + (s.estimatedUsage > 0 ? '~' : '');
}

/** The level the verdicts used: the decision level, split over the cheaper models when there are several. */
export function intervalsLegend(rec: Recommendation): string {
  const candidates = new Set(rec.comparisons.map((d) => d.model)).size;
  const level = rec.comparisons[0]?.interval.level ?? rec.level;
  return candidates > 1 ? `paired ${Math.round(level * 1000) / 10} % intervals (one-sided ${Math.round((1 - rec.level) * 50)} % split over ${candidates} cheaper models)` : `paired ${Math.round(level * 100)} % intervals`;
}
