// The terminal view: one row per model, then the recommendation in words.
import { stripVTControlCharacters } from 'node:util';
import chalk from 'chalk';
import Table from 'cli-table3';
import { costMark, failuresText, intervalsLegend, money, pct, ppDelta, sequentialLine, testedAgainst } from '../format.js';
import type { CascadeResult, ModelSummary, Projections, Report, RoutingTable } from '../types.js';
import {
  BATCH_SENTENCE,
  cascadeAdvice,
  cascadeOracle,
  cascadeSource,
  cascadeThreshold,
  embeddingSentence,
  judgeSentences,
  NOT_MEASURED,
  promptCacheSentences,
  weakestLabels,
} from './sentences.js';

const ms = (x: number | undefined): string => (x === undefined ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}`);

/** A column of the model table; `drop`: the order in which it gives way to a narrow terminal (1 first). */
interface Column {
  head: string;
  align: 'left' | 'right';
  cell: (s: ModelSummary) => string;
  drop?: number;
}

/** The table's widest line, in terminal columns (colours are not columns). */
const widthOf = (text: string): number => Math.max(...text.split('\n').map((line) => stripVTControlCharacters(line).length));

/** `width`: the terminal's; the table drops its least needed columns until it fits (none when undefined). */
export function renderTable(report: Report, width?: number): string {
  const { summaries, recommendation } = report;
  const star = (s: ModelSummary): string =>
    s.model === recommendation.recommended ? chalk.green('★ ') : s.model === recommendation.reference ? chalk.dim('◆ ') : '  ';
  const flagged = (n: number): string => (n === 0 ? '0' : chalk.yellow(String(n)));
  // Answers cut at the token limit or refused are columns of their own when any model has them:
  // an infrastructure or settings problem must not pass for a quality gap.
  const columns: Column[] = [
    { head: 'Model', align: 'left', cell: (s) => star(s) + s.model },
    { head: 'Accuracy', align: 'right', cell: (s) => (s.accuracy === null ? '—' : pct(s.accuracy)) },
    { head: '95% CI', align: 'right', cell: (s) => (s.interval === null ? '—' : `${pct(s.interval.low)}–${pct(s.interval.high)}`) },
    { head: 'n', align: 'right', cell: (s) => String(s.scored), drop: 6 },
    {
      head: 'Errors',
      align: 'right',
      cell: (s) => {
        const f = failuresText(s);
        return f.any ? chalk.red(f.text) : f.text;
      },
    },
    ...(summaries.some((s) => s.truncated > 0) ? [{ head: 'Cut', align: 'right' as const, cell: (s: ModelSummary) => flagged(s.truncated) }] : []),
    ...(summaries.some((s) => s.refused > 0) ? [{ head: 'Refused', align: 'right' as const, cell: (s: ModelSummary) => flagged(s.refused) }] : []),
    // A batch run measured no latency: one column says so, instead of four of dashes.
    ...(report.settings.batch === true
      ? [{ head: 'Latency', align: 'right' as const, cell: () => NOT_MEASURED, drop: 5 }]
      : [
          { head: 'p50 ms', align: 'right' as const, cell: (s: ModelSummary) => ms(s.latencyMs?.p50), drop: 5 },
          { head: 'p95 ms', align: 'right' as const, cell: (s: ModelSummary) => ms(s.latencyMs?.p95) },
          { head: 'TTFT p50', align: 'right' as const, cell: (s: ModelSummary) => ms(s.ttftMs?.p50), drop: 2 },
          {
            head: 'tok/s',
            align: 'right' as const,
            cell: (s: ModelSummary) => (s.outputTokensPerSec === null ? '—' : String(Math.round(s.outputTokensPerSec))),
            drop: 1,
          },
        ]),
    { head: 'Cost', align: 'right', cell: (s) => (s.cost === null ? 'unpriced' : costMark(s) + money(s.cost.total)), drop: 4 },
    { head: '$/1k cases', align: 'right', cell: (s) => (s.cost === null ? '—' : costMark(s) + money(s.cost.per1kCases)) },
    {
      head: '$/1k correct',
      align: 'right',
      cell: (s) => (s.cost?.perCorrect === null || s.cost?.perCorrect === undefined ? '—' : costMark(s) + money(s.cost.perCorrect * 1000)),
      drop: 3,
    },
  ];
  const draw = (shown: readonly Column[]): string => {
    const table = new Table({
      head: shown.map((c) => c.head),
      style: { head: chalk.level > 0 ? ['cyan'] : [], border: chalk.level > 0 ? ['grey'] : [] },
      // No rule between model rows: the table stays as tall as the number of models.
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      colAligns: shown.map((c) => c.align),
    });
    for (const s of summaries) table.push(shown.map((c) => c.cell(s)));
    return table.toString();
  };
  let shown = columns;
  let text = draw(shown);
  const hidden: string[] = [];
  for (const next of columns.filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!)) {
    if (width === undefined || widthOf(text) <= width) break;
    shown = shown.filter((c) => c !== next);
    hidden.push(next.head);
    text = draw(shown);
  }
  const lines = [text];
  if (hidden.length > 0)
    lines.push(chalk.dim(`(${hidden.join(', ')} left out to fit ${width} columns: a wider terminal, --report md or the JSON report has them)`));
  lines.push('');
  lines.push(
    `${chalk.dim('◆')} reference   ${chalk.green('★')} recommended   tolerance ${recommendation.tolerancePp} pp, verdicts on ${intervalsLegend(recommendation, report.sequential)}, ${testedAgainst(recommendation)} (the 95% CI column is each model on its own; --explain says more)`,
  );
  const mark = { within: chalk.green('✓'), worse: chalk.red('✗'), inconclusive: chalk.yellow('?') } as const;
  for (const d of recommendation.comparisons) {
    const p =
      d.p === null ? '' : chalk.dim(`  (McNemar p ${d.p < 0.001 ? '< 0.001' : d.p.toFixed(3)}, ${Math.round(d.discordance * 100)} % discordant, n ${d.n})`);
    lines.push(`  ${mark[d.verdict]} ${d.sentence}${p}`);
  }
  for (const e of recommendation.excluded) lines.push(chalk.dim(`  · ${e.model}: ${e.reason}`));
  lines.push(chalk.bold(recommendation.summary));
  if (report.sequential) lines.push(`Sequential: ${sequentialLine(report.sequential)}.`);
  if (summaries.some((s) => s.classes !== undefined)) {
    lines.push('', 'Weakest labels (--report md or html has the confusion matrices):');
    for (const s of summaries) if (s.classes) lines.push(`  ${s.model}: ${weakestLabels(s.classes)}`);
  }
  if (report.routing) lines.push('', renderRouting(report.routing));
  if (report.cascade) lines.push('', renderCascade(report.cascade, recommendation.tolerancePp));
  if (report.projections) lines.push('', renderProjections(report.projections));
  if (report.judge) {
    const judged = judgeSentences(report.judge);
    lines.push('', ...judged.lines, ...judged.warnings.map((w) => chalk.yellow(`  warning: ${w}`)));
  }
  const cached = summaries.reduce((n, x) => n + x.cached, 0);
  if (cached > 0) {
    const spent = summaries.reduce((n, x) => n + (x.cost?.spent ?? 0), 0);
    const answers = summaries.reduce((n, x) => n + x.n, 0);
    lines.push(
      chalk.dim(
        `Spent in this run: ${money(spent)}. ${cached} of ${answers} answers came from the response cache (priced above as if paid; no latency measured for them).`,
      ),
    );
  }
  if (report.embedding) lines.push(embeddingSentence(report.embedding));
  lines.push(...promptCacheSentences(summaries, report.settings.promptCache));
  if (report.settings.batch === true) lines.push(BATCH_SENTENCE);
  if (report.run.simulated)
    lines.push(
      chalk.yellow(
        `Simulated models (tierbench's emulator): the answers, accuracy and latency are made up; the costs are the real ${report.settings.batch === true ? 'batch rates' : 'list prices'} of the tokens.`,
      ),
    );
  for (const c of recommendation.caveats) lines.push(chalk.yellow(`  note: ${c}`));
  for (const n of report.notes) lines.push(chalk.yellow(`  note: ${n}`));
  return `${lines.join('\n')}\n`;
}

function renderRouting(routing: RoutingTable): string {
  const table = new Table({
    head: [`By ${routing.column}`, 'n', 'Default', 'Route to', 'Accuracy', '$/1k cases', 'Why'],
    style: { head: chalk.level > 0 ? ['cyan'] : [], border: chalk.level > 0 ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'right', 'left', 'left', 'right', 'right', 'left'],
  });
  for (const r of routing.rows) {
    const passed = r.decisions.find((d) => d.model === r.chosen);
    const blocker = r.decisions.find((d) => d.verdict !== 'within');
    const why =
      r.held !== undefined
        ? r.held
        : passed
          ? `within tolerance (Δ ${ppDelta(passed.delta)})`
          : blocker
            ? `${blocker.model} ${blocker.verdict}${blocker.verdict === 'inconclusive' && blocker.moreCases !== null ? ` (~${blocker.moreCases.toLocaleString('en-US')} more cases)` : ''}`
            : 'cheapest measured';
    table.push([
      r.category,
      String(r.n),
      r.reference,
      r.chosen === r.reference ? r.chosen : chalk.green(r.chosen),
      pct(r.accuracy),
      money(r.costPerCase * 1000),
      why,
    ]);
  }
  const b = routing.blended;
  const lines = [table.toString()];
  lines.push(
    `Routing by ${routing.column}: ${pct(b.accuracy)} at ${money(b.costPerCase * 1000)} per 1,000 cases, against ${pct(routing.baseline.accuracy)} at ${money(routing.baseline.costPerCase * 1000)} with everything on ${routing.baseline.model}` +
      (routing.saving !== null ? ` (${Math.round(routing.saving * 100)} % ${routing.saving >= 0 ? 'less' : 'more'}).` : '.'),
  );
  if (routing.unassigned > 0) lines.push(chalk.yellow(`  note: ${routing.unassigned} cases have no ${routing.column} and are not in the table`));
  lines.push(
    chalk.dim(
      `Each route is within tolerance of every pricier model in its ${routing.column}, held to a 5 % error across the ${routing.column} values together (Holm). The routes are chosen on this data: confirm them on fresh cases.`,
    ),
  );
  return lines.join('\n');
}

function renderCascade(c: CascadeResult, tolerancePp: number): string {
  const table = new Table({
    head: ['Escalate if conf <', 'Escalated', 'Accuracy', '$/1k cases', `vs ${c.big} alone`],
    style: { head: chalk.level > 0 ? ['cyan'] : [], border: chalk.level > 0 ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['right', 'right', 'right', 'right', 'left'],
  });
  const mark = { within: chalk.green('✓'), worse: chalk.red('✗'), inconclusive: chalk.yellow('?') } as const;
  for (const p of c.points) {
    const row = [
      (p === c.best ? '★ ' : '') + cascadeThreshold(p),
      `${Math.round(p.escalated * 100)} %`,
      pct(p.accuracy),
      money(p.costPerCase * 1000),
      `${mark[p.verdict]} Δ ${ppDelta(p.delta)}`,
    ];
    table.push(p === c.best ? row.map((x) => chalk.bold(x)) : row);
  }
  const advice = cascadeAdvice(c, tolerancePp);
  return [
    `Cascade ${c.cheap} → ${c.big}, confidence from ${cascadeSource(c)} (n ${c.n}):`,
    table.toString(),
    c.best ? chalk.bold(advice) : advice,
    chalk.dim(cascadeOracle(c)),
  ].join('\n');
}

function renderProjections(p: Projections): string {
  const table = new Table({
    head: [`At ${p.volume}`, 'per day', 'per month', '95 % CI per month'],
    style: { head: chalk.level > 0 ? ['cyan'] : [], border: chalk.level > 0 ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'right', 'right', 'right'],
  });
  for (const m of p.models) {
    table.push([
      (m.model === p.recommended?.model ? '★ ' : '  ') + m.model,
      money(m.perDay),
      money(m.perMonth),
      `${money(m.perMonthLow)}–${money(m.perMonthHigh)}`,
    ]);
  }
  if (p.routing) table.push(['  routing table', money(p.routing.perDay), money(p.routing.perMonth), '']);
  if (p.cascade) table.push(['  cascade', money(p.cascade.perDay), money(p.cascade.perMonth), '']);
  return table.toString();
}
