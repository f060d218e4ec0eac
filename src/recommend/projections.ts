// "500 tickets a day": per-case cost × volume, with the interval of the per-case cost. Pure.

import type { ModelColumn } from '../analysis/matrix.js';
import { meanWithHalfWidth } from '../stats/intervals.js';
import type { CostProjection, Projections } from '../types.js';

const PER_DAY: Record<string, number> = { hour: 24, day: 1, week: 1 / 7, month: 1 / 30, year: 1 / 365 };

/** "500/day", "10k/month", "1,200 / week", "2e6/year" → cases per day; undefined when unreadable. */
export function parseVolume(text: string): number | undefined {
  // The period is required: 500 a day and 500 a month are a 30x different bill.
  const m = /^\s*([\d.,]+(?:e\d+)?)\s*([kKmM]?)\s*\/\s*(hour|day|week|month|year)s?\s*$/.exec(text);
  if (!m) return undefined;
  const base = Number((m[1] ?? '').replace(/,/g, ''));
  const scale = m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  const perDay = PER_DAY[m[3] ?? ''] ?? 1;
  const value = base * scale * perDay;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export function project(column: ModelColumn, casesPerDay: number): CostProjection | undefined {
  const costs: number[] = [];
  for (const c of column.costs) if (!Number.isNaN(c)) costs.push(c);
  if (costs.length === 0) return undefined;
  const { mean, half } = meanWithHalfWidth(costs);
  const month = casesPerDay * 30;
  return {
    perCase: mean,
    perDay: mean * casesPerDay,
    perMonth: mean * month,
    perMonthLow: Math.max(0, mean - half) * month,
    perMonthHigh: (mean + half) * month,
  };
}

export function projections(
  volume: string,
  casesPerDay: number,
  columns: readonly ModelColumn[],
  extras: { recommended?: string; routingPerCase?: number; cascadePerCase?: number },
): Projections {
  const models = columns.flatMap((c) => {
    const p = project(c, casesPerDay);
    return p ? [{ model: c.model, ...p }] : [];
  });
  const recommended = models.find((m) => m.model === extras.recommended);
  const at = (perCase: number): { perDay: number; perMonth: number } => ({ perDay: perCase * casesPerDay, perMonth: perCase * casesPerDay * 30 });
  return {
    volume,
    casesPerDay,
    models,
    ...(recommended && { recommended }),
    ...(extras.routingPerCase !== undefined && Number.isFinite(extras.routingPerCase) && { routing: at(extras.routingPerCase) }),
    ...(extras.cascadePerCase !== undefined && Number.isFinite(extras.cascadePerCase) && { cascade: at(extras.cascadePerCase) }),
  };
}
