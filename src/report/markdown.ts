// The Markdown summary: for a pull request, a CI job summary ($GITHUB_STEP_SUMMARY), a wiki.
import { costMark, failuresText, intervalsLegend, money, pct, sequentialLine } from '../format.js';
import type { ClassReport, Report } from '../types.js';
import { markdownCell } from './escape.js';
import { BATCH_SENTENCE, embeddingSentence, judgeSentences, lookRows, NOT_MEASURED, promptCacheSentences } from './sentences.js';

/** A model's confusion matrix, rows expected, columns named, with recall per row and precision under each column. */
function confusionMarkdown(model: string, c: ClassReport): string[] {
  const f = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const head = [...c.labels, 'other'].map(markdownCell);
  return [
    `<details><summary>${markdownCell(model)}: confusion matrix (macro F1 ${f(c.macroF1)})</summary>`,
    '',
    `| expected ↓ named → | ${head.join(' | ')} | recall | F1 |`,
    `|---|${head.map(() => '---:').join('|')}|---:|---:|`,
    ...c.labels.map((label, i) => {
      const l = c.perLabel[i]!;
      return `| ${markdownCell(label)} | ${c.matrix[i]!.join(' | ')} | ${f(l.recall)} | ${f(l.f1)} |`;
    }),
    `| precision | ${c.perLabel.map((l) => f(l.precision)).join(' | ')} | | | |`,
    '',
    '</details>',
  ];
}

export function renderMarkdown(report: Report): string {
  const { summaries, recommendation: rec } = report;
  const name = report.dataset.path.split(/[\\/]/).pop() ?? report.dataset.path;
  const out: string[] = [];
  out.push(`## tierbench: ${markdownCell(name)} — ${report.dataset.cases} cases, ${summaries.length} models${report.run.simulated ? ' (simulated)' : ''}`, '');
  if (report.gate) {
    const failed = report.gate.checks.filter((c) => c.status === 'fail');
    out.push(
      report.gate.passed
        ? `**Gate passed** (${report.gate.checks.length} checks)`
        : `**Gate failed** (${failed.length} of ${report.gate.checks.length} checks)`,
      '',
    );
    for (const c of report.gate.checks) if (c.status !== 'pass') out.push(`- ${c.status === 'fail' ? '❌' : '⚠️'} ${markdownCell(c.message)}`);
    if (report.gate.checks.some((c) => c.status !== 'pass')) out.push('');
  }
  out.push(`**${markdownCell(rec.summary)}**`, '');
  // A batch run measured no latency: its cells say so, never 0 or a dash.
  const latency = (x: number | undefined): string => (report.settings.batch === true ? NOT_MEASURED : x === undefined ? '—' : String(Math.round(x)));
  if (report.settings.batch === true) out.push(BATCH_SENTENCE, '');
  out.push('| Model | Accuracy | 95 % CI | n | Errors | p50 ms | p95 ms | $/1k cases |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of summaries) {
    const mark = s.model === rec.recommended ? ' ★' : '';
    out.push(
      `| ${markdownCell(s.model)}${mark} | ${s.accuracy === null ? '—' : pct(s.accuracy)} | ${s.interval ? `${pct(s.interval.low)}–${pct(s.interval.high)}` : '—'} | ${s.scored} | ${failuresText(s).text}${s.truncated > 0 ? ` · ${s.truncated} cut` : ''}${s.refused > 0 ? ` · ${s.refused} refused` : ''} | ${latency(s.latencyMs?.p50)} | ${latency(s.latencyMs?.p95)} | ${s.cost ? `${costMark(s)}${money(s.cost.per1kCases)}` : 'unpriced'} |`,
    );
  }
  if (rec.comparisons.length > 0) {
    out.push('', `Verdicts (tolerance ${rec.tolerancePp} pp, ${intervalsLegend(rec, report.sequential)}):`, '');
    for (const d of rec.comparisons) out.push(`- ${{ within: '✅', worse: '❌', inconclusive: '❔' }[d.verdict]} ${markdownCell(d.sentence)}`);
  }
  if (report.sequential) {
    const line = sequentialLine(report.sequential);
    out.push('', '## Sequential decision', '', `${markdownCell(line[0]!.toUpperCase() + line.slice(1))}.`, '');
    out.push('| Look | Cases | One-sided α per candidate | Verdicts reached |', '|---:|---:|---:|---|');
    for (const look of lookRows(report.sequential, rec.comparisons))
      out.push(`| ${look.look} | ${look.cases.toLocaleString('en-US')} | ${look.alpha} | ${markdownCell(look.verdicts)} |`);
  }
  if (report.routing) {
    out.push(
      '',
      `Routing by ${markdownCell(report.routing.column)}: ${Object.entries(report.routing.map)
        .map(([k, v]) => `${markdownCell(k)} → ${markdownCell(v)}`)
        .join(', ')}` +
        (report.routing.saving !== null
          ? ` (${Math.round(report.routing.saving * 100)} % less than everything on ${markdownCell(report.routing.baseline.model)}).`
          : '.'),
    );
  }
  if (report.cascade?.best) {
    const c = report.cascade;
    out.push(
      '',
      `Cascade ${markdownCell(c.cheap)} → ${markdownCell(c.big)}: escalating ${Math.round(c.best!.escalated * 100)} % of cases gives ${pct(c.best!.accuracy)} at ${money(c.best!.costPerCase * 1000)} per 1,000 cases` +
        (c.saving !== null ? `, ${Math.round(c.saving * 100)} % less than ${markdownCell(c.big)} alone.` : '.'),
    );
  }
  for (const s of summaries) if (s.classes) out.push('', ...confusionMarkdown(s.model, s.classes));
  if (report.embedding) out.push('', markdownCell(embeddingSentence(report.embedding)));
  for (const line of promptCacheSentences(report.summaries, report.settings.promptCache)) out.push('', markdownCell(line));
  if (report.judge) {
    const judged = judgeSentences(report.judge);
    out.push('', ...judged.lines.map((l) => `${markdownCell(l.trim())}  `), ...judged.warnings.map((w) => `> **warning:** ${markdownCell(w)}`));
  }
  for (const n of [...rec.caveats, ...report.notes]) out.push(`> ${markdownCell(n)}`);
  out.push('', `<sub>tierbench ${report.tool.version} · run ${report.run.id} · ${report.run.status}</sub>`, '');
  return out.join('\n');
}
