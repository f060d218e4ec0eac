// Number formats shared by the sentences stages write and the views that print them.
import type { ModelSummary, Recommendation, SequentialReport } from './types.js';

const signed = (x: number): string => (x < 0 ? `−${Math.abs(x).toFixed(1)}` : `+${x.toFixed(1)}`);

/** −0.012 → "−1.2 pp" (a true minus sign, and a plus sign for gains). */
export const ppDelta = (x: number): string => `${signed(x * 100)} pp`;

/** "90 % CI −2.6 to +0.2" */
export const ppInterval = (low: number, high: number, level: number): string => `${levelPct(level)} % CI ${signed(low * 100)} to ${signed(high * 100)}`;

/** A level in whole percent, but never "100" for one that is not (a sequential run's first looks test at 99.98 %). */
const levelPct = (level: number): string => (Math.round(level * 100) < 100 ? String(Math.round(level * 100)) : String(Math.floor(level * 10000) / 100));

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
export function intervalsLegend(rec: Recommendation, sequential?: SequentialReport): string {
  const candidates = new Set(rec.comparisons.map((d) => d.model)).size;
  const level = rec.comparisons[0]?.interval.level ?? 1 - 2 * rec.look.alpha;
  const total = `${Math.round((1 - rec.level) * 50)} %`;
  const split = candidates > 1 ? `, split over ${candidates} cheaper models` : '';
  if (sequential !== undefined) {
    const levels = sequential.alphas.map((a) => `${levelPct(1 - 2 * a)} %`).join(', ');
    return `paired intervals at the level of the look that reached each verdict (the ${total} error${split}, spent over ${sequential.looks.length} looks by an O'Brien–Fleming-type function: ${levels})`;
  }
  const spent =
    rec.look.number === 1
      ? `4/5 of the ${total} error on this first look${split}; a --follow-up gets the rest`
      : `the rest of the ${total} error, on this follow-up of a ${rec.look.pilotCases?.toLocaleString('en-US') ?? '?'}-case pilot${split}`;
  return `paired ${Math.round(level * 1000) / 10} % intervals (${spent})`;
}

/**
 * `--sequential`: where the run stopped and what it saved, in one sentence for every format:
 * "stopped at look 1 of 4 (100 of 400 cases): decided. 200 of 800 calls, $0.0093 of $0.037 — saved $0.028 (75 %)".
 */
export function sequentialLine(s: SequentialReport): string {
  const cases = s.looks[s.stoppedAt - 1] ?? s.plannedCases;
  const how = s.decided
    ? 'decided'
    : s.stoppedAt === s.looks.length
      ? 'not every verdict decided, so every case was run'
      : 'stopped before the recommendation was decided';
  const cost =
    s.cost === null
      ? ' (cost unknown: a model is unpriced)'
      : `, ${money(s.cost.used)} of ${money(s.cost.full)}${s.cost.saved > 0 ? ` — saved ${money(s.cost.saved)} (${Math.round((s.cost.saved / s.cost.full) * 100)} %)` : ''}`;
  return `stopped at look ${s.stoppedAt} of ${s.looks.length} (${cases.toLocaleString('en-US')} of ${s.plannedCases.toLocaleString('en-US')} cases): ${how}. ${s.calls.used.toLocaleString('en-US')} of ${s.calls.full.toLocaleString('en-US')} calls${cost}`;
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
