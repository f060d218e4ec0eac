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
 * A model's failures in one cell: errors and empty answers by kind, then the retries the SDKs made.
 * Empty answers and retries are infrastructure (a gateway, a limit), not the model's quality:
 * they belong beside the errors, not only in the accuracy.
 */
export function failuresText(s: Pick<ModelSummary, 'errors' | 'empty' | 'retries'>): { text: string; any: boolean } {
  const kinds = [...Object.entries(s.errors.byKind), ...(s.empty > 0 ? [['empty', s.empty] as const] : [])];
  const total = s.errors.total + s.empty;
  const text = `${total}${kinds.length > 0 ? ` (${kinds.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}${s.retries > 0 ? ` · ${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}` : ''}`;
  return { text, any: total > 0 };
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
  const spent =
    rec.look.number === 1
      ? `4/5 of the ${total} error on this first look${split}; a --follow-up gets the rest`
      : `the rest of the ${total} error, on this follow-up of a ${rec.look.pilotCases?.toLocaleString('en-US') ?? '?'}-case pilot${split}`;
  return `paired ${Math.round(level * 1000) / 10} % intervals (${spent})`;
}

/** What the cheaper models were tested against. */
export function testedAgainst(rec: Recommendation): string {
  if (rec.reference === null) return 'no model to test against';
  return rec.comparisons.every((d) => d.reference === rec.reference)
    ? `cheaper models tested against ${rec.reference}`
    : 'each model tested against every model that costs more';
}

/** USD per million tokens for people: cents, or as many decimals as the rate has (to 4), never float noise. */
export function perMtok(x: number): string {
  if (x >= 1) return `$${x.toFixed(2)}`;
  const exact = Number(x.toPrecision(6)).toString();
  const decimals = Math.min(4, Math.max(2, (exact.split('.')[1] ?? '').length));
  return `$${x.toFixed(decimals)}`;
}

/** `text` in lines of at most 80 columns, each after `indent` (the first after `first`: a hanging indent). */
export function wrap(text: string, indent: string, first = indent): string {
  const lines: string[] = [];
  let start = first;
  let line = first;
  for (const word of text.split(' ')) {
    if (line.length > start.length && line.length + 1 + word.length > 80) {
      lines.push(line);
      line = start = indent;
    }
    line += (line.length > start.length ? ' ' : '') + word;
  }
  return [...lines, line].join('\n');
}
