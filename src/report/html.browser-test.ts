// The HTML report in a real browser: headless Chromium (Debian's package) through playwright-core.
// Not part of `npm test` (it needs Chromium): `npm run test:browser`, which .ci/run runs after
// installing Chromium. It prints where its screenshots are, and the size and timings of a
// 10,000-case page (measured, not asserted: they depend on the machine).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import { cli } from '../test-support/cli.js';
import { readValidReport } from '../test-support/report.js';
import type { CaseResult, Report } from '../types.js';
import { caseOutcome, OUTCOMES } from './case-browser.js';
import { renderHtml } from './html.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const MODELS = ['haiku-4.5', 'sonnet-4.6', 'opus-4.8'];

describe('HTML report in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-html-'));
  const shots: string[] = [];
  let report: Report;
  let html: string;
  let browser: Browser;

  before(async () => {
    assert.ok(CHROMIUM, 'Chromium is not installed: apt-get install chromium (.ci/run does)');
    const labels = [
      'Billing',
      '<script>window.__pwned = 1</script>',
      '<img src=x onerror="window.__pwned = 2">',
      '</script><script>window.__pwned = 3</script>\u2028',
    ];
    const data = join(dir, 'cases.jsonl');
    writeFileSync(
      data,
      `${Array.from({ length: 240 }, (_, i) =>
        JSON.stringify({ id: `c${i}`, input: `Message ${i}`, expected: labels[i % 4], category: ['north', 'south', 'east'][i % 3] }),
      ).join('\n')}\n`,
    );
    const d = await loadDataset(data);
    const emulator = new Emulator({
      key: AnswerKey.fromCases(d.cases, d.inputColumn),
      profiles: [
        // Broken responses (which are not asked again) and empty answers: outcomes of their own.
        {
          ids: ['claude-haiku-4-5'],
          accuracy: 0.6,
          ttftMs: 5,
          ttftSpread: 0.5,
          tokensPerSec: 0,
          faults: [
            { kind: 'malformed', rate: 0.04 },
            { kind: 'empty', rate: 0.04 },
          ],
        },
        { ids: ['claude-sonnet-4-6'], accuracy: 0.8, ttftMs: 10, ttftSpread: 0.5, tokensPerSec: 0 },
        { ids: ['claude-opus-4-8'], accuracy: 0.9, ttftMs: 20, ttftSpread: 0.5, tokensPerSec: 0 },
      ],
    });
    const url = await emulator.listen(0);
    try {
      const system = 'Classify the message. Reply in JSON: {"answer": <label>, "confidence": <0 to 1>}.';
      const r = await cli(
        [
          'run',
          '-m',
          MODELS.join(','),
          '--cascade',
          'haiku-4.5,opus-4.8',
          '--volume',
          '500/day',
          '--system',
          system,
          '--scorer',
          'label',
          '--report',
          'html',
          '--min-accuracy',
          '0.7',
          '--quiet',
          '-o',
          'r.json',
          data,
        ],
        { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' },
        dir,
      );
      assert.equal(r.code, 1, `the gate fails haiku: ${r.stderr}`);
    } finally {
      await emulator.close();
    }
    report = readValidReport(join(dir, 'r.json'));
    html = join(dir, 'r.html');
    assert.ok(!readFileSync(html, 'utf8').includes('<script>window'), 'answers are escaped in the file');
    for (const outcome of OUTCOMES)
      assert.ok(
        report.results.some((r) => caseOutcome(r) === outcome),
        `the run has ${outcome} answers to filter`,
      );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    if (shots.length > 0) process.stdout.write(`# screenshots:\n${shots.map((s) => `#   ${s}\n`).join('')}`);
  });

  /** The page, with every console error, page error, CSP violation and network request collected. */
  async function open(file: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, ...options });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
    });
    // Init scripts come from the browser's debugging protocol, outside the page's CSP. (Strings
    // here and below: they run in the page, and this project compiles without the DOM's types.)
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))",
    );
    await page.goto(`file://${file}`);
    return { page, problems };
  }
  /** The viewport, an element, or a part of the page. */
  async function shot(page: Page, name: string, what?: string | { x: number; y: number; width: number; height: number }): Promise<void> {
    const path = join(dir, `${name}.png`);
    if (typeof what === 'string') await page.locator(what).screenshot({ path });
    else await page.screenshot({ path, ...(what && { clip: what }) });
    assert.ok(statSync(path).size > 5_000, `a screenshot was taken: ${path}`);
    shots.push(path);
  }
  const count = async (page: Page): Promise<number> => Number(await page.locator('#cb-count').getAttribute('data-count'));
  const rows = (page: Page): Promise<number> => page.locator('#cb-table tbody tr').count();

  it('draws the plots and the cascade curve with no label cut off, and logs no console error or CSP violation', async () => {
    const { page, problems } = await open(html);
    assert.deepEqual(problems, []);
    assert.equal(await page.locator('#cost-accuracy circle').count(), 3, 'a point per model');
    assert.equal(await page.locator('#cost-accuracy .whisker').count(), 3, 'an interval per model');
    assert.equal(await page.locator('#cost-accuracy path.frontier').count(), 1);
    assert.equal(await page.locator('#latency rect').count(), 6);
    assert.equal(await page.locator('#cascade-curve > circle.point').count(), report.cascade?.points.length);
    assert.equal(await page.locator('#projections tr').count(), 1 + MODELS.length + 1, 'a row per model, and the cascade');
    // SVG neither wraps nor shrinks text: every label must lie inside its picture.
    const clipped = await page.evaluate<string[]>(`[...document.querySelectorAll('svg')].flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
        .filter(({ r }) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        .map(({ text }) => svg.id + ': ' + text);
    })`);
    assert.deepEqual(clipped, []);
    const text = await page.locator('body').innerText();
    assert.match(text, /Gate: failed/);
    assert.match(text, /Cascade haiku-4\.5 → opus-4\.8/);
    assert.match(text, /At 500\/day/);
    assert.ok(!(await page.locator('#failures').isVisible()), 'the case browser replaces the worst failures');
    await shot(page, 'top');
    await shot(page, 'cost-accuracy', '#cost-accuracy');
    await shot(page, 'latency', '#latency');
    await shot(page, 'cascade', '.beside');
    await page.close();
  });

  it('filters the cases by model, outcome, category and text, with counts from the report', async () => {
    const { page, problems } = await open(html);
    const outcomes = new Map(report.results.map((r) => [r, caseOutcome(r)]));
    const category = (r: CaseResult): string | undefined => report.cases[r.caseIndex]?.category;
    const categories = [...new Set(report.cases.map((c) => c.category))].sort();
    assert.equal(await count(page), report.results.length, 'every answer');
    assert.equal(await rows(page), 100, 'a page at a time');
    await page.click('#cb-more');
    assert.equal(await rows(page), 200);
    for (const [m, model] of MODELS.entries()) {
      await page.selectOption('#cb-outcome', '-1');
      await page.selectOption('#cb-model', String(m));
      assert.equal(await count(page), report.results.filter((r) => r.model === model).length, model);
      for (const [o, outcome] of OUTCOMES.entries()) {
        await page.selectOption('#cb-outcome', String(o));
        const expected = report.results.filter((r) => r.model === model && outcomes.get(r) === outcome).length;
        assert.equal(await count(page), expected, `${model} ${outcome}`);
        assert.equal(await rows(page), Math.min(100, expected));
      }
    }
    await page.selectOption('#cb-model', '0');
    await page.selectOption('#cb-outcome', String(OUTCOMES.indexOf('wrong')));
    await page.selectOption('#cb-category', String(categories.indexOf('south')));
    assert.equal(await count(page), report.results.filter((r) => r.model === MODELS[0] && outcomes.get(r) === 'wrong' && category(r) === 'south').length);
    await page.selectOption('#cb-model', '-1');
    await page.selectOption('#cb-outcome', '-1');
    assert.equal(await count(page), report.results.filter((r) => category(r) === 'south').length);
    await page.selectOption('#cb-category', '-1');
    await page.fill('#cb-search', 'WINDOW.__pwned = 1');
    const planted = (s: string | undefined): boolean => (s ?? '').toLowerCase().includes('window.__pwned = 1');
    assert.equal(
      await count(page),
      report.results.filter((r) => planted(r.output) || planted(report.cases[r.caseIndex]?.expected) || planted(report.cases[r.caseIndex]?.prompt)).length,
    );
    assert.match(await page.locator('#cb-table tbody').innerText(), /<script>window\.__pwned = 1<\/script>/, 'the planted script shows as text');
    await page.fill('#cb-search', '');
    await page.selectOption('#cb-outcome', String(OUTCOMES.indexOf('error')));
    assert.match(
      await page.locator('#cb-table tbody td:has(.badge.error)').first().innerText(),
      /^error\n+invalid_response 200: the response is not valid JSON/,
      'a failed call shows its error',
    );
    await page.selectOption('#cb-outcome', '-1');
    await shot(page, 'case-browser-list', await visiblePart(page, '#cases'));
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined, 'nothing planted ran');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('puts two models side by side, and keeps the cases where their scores differ', async () => {
    const { page, problems } = await open(html);
    await page.check('input[name=cb-mode][value=pair]');
    assert.ok(!(await page.locator('#cb-model').isVisible()) && (await page.locator('#cb-a').isVisible()));
    assert.equal(await count(page), report.cases.length, 'a row per case');
    const score = (model: string): Map<number, number | null> => new Map(report.results.filter((r) => r.model === model).map((r) => [r.caseIndex, r.score]));
    for (const [a, b] of [
      [0, 2],
      [1, 2],
      [0, 1],
    ] as const) {
      await page.selectOption('#cb-a', String(a));
      await page.selectOption('#cb-b', String(b));
      await page.check('#cb-disagree');
      const [sa, sb] = [score(MODELS[a]!), score(MODELS[b]!)];
      const differ = report.cases.filter((_, i) => (sa.get(i) ?? null) !== (sb.get(i) ?? null)).length;
      assert.ok(differ > 0);
      assert.equal(await count(page), differ, `${MODELS[a]} against ${MODELS[b]}`);
      assert.deepEqual(await page.locator('#cb-table thead th').allInnerTexts(), ['Case', 'category', 'Prompt', 'Expected', MODELS[a], MODELS[b]]);
      await page.uncheck('#cb-disagree');
    }
    await page.selectOption('#cb-a', '0');
    await page.selectOption('#cb-b', '2');
    await page.check('#cb-disagree');
    await shot(page, 'case-browser-pair', await visiblePart(page, '#cases'));
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined, 'nothing planted ran');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('reads without script: the worst failures instead of the browser', async () => {
    const { page, problems } = await open(html, { javaScriptEnabled: false });
    assert.ok(await page.locator('#failures').isVisible());
    assert.ok(!(await page.locator('#cases').isVisible()), 'no dead controls');
    assert.match(await page.locator('body').innerText(), /Worst failures/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('10,000 cases on three models: a page of rows at a time (size and timings printed)', async () => {
    const N = 10_000;
    const n = report.cases.length;
    const big: Report = {
      ...report,
      dataset: { ...report.dataset, cases: N },
      cases: Array.from({ length: N }, (_, i) => ({ ...report.cases[i % n]!, id: `c${i}` })),
      results: Array.from({ length: N / n + 1 }, (_, k) => report.results.map((r) => ({ ...r, caseIndex: r.caseIndex + k * n })))
        .flat()
        .filter((r) => r.caseIndex < N),
    };
    let t = performance.now();
    const text = renderHtml(big);
    const renderMs = performance.now() - t;
    const file = join(dir, 'big.html');
    writeFileSync(file, text);
    t = performance.now();
    const { page, problems } = await open(file);
    await page.locator('#cb-count[data-count]').waitFor();
    const loadMs = performance.now() - t;
    assert.equal(await count(page), big.results.length);
    assert.equal(await rows(page), 100);
    t = performance.now();
    await page.selectOption('#cb-outcome', String(OUTCOMES.indexOf('wrong')));
    const filterMs = performance.now() - t;
    t = performance.now();
    await page.check('input[name=cb-mode][value=pair]');
    await page.check('#cb-disagree');
    const pairMs = performance.now() - t;
    t = performance.now();
    await page.fill('#cb-search', 'message 12');
    const searchMs = performance.now() - t;
    const nodes = await page.evaluate<number>("document.getElementsByTagName('*').length");
    assert.deepEqual(problems, []);
    process.stdout.write(
      `# ${N.toLocaleString('en-US')} cases × ${MODELS.length} models: ${(statSync(file).size / 1e6).toFixed(1)} MB of HTML, rendered in ${Math.round(renderMs)} ms; ` +
        `in Chromium: loaded and listed in ${Math.round(loadMs)} ms, ${nodes} DOM elements; a filter ${Math.round(filterMs)} ms, side by side ${Math.round(pairMs)} ms, a search ${Math.round(searchMs)} ms\n`,
    );
    await page.close();
  });
});

/** The top of an element, as much of it as the viewport holds: for screenshots of long tables. */
async function visiblePart(page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  await page.locator(selector).evaluate((e) => e.scrollIntoView());
  const box = await page.locator(selector).boundingBox();
  assert.ok(box);
  return { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, (page.viewportSize()?.height ?? 900) - box.y) };
}
