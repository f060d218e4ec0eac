// The page a team lead reads: one self-contained HTML file (inline CSS, SVG and one script, no
// network) with the cost–accuracy picture, latency, categories, the verdicts in words, the
// cascade and the projected costs, the worst failures, and a browser of every case. Every model
// output is untrusted text: escaped in the HTML, and handed to the script as JSON it writes with
// textContent only. The page's CSP allows its own style and script by their hashes, nothing else.
import { createHash } from 'node:crypto';
import { failuresText, intervalsLegend, money, pct, ppDelta, sequentialLine, testedAgainst } from '../format.js';
import type { CascadePoint, CascadeResult, Decision, JudgeReport, ModelSummary, Projections, Report, SequentialReport } from '../types.js';
import { browserData, CASE_BROWSER_SCRIPT, caseBrowserSection, scriptJson } from './case-browser.js';
import { escapeHtml as esc } from './escape.js';
import {
  BATCH_SENTENCE,
  cascadeAdvice,
  cascadeOracle,
  cascadeSource,
  cascadeThreshold,
  embeddingSentence,
  judgeSentences,
  lookRows,
  NOT_MEASURED,
  promptCacheSentences,
} from './sentences.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** Models not dominated by a cheaper, at-least-as-accurate one, from cheap to expensive. */
export function paretoFrontier(points: ReadonlyArray<{ model: string; cost: number; accuracy: number }>): string[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const frontier: string[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.accuracy > best) {
      frontier.push(p.model);
      best = p.accuracy;
    }
  }
  return frontier;
}

/**
 * About how wide a line of chart text is, in SVG units at the charts' 12 px: SVG neither wraps nor
 * shrinks text, so a chart reserves its labels' room from this (wide fonts such as DejaVu Sans
 * measure about 7 px a character).
 */
const textWidth = (text: string): number => text.length * 7.5;

/**
 * The plane both cost–accuracy charts draw on: cost per 1,000 cases on a log axis (costs span
 * orders of magnitude between tiers, and a log axis keeps every point readable), accuracy up,
 * each padded so no point sits on an edge. `parts` holds the grid, its labels and the captions.
 */
function costAccuracyPlane(
  costs: number[],
  accuracies: number[],
  size: { W: number; H: number; T?: number; yCaption: string },
): { x: (c: number) => number; y: (a: number) => number; L: number; R: number; parts: string[] } {
  const { W, H, T = 16 } = size,
    L = 64,
    R = 24,
    B = 48;
  const logs = costs.map((c) => Math.log10(Math.max(c, 1e-9)));
  let cmin = Math.min(...logs) - 0.1,
    cmax = Math.max(...logs) + 0.1;
  if (cmax - cmin < 0.5) {
    cmin -= 0.25;
    cmax += 0.25;
  }
  const amin = Math.max(0, Math.min(...accuracies) - 0.02),
    amax = Math.min(1, Math.max(...accuracies) + 0.02);
  const x = (c: number): number => L + ((Math.log10(Math.max(c, 1e-9)) - cmin) / (cmax - cmin || 1)) * (W - L - R);
  const y = (a: number): number => T + (1 - (a - amin) / (amax - amin || 1)) * (H - T - B);
  const parts: string[] = [];
  for (let k = Math.floor(cmin); k <= Math.ceil(cmax); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (Math.log10(v) < cmin || Math.log10(v) > cmax) continue;
      parts.push(
        `<line x1="${x(v)}" x2="${x(v)}" y1="${T}" y2="${H - B}" class="grid"/><text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${esc(money(v))}</text>`,
      );
    }
  }
  for (let a = Math.ceil(amin * 20) / 20; a <= amax + 1e-9; a += 0.05) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(a)}" y2="${y(a)}" class="grid"/><text x="${L - 6}" y="${y(a) + 4}" text-anchor="end">${Math.round(a * 100)}%</text>`,
    );
  }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" class="axis">cost per 1,000 cases (log scale)</text>`);
  parts.push(
    `<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})" class="axis">${esc(size.yCaption)}</text>`,
  );
  return { x, y, L, R, parts };
}

function costAccuracyPlot(summaries: readonly ModelSummary[], recommended: string | null): string {
  const points = summaries.flatMap((s, i) =>
    s.cost && s.accuracy !== null && s.interval ? [{ s, i, cost: s.cost.per1kCases, accuracy: s.accuracy, low: s.interval.low, high: s.interval.high }] : [],
  );
  if (points.length === 0) return '<p>No priced model answered a case: nothing to plot.</p>';
  const W = 640,
    H = 360;
  const { x, y, parts } = costAccuracyPlane(
    points.map((p) => p.cost),
    points.flatMap((p) => [p.low, p.high]),
    { W, H, yCaption: 'accuracy (95 % CI)' },
  );
  const frontier = paretoFrontier(points.map((p) => ({ model: p.s.model, cost: p.cost, accuracy: p.accuracy })));
  const path = frontier
    .map((m, k) => {
      const p = points.find((q) => q.s.model === m)!;
      return `${k === 0 ? 'M' : 'L'}${x(p.cost).toFixed(1)},${y(p.accuracy).toFixed(1)}`;
    })
    .join(' ');
  parts.push(`<path d="${path}" class="frontier"><title>Pareto frontier: no other model is both cheaper and more accurate</title></path>`);
  for (const p of points) {
    const color = COLORS[p.i % COLORS.length];
    const cx = x(p.cost).toFixed(1);
    const label = `${p.s.model}${p.s.model === recommended ? ' ★' : ''}`;
    // In the right quarter, or where it would run past the edge, a label goes left of its point.
    const left = x(p.cost) > W * 0.75 || x(p.cost) + 10 + textWidth(label) > W;
    parts.push(
      `<g class="model" data-model="${esc(p.s.model)}"><line x1="${cx}" x2="${cx}" y1="${y(p.high).toFixed(1)}" y2="${y(p.low).toFixed(1)}" stroke="${color}" class="whisker"/>` +
        `<circle cx="${cx}" cy="${y(p.accuracy).toFixed(1)}" r="${p.s.model === recommended ? 8 : 6}" fill="${color}"${p.s.model === recommended ? ' class="recommended"' : ''}><title>${esc(p.s.model)}: ${pct(p.accuracy)} (95 % CI ${pct(p.low)}–${pct(p.high)}), ${esc(money(p.cost))} per 1,000 cases</title></circle>` +
        `<text x="${Number(cx) + (left ? -10 : 10)}" y="${y(p.accuracy) - 8}"${left ? ' text-anchor="end"' : ''}>${esc(label)}</text></g>`,
    );
  }
  return `<svg id="cost-accuracy" viewBox="0 0 ${W} ${H}" role="img" aria-label="Cost against accuracy per model">${parts.join('')}</svg>`;
}

/** The chosen threshold among the points, by value: a report read back from JSON has no shared objects. */
const isBest = (c: CascadeResult, p: CascadePoint): boolean => c.best !== null && p.threshold === c.best.threshold && p.escalated === c.best.escalated;

/**
 * The cascade's thresholds as a curve of accuracy against cost, from never escalating (the cheap
 * model alone) to always; the chosen threshold ringed, the oracle hollow, the big model alone
 * dashed. A legend above names them: labels beside the points would collide, as the chosen point,
 * the oracle and the big model's line are often close together.
 */
function cascadePlot(c: CascadeResult): string {
  const W = 480;
  const per1k = (perCase: number): number => perCase * 1000;
  const legend: Array<[marker: string, text: string]> = [
    ['<line x1="-8" x2="8" class="frontier"/>', `${c.big} alone`],
    ...(c.best ? [['<circle r="7" class="point recommended"/>', `chosen: below ${cascadeThreshold(c.best)}`] as [string, string]] : []),
    ['<circle r="5" class="oracle"/>', 'oracle'],
  ];
  // The legend's items run left to right, and onto another row where one would pass the edge.
  const placed: string[] = [];
  let lx = 72,
    ly = 12;
  for (const [marker, text] of legend) {
    if (lx > 72 && lx + 16 + textWidth(text) > W) {
      lx = 72;
      ly += 18;
    }
    placed.push(`<g transform="translate(${lx} ${ly})">${marker}<text x="14" y="4">${esc(text)}</text></g>`);
    lx += 16 + textWidth(text) + 20;
  }
  const T = ly + 20,
    H = T + 230;
  const { x, y, L, R, parts } = costAccuracyPlane(
    [...c.points.map((p) => per1k(p.costPerCase)), per1k(c.oracle.costPerCase)],
    [...c.points.map((p) => p.accuracy), c.oracle.accuracy, c.bigOnly.accuracy],
    { W, H, T, yCaption: 'accuracy' },
  );
  const at = (perCase: number, accuracy: number): string => `cx="${x(per1k(perCase)).toFixed(1)}" cy="${y(accuracy).toFixed(1)}"`;
  parts.push(
    ...placed,
    `<line x1="${L}" x2="${W - R}" y1="${y(c.bigOnly.accuracy).toFixed(1)}" y2="${y(c.bigOnly.accuracy).toFixed(1)}" class="frontier"><title>${esc(c.big)} alone: ${pct(c.bigOnly.accuracy)} at ${esc(money(per1k(c.bigOnly.costPerCase)))} per 1,000 cases</title></line>`,
  );
  parts.push(
    `<path d="${c.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(per1k(p.costPerCase)).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(' ')}" class="curve"/>`,
  );
  for (const p of c.points) {
    const best = isBest(c, p);
    parts.push(
      `<circle ${at(p.costPerCase, p.accuracy)} r="${best ? 7 : 4}" class="${best ? 'point recommended' : 'point'}"><title>Escalate if conf &lt; ${cascadeThreshold(p)}: ${Math.round(p.escalated * 100)} % escalated, ${pct(p.accuracy)} at ${esc(money(per1k(p.costPerCase)))} per 1,000 cases, Δ ${ppDelta(p.delta)} (${p.verdict})</title></circle>`,
    );
  }
  parts.push(
    `<circle ${at(c.oracle.costPerCase, c.oracle.accuracy)} r="5" class="oracle"><title>Oracle: ${Math.round(c.oracle.escalated * 100)} % escalated, ${pct(c.oracle.accuracy)} at ${esc(money(per1k(c.oracle.costPerCase)))} per 1,000 cases</title></circle>`,
  );
  return `<svg id="cascade-curve" class="small" viewBox="0 0 ${W} ${H}" role="img" aria-label="Cascade: accuracy against cost per threshold">${parts.join('')}</svg>`;
}

/** `--sequential`: where the run stopped, what it saved, and each look's level and verdicts. */
function sequentialSection(s: SequentialReport, comparisons: readonly Decision[]): string {
  const rows = lookRows(s, comparisons)
    .map(
      (l) =>
        `<tr><td class="num">${l.look}</td><td class="num">${l.cases.toLocaleString('en-US')}</td><td class="num">${l.alpha}</td><td>${esc(l.verdicts)}</td></tr>`,
    )
    .join('');
  const line = sequentialLine(s);
  return `<h2>Sequential decision</h2><p id="sequential">${esc(line[0]!.toUpperCase() + line.slice(1))}.</p>
<table><thead><tr><th>Look</th><th>Cases</th><th>One-sided α per candidate</th><th>Verdicts reached</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function cascadeSection(c: CascadeResult, tolerancePp: number): string {
  const marks = { within: '✓', worse: '✗', inconclusive: '?' } as const;
  const rows = c.points.map(
    (p) =>
      `<tr${isBest(c, p) ? ' class="best"' : ''}><td class="num">${isBest(c, p) ? '★ ' : ''}${cascadeThreshold(p)}</td><td class="num">${Math.round(p.escalated * 100)} %</td>` +
      `<td class="num">${pct(p.accuracy)}</td><td class="num">${esc(money(p.costPerCase * 1000))}</td><td class="${p.verdict === 'within' ? 'pass' : p.verdict === 'worse' ? 'fail' : ''}">${marks[p.verdict]} Δ ${ppDelta(p.delta)}</td></tr>`,
  );
  const table = `<table id="cascade"><tr><th>Escalate if conf &lt;</th><th>Escalated</th><th>Accuracy</th><th>$/1k cases</th><th>vs ${esc(c.big)} alone</th></tr>${rows.join('')}</table>`;
  const advice = esc(cascadeAdvice(c, tolerancePp));
  return (
    `<h2>Cascade ${esc(c.cheap)} → ${esc(c.big)}</h2><p class="muted">Confidence from ${esc(cascadeSource(c))} (n ${c.n}).</p>` +
    `<div class="beside">${table}${cascadePlot(c)}</div><p>${c.best ? `<strong>${advice}</strong>` : advice}</p><p class="muted">${esc(cascadeOracle(c))}</p>`
  );
}

/** Cost at the volume given with --volume, with the labels of the terminal's table. */
function projectionsSection(p: Projections): string {
  const row = (label: string, perDay: number, perMonth: number, interval: string): string =>
    `<tr><td>${label}</td><td class="num">${esc(money(perDay))}</td><td class="num">${esc(money(perMonth))}</td><td class="num">${interval}</td></tr>`;
  const rows = p.models.map((m) =>
    row(`${esc(m.model)}${m.model === p.recommended?.model ? ' ★' : ''}`, m.perDay, m.perMonth, `${esc(money(m.perMonthLow))}–${esc(money(m.perMonthHigh))}`),
  );
  if (p.routing) rows.push(row('routing table', p.routing.perDay, p.routing.perMonth, ''));
  if (p.cascade) rows.push(row('cascade', p.cascade.perDay, p.cascade.perMonth, ''));
  return (
    `<h2>Cost at ${esc(p.volume)}</h2><table id="projections"><tr><th>At ${esc(p.volume)}</th><th>per day</th><th>per month</th><th>95 % CI per month</th></tr>${rows.join('')}</table>` +
    `<p class="muted">${p.casesPerDay.toLocaleString('en-US')} cases a day, 30-day months; the interval is that of the cost per case.</p>`
  );
}

/** Per model: a strip from p50 to p95 with the p99 tick, on one shared axis. */
function latencyPlot(report: Report): string {
  const rows = report.summaries.filter((s) => s.latencyMs !== null);
  if (report.settings.batch === true) return `<p>Latency ${NOT_MEASURED}: ${esc(BATCH_SENTENCE)}</p>`;
  if (rows.length === 0) return '<p>No latency measured (every answer came from the cache).</p>';
  const labels = rows.map((s) => `${Math.round(s.latencyMs!.p50)} / ${Math.round(s.latencyMs!.p95)} / ${Math.round(s.latencyMs!.p99)}`);
  const head = 'p50 / p95 / p99 ms';
  // The names and the figures get columns as wide as their longest text, either side of a plot
  // of fixed width: a long model name or a slow p99 widens the picture instead of being cut off.
  const L = 16 + Math.max(...rows.map((s) => textWidth(s.model))),
    R = 24 + Math.max(textWidth(head), ...labels.map(textWidth));
  const rowH = 28,
    T = 20,
    W = L + 440 + R,
    H = T + rows.length * rowH + 24;
  const max = Math.max(...rows.map((s) => s.latencyMs!.p99));
  const x = (ms: number): number => L + (ms / max) * (W - L - R);
  const parts = rows.map((s, i) => {
    const l = s.latencyMs!;
    const yy = T + i * rowH;
    const color = COLORS[report.summaries.indexOf(s) % COLORS.length];
    return (
      `<text x="${L - 8}" y="${yy + 15}" text-anchor="end">${esc(s.model)}</text>` +
      `<rect x="${x(0)}" y="${yy + 6}" width="${x(l.p50) - x(0)}" height="10" fill="${color}" opacity="0.25"/>` +
      `<rect x="${x(l.p50)}" y="${yy + 2}" width="${Math.max(1, x(l.p95) - x(l.p50))}" height="18" fill="${color}"><title>p50 ${Math.round(l.p50)} ms, p95 ${Math.round(l.p95)} ms</title></rect>` +
      `<line x1="${x(l.p99)}" x2="${x(l.p99)}" y1="${yy}" y2="${yy + 22}" stroke="${color}" stroke-width="2"><title>p99 ${Math.round(l.p99)} ms</title></line>` +
      `<text x="${W - 4}" y="${yy + 15}" text-anchor="end">${labels[i]}</text>`
    );
  });
  return (
    `<svg id="latency" viewBox="0 0 ${W} ${H}" role="img" aria-label="Latency per model: p50 to p95, p99 tick"><text x="${W - 4}" y="12" text-anchor="end" class="axis">${head}</text>` +
    `${parts.join('')}<text x="${L}" y="${H - 4}" class="axis">p50 → p95 bar, p99 tick (ms)</text></svg>`
  );
}

function categoryTable(report: Report): string {
  const names = [...new Set(report.summaries.flatMap((s) => Object.keys(s.categories ?? {})))].sort();
  if (names.length === 0) return '';
  const head = `<tr><th>${esc(report.dataset.categoryColumn ?? 'category')}</th>${report.summaries.map((s) => `<th>${esc(s.model)}</th>`).join('')}</tr>`;
  const rows = names.map(
    (n) =>
      `<tr><td>${esc(n)}</td>${report.summaries
        .map((s) => {
          const c = s.categories?.[n];
          return `<td class="num">${c?.accuracy === null || c === undefined ? '—' : `${pct(c.accuracy)} <small>(${c.scored})</small>`}</td>`;
        })
        .join('')}</tr>`,
  );
  return `<h2>By ${esc(report.dataset.categoryColumn ?? 'category')}</h2><table>${head}${rows.join('')}</table>`;
}

/** Each model's confusion matrix: rows expected, columns named (`other`: no label, or several), recall and F1 per row, precision per column. */
function confusionTables(report: Report): string {
  const f = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const tables = report.summaries.flatMap((s) => {
    const c = s.classes;
    if (c === undefined) return [];
    const head = `<tr><th>expected ↓ named →</th>${[...c.labels, 'other'].map((l) => `<th>${esc(l)}</th>`).join('')}<th>recall</th><th>F1</th></tr>`;
    const rows = c.labels.map((label, i) => {
      const l = c.perLabel[i]!;
      const cells = c.matrix[i]!.map((n, j) => `<td class="num${j === i ? ' pass' : n > 0 ? ' fail' : ''}">${n}</td>`).join('');
      return `<tr><th>${esc(label)}</th>${cells}<td class="num">${f(l.recall)}</td><td class="num">${f(l.f1)}</td></tr>`;
    });
    const precision = `<tr><th>precision</th>${c.perLabel.map((l) => `<td class="num">${f(l.precision)}</td>`).join('')}<td></td><td></td><td></td></tr>`;
    return [`<h3>${esc(s.model)} <small>macro F1 ${f(c.macroF1)}</small></h3><table class="confusion">${head}${rows.join('')}${precision}</table>`];
  });
  return tables.length === 0 ? '' : `<h2>Labels</h2>${tables.join('')}`;
}

function failures(report: Report, perModel = 8): string {
  const sections = report.summaries.map((s) => {
    const wrong = report.results
      .filter((r) => r.model === s.model && r.score !== null && r.score < 1)
      .sort((a, b) => (a.score ?? 0) - (b.score ?? 0))
      .slice(0, perModel);
    const errors = report.results.filter((r) => r.model === s.model && r.error).slice(0, 3);
    if (wrong.length === 0 && errors.length === 0) return `<h3>${esc(s.model)}</h3><p>No wrong answers.</p>`;
    const rows = wrong.map((r) => {
      const c = report.cases[r.caseIndex];
      return `<tr><td>${esc(c?.id ?? '')}</td><td class="text">${esc(c?.prompt ?? '')}</td><td>${esc(c?.expected ?? '')}</td><td class="text answer">${esc(r.output ?? '')}</td></tr>`;
    });
    const errs = errors.map((r) => `<li>${esc(report.cases[r.caseIndex]?.id ?? '')}: ${esc(r.error?.kind ?? '')} — ${esc(r.error?.message ?? '')}</li>`);
    return `<h3>${esc(s.model)}</h3>${rows.length ? `<table><tr><th>Case</th><th>Prompt</th><th>Expected</th><th>Answer</th></tr>${rows.join('')}</table>` : ''}${errs.length ? `<ul>${errs.join('')}</ul>` : ''}`;
  });
  return `<section id="failures"><h2>Worst failures</h2>${sections.join('')}</section>`;
}

const STYLE = `[hidden]{display:none!important}body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#111}
h1{font-size:1.5rem}h2{margin-top:2rem;font-size:1.2rem}table{border-collapse:collapse;margin:.5rem 0}
td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}td.num{text-align:right}
td.text{max-width:28rem;white-space:pre-wrap;word-break:break-word}.summary{font-size:1.1rem;font-weight:600;background:#f4f7ff;padding:.8rem 1rem;border-radius:6px}
svg{max-width:100%;height:auto;font-size:12px}svg .grid{stroke:#eee}svg .frontier{fill:none;stroke:#888;stroke-dasharray:5 4}
svg .whisker{stroke-width:2}svg .curve{fill:none;stroke:#2563eb;stroke-width:2}svg .point{fill:#2563eb}svg .oracle{fill:#fff;stroke:#555;stroke-width:2}
svg.small{flex:1 1 24rem;max-width:36rem}.beside{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}tr.best td{font-weight:600}svg .axis{fill:#555}.recommended{stroke:#111;stroke-width:2}.pass{color:#15803d}.fail{color:#b91c1c}.muted{color:#666}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;margin:.5rem 0}.controls select,.controls input{font:inherit}.controls .mode{flex-basis:100%}#cb-search{width:18rem}
#cb-table{font-size:14px;width:100%}#cb-table td{border-bottom:0;border-top:1px solid #ddd;white-space:nowrap}#cb-table tr.same td{border-top-color:#f3f3f3}
#cb-table td.text{white-space:pre-wrap;min-width:8rem;max-width:24rem}.clip{max-height:9em;overflow:auto}#cb-more{font:inherit;margin:.5rem 0}
.badge{display:inline-block;font-size:12px;padding:0 .4rem;border-radius:3px;margin-bottom:.2rem;background:#e5e7eb;color:#374151}
.badge.right{background:#dcfce7;color:#166534}.badge.wrong{background:#fee2e2;color:#991b1b}.badge.error{background:#fef3c7;color:#92400e}`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function renderHtml(report: Report): string {
  const { summaries, recommendation: rec } = report;
  const cases = browserData(report);
  const name = report.dataset.path.split(/[\\/]/).pop() ?? report.dataset.path;
  const table = `<table><tr><th>Model</th><th>Accuracy</th><th>95 % CI</th><th>n</th><th>Errors</th><th>p50 ms</th><th>p95 ms</th><th>$/1k cases</th><th>$/1k correct</th></tr>${summaries
    .map(
      (s) =>
        `<tr><td>${esc(s.model)}${s.model === rec.recommended ? ' ★' : ''}</td><td class="num">${s.accuracy === null ? '—' : pct(s.accuracy)}</td><td class="num">${s.interval ? `${pct(s.interval.low)}–${pct(s.interval.high)}` : '—'}</td>` +
        `<td class="num">${s.scored}</td><td class="num">${esc(failuresText(s).text)}</td><td class="num">${report.settings.batch === true ? NOT_MEASURED : s.latencyMs ? Math.round(s.latencyMs.p50) : '—'}</td><td class="num">${report.settings.batch === true ? NOT_MEASURED : s.latencyMs ? Math.round(s.latencyMs.p95) : '—'}</td>` +
        `<td class="num">${esc(s.cost ? money(s.cost.per1kCases) : 'unpriced')}</td><td class="num">${esc(money(s.cost?.perCorrect === null || s.cost?.perCorrect === undefined ? null : s.cost.perCorrect * 1000))}</td></tr>`,
    )
    .join('')}</table>`;
  const verdicts = rec.comparisons
    .map((d) => `<li class="${d.verdict === 'within' ? 'pass' : d.verdict === 'worse' ? 'fail' : ''}">${esc(d.sentence)}</li>`)
    .join('');
  const gate = report.gate
    ? `<h2>Gate: <span class="${report.gate.passed ? 'pass' : 'fail'}">${report.gate.passed ? 'passed' : 'failed'}</span></h2><ul>${report.gate.checks.map((c) => `<li class="${c.status === 'fail' ? 'fail' : c.status === 'pass' ? 'pass' : ''}">${esc(c.message)}</li>`).join('')}</ul>`
    : '';
  const routing = report.routing
    ? `<h2>Routing by ${esc(report.routing.column)}</h2><table><tr><th>${esc(report.routing.column)}</th><th>n</th><th>Route to</th><th>Accuracy</th><th>$/1k cases</th></tr>${report.routing.rows
        .map(
          (r) =>
            `<tr><td>${esc(r.category)}</td><td class="num">${r.n}</td><td>${esc(r.chosen)}</td><td class="num">${pct(r.accuracy)}</td><td class="num">${esc(money(r.costPerCase * 1000))}</td></tr>`,
        )
        .join('')}</table>` +
      `<p>Blended: ${pct(report.routing.blended.accuracy)} at ${esc(money(report.routing.blended.costPerCase * 1000))} per 1,000 cases${report.routing.saving !== null ? `, ${Math.round(report.routing.saving * 100)} % less than everything on ${esc(report.routing.baseline.model)}` : ''}.</p>`
    : '';
  const notes = [...rec.caveats, ...report.notes].map((n) => `<li>${esc(n)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(CASE_BROWSER_SCRIPT)}; base-uri 'none'; form-action 'none'">
<title>tierbench — ${esc(name)}</title><style>${STYLE}</style></head><body>
<h1>tierbench: ${esc(name)}</h1>
<p class="muted">${report.dataset.cases} cases · ${summaries.length} models · run ${esc(report.run.id)} · ${esc(report.run.startedAt)} · ${esc(report.run.status)}${report.run.simulated ? ' · <strong>simulated models</strong>' : ''}</p>
<p class="summary" id="recommendation">${esc(rec.summary)}</p>
${gate}
<h2>Cost and accuracy</h2>${costAccuracyPlot(summaries, rec.recommended)}
<p class="muted">Whiskers: 95 % intervals. Dashed: the Pareto frontier (no other model is both cheaper and more accurate).</p>
${table}${report.embedding ? `<p class="muted" id="embedding-cost">${esc(embeddingSentence(report.embedding))}</p>` : ''}${promptCacheSentences(
  report.summaries,
  report.settings.promptCache,
)
  .map((line) => `<p class="muted prompt-cache">${esc(line)}</p>`)
  .join('')}${report.judge ? judgeHtml(report.judge) : ''}
<h2>Verdicts</h2><p class="muted">Tolerance ${rec.tolerancePp} pp, ${esc(intervalsLegend(rec, report.sequential))}, ${esc(testedAgainst(rec))}.</p><ul id="verdicts">${verdicts || '<li>No cheaper priced model was compared.</li>'}</ul>
${report.sequential ? sequentialSection(report.sequential, rec.comparisons) : ''}
${routing}${report.cascade ? cascadeSection(report.cascade, rec.tolerancePp) : ''}${report.projections ? projectionsSection(report.projections) : ''}
<h2>Latency</h2>${latencyPlot(report)}
${categoryTable(report)}
${confusionTables(report)}
${failures(report)}
${caseBrowserSection(report, cases)}
${notes ? `<h2>Notes</h2><ul>${notes}</ul>` : ''}
<p class="muted">tierbench ${esc(report.tool.version)} · schema ${report.schemaVersion}</p>
<script type="application/json" id="case-data">${scriptJson(cases)}</script>
<script>${CASE_BROWSER_SCRIPT}</script>
</body></html>
`;
}

/** The judges apart from the candidates' table, their warnings as the gate's failures are shown. */
function judgeHtml(judge: JudgeReport): string {
  const { lines, warnings } = judgeSentences(judge);
  return `<div class="muted" id="judge">${lines.map((l) => `<p>${esc(l.trim())}</p>`).join('')}${warnings.map((w) => `<p class="fail">warning: ${esc(w)}</p>`).join('')}</div>`;
}
