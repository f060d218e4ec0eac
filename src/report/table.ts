// The terminal view: one row per model, then the recommendation in words.
import chalk from 'chalk';
import Table from 'cli-table3';
import { costMark, intervalsLegend, money, pct, ppDelta, testedAgainst } from '../format.js';
import type { CascadeResult, Projections, Report, RoutingTable } from '../types.js';
import { cascadeAdvice, cascadeOracle, cascadeSource, cascadeThreshold } from './sentences.js';

const ms = (x: number | undefined): string => (x === undefined ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}`);


export function renderTable(report: Report): string {
  const { summaries, recommendation } = report;
  // Answers cut at the token limit or refused are columns of their own when any model has them:
  // an infrastructure or settings problem must not pass for a quality gap.
  const cut = summaries.some((s) => s.truncated > 0);
  const refused = summaries.some((s) => s.refused > 0);
  const table = new Table({
    head: ['Model', 'Accuracy', '95% CI', 'n', 'Errors', ...(cut ? ['Cut'] : []), ...(refused ? ['Refused'] : []), 'p50 ms', 'p95 ms', 'TTFT p50', 'tok/s', 'Cost', '$/1k cases', '$/1k correct'],
    style: { head: chalk.level > 0 ? ['cyan'] : [], border: chalk.level > 0 ? ['grey'] : [] },
    // No rule between model rows: the table stays as tall as the number of models.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', ...Array<'right'>(11 + (cut ? 1 : 0) + (refused ? 1 : 0)).fill('right')],
  });
  for (const s of summaries) {
    const mark = s.model === recommendation.recommended ? chalk.green('★ ') : s.model === recommendation.reference ? chalk.dim('◆ ') : '  ';
    const errors = s.errors.total === 0 ? '0' : chalk.red(`${s.errors.total} (${Object.entries(s.errors.byKind).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    const flagged = (n: number): string => (n === 0 ? '0' : chalk.yellow(String(n)));
    const approx = costMark(s);
    table.push([
      mark + s.model,
      s.accuracy === null ? '—' : pct(s.accuracy),
      s.interval === null ? '—' : `${pct(s.interval.low)}–${pct(s.interval.high)}`,
      String(s.scored),
      errors,
      ...(cut ? [flagged(s.truncated)] : []),
      ...(refused ? [flagged(s.refused)] : []),
      ms(s.latencyMs?.p50),
      ms(s.latencyMs?.p95),
      ms(s.ttftMs?.p50),
      s.outputTokensPerSec === null ? '—' : String(Math.round(s.outputTokensPerSec)),
      s.cost === null ? 'unpriced' : approx + money(s.cost.total),
      s.cost === null ? '—' : approx + money(s.cost.per1kCases),
      s.cost?.perCorrect === null || s.cost?.perCorrect === undefined ? '—' : approx + money(s.cost.perCorrect * 1000),
    ]);
  }
  const lines = [table.toString(), ''];
  lines.push(`${chalk.dim('◆')} reference   ${chalk.green('★')} recommended   tolerance ${recommendation.tolerancePp} pp, ${intervalsLegend(recommendation)}, ${testedAgainst(recommendation)}`);
  const mark = { within: chalk.green('✓'), worse: chalk.red('✗'), inconclusive: chalk.yellow('?') } as const;
  for (const d of recommendation.comparisons) {
    const p = d.p === null ? '' : chalk.dim(`  (McNemar p ${d.p < 0.001 ? '< 0.001' : d.p.toFixed(3)}, ${Math.round(d.discordance * 100)} % discordant, n ${d.n})`);
    lines.push(`  ${mark[d.verdict]} ${d.sentence}${p}`);
  }
  for (const e of recommendation.excluded) lines.push(chalk.dim(`  · ${e.model}: ${e.reason}`));
  lines.push(chalk.bold(recommendation.summary));
  if (report.routing) lines.push('', renderRouting(report.routing));
  if (report.cascade) lines.push('', renderCascade(report.cascade, recommendation.tolerancePp));
  if (report.projections) lines.push('', renderProjections(report.projections));
  const cached = summaries.reduce((n, x) => n + x.cached, 0);
  if (cached > 0) {
    const spent = summaries.reduce((n, x) => n + (x.cost?.spent ?? 0), 0);
    const answers = summaries.reduce((n, x) => n + x.n, 0);
    lines.push(chalk.dim(`Spent in this run: ${money(spent)}. ${cached} of ${answers} answers came from the response cache (priced above as if paid; no latency measured for them).`));
  }
  for (const c of recommendation.caveats) lines.push(chalk.yellow(`  note: ${c}`));
  for (const n of report.notes) lines.push(chalk.yellow(`  note: ${n}`));
  return lines.join('\n') + '\n';
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
    const why = r.held !== undefined ? r.held : passed ? `within tolerance (Δ ${ppDelta(passed.delta)})`
      : blocker ? `${blocker.model} ${blocker.verdict}${blocker.verdict === 'inconclusive' && blocker.moreCases !== null ? ` (~${blocker.moreCases.toLocaleString('en-US')} more cases)` : ''}`
        : 'cheapest measured';
    table.push([r.category, String(r.n), r.reference, r.chosen === r.reference ? r.chosen : chalk.green(r.chosen), pct(r.accuracy), money(r.costPerCase * 1000), why]);
  }
  const b = routing.blended;
  const lines = [table.toString()];
  lines.push(`Routing by ${routing.column}: ${pct(b.accuracy)} at ${money(b.costPerCase * 1000)} per 1,000 cases, against ${pct(routing.baseline.accuracy)} at ${money(routing.baseline.costPerCase * 1000)} with everything on ${routing.baseline.model}` +
    (routing.saving !== null ? ` (${Math.round(routing.saving * 100)} % ${routing.saving >= 0 ? 'less' : 'more'}).` : '.'));
  if (routing.unassigned > 0) lines.push(chalk.yellow(`  note: ${routing.unassigned} cases have no ${routing.column} and are not in the table`));
  lines.push(chalk.dim(`Each route is within tolerance of every pricier model in its ${routing.column}, held to a 5 % error across the ${routing.column} values together (Holm). The routes are chosen on this data: confirm them on fresh cases.`));
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
    const row = [(p === c.best ? '★ ' : '') + cascadeThreshold(p), `${Math.round(p.escalated * 100)} %`, pct(p.accuracy), money(p.costPerCase * 1000), `${mark[p.verdict]} Δ ${ppDelta(p.delta)}`];
    table.push(p === c.best ? row.map((x) => chalk.bold(x)) : row);
  }
  const advice = cascadeAdvice(c, tolerancePp);
  return [`Cascade ${c.cheap} → ${c.big}, confidence from ${cascadeSource(c)} (n ${c.n}):`, table.toString(), c.best ? chalk.bold(advice) : advice, chalk.dim(cascadeOracle(c))].join('\n');
}

function renderProjections(p: Projections): string {
  const table = new Table({
    head: [`At ${p.volume}`, 'per day', 'per month', '95 % CI per month'],
    style: { head: chalk.level > 0 ? ['cyan'] : [], border: chalk.level > 0 ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'right', 'right', 'right'],
  });
  for (const m of p.models) {
    table.push([(m.model === p.recommended?.model ? '★ ' : '  ') + m.model, money(m.perDay), money(m.perMonth), `${money(m.perMonthLow)}–${money(m.perMonthHigh)}`]);
  }
  if (p.routing) table.push(['  routing table', money(p.routing.perDay), money(p.routing.perMonth), '']);
  if (p.cascade) table.push(['  cascade', money(p.cascade.perDay), money(p.cascade.perMonth), '']);
  return table.toString();
}
