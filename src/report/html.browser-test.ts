// The HTML report in a real browser: headless Chromium (Debian's package) through playwright-core.
// Not part of `npm test` (it needs Chromium): `npm run test:browser`, which .ci/run runs after
// installing Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import { cli } from '../test-support/cli.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('HTML report in headless Chromium', () => {
  it('draws the plot, logs no console error, and runs nothing planted in a model answer', async () => {
    assert.ok(CHROMIUM, 'Chromium is not installed: apt-get install chromium (.ci/run does)');
    const dir = mkdtempSync(join(tmpdir(), 'tb-html-'));
    const labels = ['Billing', '<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">'];
    const data = join(dir, 'cases.jsonl');
    writeFileSync(data, Array.from({ length: 90 }, (_, i) => JSON.stringify({ id: `c${i}`, input: `Message ${i}`, expected: labels[i % 3], category: i % 2 ? 'odd' : 'even' })).join('\n') + '\n');
    const d = await loadDataset(data);
    const emulator = new Emulator({
      key: AnswerKey.fromCases(d.cases, d.inputColumn),
      profiles: [{ ids: ['claude-haiku-4-5'], accuracy: 0.6, ttftMs: 5, ttftSpread: 0.5, tokensPerSec: 0 }, { ids: ['claude-sonnet-4-6'], accuracy: 0.8, ttftMs: 10, ttftSpread: 0.5, tokensPerSec: 0 }],
    });
    const url = await emulator.listen(0);
    let html: string;
    try {
      const r = await cli(['run', '-m', 'haiku-4.5,sonnet-4.6', '--report', 'html', '--min-accuracy', '0.7', '--quiet', '-o', 'r.json', data], { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' }, dir);
      assert.equal(r.code, 1, 'the gate fails haiku');
      html = join(dir, 'r.html');
      assert.ok(!readFileSync(html, 'utf8').includes('<script>window'), 'answers are escaped in the file');
    } finally {
      await emulator.close();
    }

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (req) => { if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`); });
      await page.goto(`file://${html}`);
      assert.deepEqual(problems, []);
      assert.equal(await page.locator('#cost-accuracy circle').count(), 2, 'a point per model');
      assert.equal(await page.locator('#cost-accuracy .whisker').count(), 2, 'an interval per model');
      assert.equal(await page.locator('#cost-accuracy path.frontier').count(), 1);
      assert.equal(await page.locator('#latency rect').count(), 4);
      assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined, 'nothing planted ran');
      const text = await page.locator('body').innerText();
      assert.match(text, /<script>window\.__pwned = 1<\/script>/, 'the planted script shows as text');
      assert.match(text, /Gate: failed/);
      assert.match(text, /Worst failures/);
      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, 'a screenshot was taken');
      process.stdout.write(`# screenshot: ${shot}\n`);
    } finally {
      await browser.close();
    }
  });
});
