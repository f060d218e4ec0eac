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

/** The level of the verdicts' intervals, and how the error was split over cheaper models and looks. */
export function intervalsLegend(rec: Recommendation): string {
  const candidates = new Set(rec.comparisons.map((d) => d.model)).size;
  const level = rec.comparisons[0]?.interval.level ?? 1 - 2 * rec.look.alpha;
  const total = `${Math.round((1 - rec.level) * 50)} %`;
  const split = candidates > 1 ? `, split over ${candidates} cheaper models` : '';
  const spent = rec.look.number === 1
    ? `4/5 of the ${total} error on this first look${split}; a --follow-up gets the rest`
    : `the rest of the ${total} error, on this follow-up of a ${rec.look.pilotCases?.toLocaleString('en-US') ?? '?'}-case pilot${split}`;
  return `paired ${Math.round(level * 1000) / 10} % intervals (${spent})`;
}

/** What the cheaper models were tested against. */
export function testedAgainst(rec: Recommendation): string {
  return rec.comparisons.every((d) => d.reference === rec.reference) ? `cheaper models tested against ${rec.reference}` : 'each model tested against every model that costs more';
}
