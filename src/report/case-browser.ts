// The HTML report's case browser: every answer, filterable by model, outcome, category and text,
// and two models side by side. The page stays one file that reads without script: the controls
// are plain HTML, hidden until the script shows them; the data rides in a JSON data block; the
// script builds rows from it with textContent only, since every string in it is untrusted.
import type { CaseResult, Report } from '../types.js';
import { escapeHtml as esc } from './escape.js';
import { NOT_MEASURED } from './sentences.js';

/** How one answer turned out, as the browser filters it. */
export const OUTCOMES = ['right', 'wrong', 'error', 'empty'] as const;
export type CaseOutcome = (typeof OUTCOMES)[number];

/** `error`: the call failed (nothing scored); `empty`: an answer with no text; else by score (1 is right). */
export function caseOutcome(r: CaseResult): CaseOutcome {
  if (r.error || r.score === null) return 'error';
  if (r.finish === 'empty' || (r.output ?? '').trim() === '') return 'empty';
  return r.score >= 1 ? 'right' : 'wrong';
}

/**
 * One answer: [model index, case index, sample, outcome index, score, answer (or the error),
 * latency in whole ms, then `truncated` or `refused` when it ended so (else ''), then the scorer's
 * reason when it gave one]. Rows, not objects: a run of 10,000 cases on three models has 30,000
 * of them, and keys would double the page.
 */
type BrowserResult =
  | [number, number, number, number, number | null, string, number | null]
  | [number, number, number, number, number | null, string, number | null, string]
  | [number, number, number, number, number | null, string, number | null, string, string];

export interface BrowserData {
  models: string[];
  outcomes: readonly CaseOutcome[];
  categories: string[];
  /** Per model, how many samples of each case it was asked for: pairs are compared only there. */
  samples: number[];
  /** [id, prompt, expected, category index or −1]. */
  cases: Array<[string, string, string, number]>;
  /** By case, then model, then sample. */
  results: BrowserResult[];
  /** What a result without latency shows: `not measured` in a batch run, else a dash (a cached answer). */
  noLatency: string;
}

export function browserData(report: Report): BrowserData {
  const models = report.summaries.map((s) => s.model);
  const categories = [...new Set(report.cases.flatMap((c) => (c.category === undefined ? [] : [c.category])))].sort();
  const samples = models.map(() => 0);
  const results: BrowserResult[] = [];
  for (const r of report.results) {
    const m = models.indexOf(r.model);
    if (m < 0 || report.cases[r.caseIndex] === undefined) continue;
    samples[m] = Math.max(samples[m]!, r.sample + 1);
    const text = r.error ? `${r.error.kind}${r.error.status ? ` ${r.error.status}` : ''}: ${r.error.message}` : (r.output ?? '');
    const row: BrowserResult = [
      m,
      r.caseIndex,
      r.sample,
      OUTCOMES.indexOf(caseOutcome(r)),
      r.score,
      text,
      r.latencyMs === null ? null : Math.round(r.latencyMs),
    ];
    const finish = r.finish === 'truncated' || r.finish === 'refused' ? r.finish : '';
    results.push(r.reason !== undefined ? [...row, finish, r.reason] : finish !== '' ? [...row, finish] : row);
  }
  results.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]);
  return {
    models,
    outcomes: OUTCOMES,
    categories,
    samples,
    cases: report.cases.map((c) => [c.id, c.prompt, c.expected, c.category === undefined ? -1 : categories.indexOf(c.category)]),
    results,
    noLatency: report.settings.batch === true ? NOT_MEASURED : '—',
  };
}

/**
 * JSON that can sit inside a <script> element: `<`, `>` and `&` as \u escapes, so no string in
 * it can close the element or open a comment, and U+2028/2029 too, which old parsers treat as
 * line ends. Outside strings JSON has none of these characters, so the value parses back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The controls and the empty table the script fills; hidden, so a page without script shows none of it. */
export function caseBrowserSection(report: Report, data: BrowserData): string {
  const options = (names: readonly string[], selected = -1): string =>
    names.map((n, i) => `<option value="${i}"${i === selected ? ' selected' : ''}>${esc(n)}</option>`).join('');
  const pair = data.models.length > 1;
  const category = report.dataset.categoryColumn ?? 'category';
  return (
    `<section id="cases" hidden><h2>All cases</h2><div class="controls">` +
    (pair
      ? '<span class="mode"><label><input type="radio" name="cb-mode" value="list" checked> every answer</label> <label><input type="radio" name="cb-mode" value="pair"> two models side by side</label></span>'
      : '') +
    `<label class="list-only">Model <select id="cb-model"><option value="-1">all</option>${options(data.models)}</select></label>` +
    `<label class="list-only">Outcome <select id="cb-outcome"><option value="-1">all</option>${options(data.outcomes)}</select></label>` +
    (pair
      ? `<label class="pair-only" hidden>A <select id="cb-a">${options(data.models, 0)}</select></label><label class="pair-only" hidden>B <select id="cb-b">${options(data.models, 1)}</select></label>` +
        '<label class="pair-only" hidden><input type="checkbox" id="cb-disagree"> only where they disagree (their scores differ)</label>'
      : '') +
    (data.categories.length > 0
      ? `<label>${esc(category)} <select id="cb-category"><option value="-1">all</option>${options(data.categories)}</select></label>`
      : '') +
    '<label>Search <input type="search" id="cb-search" placeholder="id, prompt, expected or answer"></label></div>' +
    `<p id="cb-count" class="muted" aria-live="polite"></p><table id="cb-table" data-category="${esc(category)}"><thead></thead><tbody></tbody></table><button type="button" id="cb-more" hidden>Show 100 more</button></section>`
  );
}

/**
 * The browser's script. Plain ES2020 in a string: it runs in the page, not in Node, and the
 * page's CSP allows exactly this text by its hash. It never writes HTML, only textContent.
 */
// biome-ignore lint/complexity/noUselessStringRaw: a backslash added to the script later must reach the browser as written (the CSP hashes this text)
export const CASE_BROWSER_SCRIPT = String.raw`(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('case-data').textContent);
  const $ = (id) => document.getElementById(id);
  const section = $('cases'), table = $('cb-table'), count = $('cb-count'), more = $('cb-more'), search = $('cb-search');
  const PAGE = 100;
  const number = new Intl.NumberFormat('en-US');
  const value = (id) => ($(id) ? Number($(id).value) : -1);
  // A result's place among the pairs: case and sample.
  const stride = Math.max(1, ...data.samples);
  const keyOf = (r) => r[1] * stride + r[2];
  const byModel = data.models.map(() => new Map());
  const keys = [];
  for (const r of data.results) {
    const key = keyOf(r);
    if (!byModel.some((m) => m.has(key))) keys.push(key);
    byModel[r[0]].set(key, r);
  }

  const el = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const textCell = (text, className) => {
    const td = el('td', 'text');
    td.append(el('div', className ? 'clip ' + className : 'clip', text));
    return td;
  };
  const caseId = (r) => data.cases[r[1]][0] + (stride > 1 ? ' #' + (r[2] + 1) : '');
  const categoryOf = (c) => (c[3] < 0 ? '' : data.categories[c[3]]);
  const badge = (r) => {
    if (!r) return el('span', 'badge', 'not sent');
    const outcome = data.outcomes[r[3]];
    const partial = r[4] !== null && r[4] > 0 && r[4] < 1 ? ' ' + r[4].toFixed(2) : '';
    return el('span', 'badge ' + outcome, outcome + partial + (r[7] ? ' · ' + r[7] : ''));
  };
  const answer = (r) => {
    const td = !r ? textCell('') : r[5].trim() === '' ? textCell('(no text)', 'muted') : textCell(r[5], data.outcomes[r[3]] === 'error' ? 'fail' : '');
    td.prepend(badge(r));
    // What the scorer said about it (a user's scorer, a schema check).
    if (r && r[8]) td.append(el('div', 'reason muted', 'scorer: ' + r[8]));
    return td;
  };
  const withCategory = data.categories.length > 0;

  let mode = 'list', rows = [], shown = 0;
  const header = (names) => {
    const tr = el('tr');
    for (const n of names) tr.append(el('th', '', n));
    table.tHead.replaceChildren(tr);
  };
  // The answers to one case follow each other: its prompt and expected answer are shown once.
  const listRow = (r, same) => {
    const c = data.cases[r[1]], tr = el('tr', same ? 'same' : '');
    tr.append(el('td', same ? 'muted' : '', caseId(r)));
    if (withCategory) tr.append(el('td', '', same ? '' : categoryOf(c)));
    tr.append(el('td', '', data.models[r[0]]), textCell(same ? '' : c[1]), textCell(same ? '' : c[2]), answer(r), el('td', 'num', r[6] === null ? data.noLatency : number.format(r[6])));
    return tr;
  };
  const pairRow = ([a, b]) => {
    const r = a || b, c = data.cases[r[1]], tr = el('tr');
    tr.append(el('td', '', caseId(r)));
    if (withCategory) tr.append(el('td', '', categoryOf(c)));
    tr.append(textCell(c[1]), textCell(c[2]), answer(a), answer(b));
    return tr;
  };

  const showMore = () => {
    const end = Math.min(rows.length, shown + PAGE);
    const rowsHere = document.createDocumentFragment();
    for (let i = shown; i < end; i++) rowsHere.append(mode === 'list' ? listRow(rows[i], i > 0 && rows[i - 1][1] === rows[i][1]) : pairRow(rows[i]));
    table.tBodies[0].append(rowsHere);
    shown = end;
    count.dataset.count = String(rows.length);
    const what = mode === 'list' ? (rows.length === 1 ? ' answer' : ' answers') : (rows.length === 1 ? ' case' : ' cases');
    count.textContent = number.format(rows.length) + what + (rows.length > shown ? ', showing the first ' + number.format(shown) : '');
    more.hidden = shown >= rows.length;
  };

  const update = () => {
    const checked = section.querySelector('input[name=cb-mode]:checked');
    mode = checked ? checked.value : 'list';
    for (const e of section.querySelectorAll('.list-only')) e.hidden = mode !== 'list';
    for (const e of section.querySelectorAll('.pair-only')) e.hidden = mode !== 'pair';
    const category = value('cb-category'), query = search.value.trim().toLowerCase();
    const keep = (c, answers) => (category < 0 || c[3] === category) &&
      (query === '' || c[0].toLowerCase().includes(query) || c[1].toLowerCase().includes(query) || c[2].toLowerCase().includes(query) || answers.some((t) => t.toLowerCase().includes(query)));
    const extra = withCategory ? [table.dataset.category] : [];
    if (mode === 'list') {
      const model = value('cb-model'), outcome = value('cb-outcome');
      rows = data.results.filter((r) => (model < 0 || r[0] === model) && (outcome < 0 || r[3] === outcome) && keep(data.cases[r[1]], [r[5], r[8] || '']));
      header(['Case', ...extra, 'Model', 'Prompt', 'Expected', 'Answer', 'ms']);
    } else {
      const a = value('cb-a'), b = value('cb-b'), disagree = $('cb-disagree').checked;
      const samples = Math.min(data.samples[a], data.samples[b]);
      rows = [];
      for (const key of keys) {
        if (key % stride >= samples) continue;
        const ra = byModel[a].get(key), rb = byModel[b].get(key);
        if (!ra && !rb) continue;
        // A failed call, or one never sent, has no score.
        if (disagree && (ra ? ra[4] : null) === (rb ? rb[4] : null)) continue;
        if (keep(data.cases[(ra || rb)[1]], [ra ? ra[5] : '', rb ? rb[5] : ''])) rows.push([ra, rb]);
      }
      header(['Case', ...extra, 'Prompt', 'Expected', data.models[a], data.models[b]]);
    }
    table.tBodies[0].replaceChildren();
    shown = 0;
    showMore();
  };

  section.addEventListener('change', update);
  search.addEventListener('input', update);
  more.addEventListener('click', showMore);
  // The browser lists every failure: the static list of the worst ones is for pages without script.
  const failures = $('failures');
  if (failures) failures.hidden = true;
  section.hidden = false;
  update();
})();
`;
