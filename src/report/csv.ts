// Per-case results as CSV, one row per case × model × sample, for spreadsheets.
import type { Report } from '../types.js';
import { csvField } from './escape.js';
import { judgeVerdictsOf, NOT_MEASURED } from './sentences.js';

const HEADER = [
  'case_id',
  'line',
  'category',
  'model',
  'sample',
  'expected',
  'answer',
  'finish',
  'stop_reason',
  'score',
  'score_reason',
  'judge_verdicts',
  'latency_ms',
  'ttft_ms',
  'input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'usage_estimated',
  'cache_write_tokens',
  'cache_read_tokens',
  'cost_usd',
  'paid_responses',
  'cached',
  'error_kind',
  'error_message',
  'prompt',
];

// Costs to 12 significant digits: a sum of float products prints as $0.010000000000000002.
export function renderCsv(report: Report): string {
  const rows = [HEADER.join(',')];
  const batch = report.settings.batch === true;
  for (const r of report.results) {
    const c = report.cases[r.caseIndex];
    rows.push(
      [
        c?.id,
        c?.line,
        c?.category,
        r.model,
        r.sample,
        c?.expected,
        r.output,
        r.finish,
        r.stopReason,
        r.score,
        r.reason,
        report.judge === undefined ? null : judgeVerdictsOf(report, r),
        // A batch run measured none: said in the cell, as every view says it.
        batch ? NOT_MEASURED : r.latencyMs === null ? null : Math.round(r.latencyMs * 10) / 10,
        batch ? NOT_MEASURED : r.ttftMs === null ? null : Math.round(r.ttftMs * 10) / 10,
        r.usage?.input,
        r.usage?.output,
        r.usage?.reasoning,
        r.usage === null ? null : r.usage.estimated === true,
        r.usage?.cacheWrite,
        r.usage?.cacheRead,
        r.cost === null ? null : Number(r.cost.toPrecision(12)),
        r.paid,
        r.cached === true,
        r.error?.kind,
        r.error?.message,
        c?.prompt,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}
