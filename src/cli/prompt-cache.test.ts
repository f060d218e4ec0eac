// --prompt-cache 5m|1h end to end: the real CLI in-process, the emulator caching as Anthropic's API does.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { costOf } from '../analysis/cost.js';
import { loadDataset } from '../cases/load.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import { listPrice } from '../models/prices.js';
import { withEmulator } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';

const TICKETS = `${ROOT}datasets/support-tickets.csv`;
const HAIKU = 'claude-haiku-4-5';
// About 5,000 tokens: over the 4,096 Haiku 4.5 caches.
const LONG = `You route customer-support tickets to Account, Billing, Technical, Shipping or Returns. ${'An example of a ticket and its category follows here. '.repeat(380)}`;

let tmp: string;
let key: AnswerKey;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tierbench-prompt-cache-'));
  const d = await loadDataset(TICKETS);
  key = AnswerKey.fromCases(d.cases, d.inputColumn);
});

const steady: Profile = { ids: [HAIKU], accuracy: 0.9, ttftMs: 5, ttftSpread: 0, tokensPerSec: 0 };
const envFor = (url: string): Record<string, string> => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'test-anthropic-key' });

describe('--prompt-cache', () => {
  it('5m: the first call writes the shared prefix, the others read it, and the report shows what that saved', async () => {
    await withEmulator({ profiles: [steady], key }, async (url, emulator) => {
      const out = join(tmp, 'five.json');
      // -c 16: the first call goes alone, so the calls behind it read what it wrote.
      const r = await runCli(
        ['run', '-m', 'haiku-4.5', '--system', LONG, '--prompt-cache', '5m', '--limit', '30', '-c', '16', '-o', out, TICKETS],
        envFor(url),
      );
      assert.equal(r.code, 0, r.stderr);
      const report = await readValidReport(out);
      const s = report.summaries[0]!;
      const served = emulator.stats(HAIKU).usage;
      assert.equal(report.settings.promptCache, '5m');
      assert.deepEqual(s.tokens, served);
      assert.ok(served.cacheWrite > 4096, `${served.cacheWrite} tokens written`);
      assert.equal(served.cacheRead, served.cacheWrite * 29, 'one write, 29 reads');
      const prices = listPrice(HAIKU)!;
      const flat = { input: served.input + served.cacheWrite + served.cacheRead, output: served.output, cacheWrite: 0, cacheRead: 0 };
      assert.deepEqual({ writes: s.promptCache?.writes, reads: s.promptCache?.reads }, { writes: 1, reads: 29 });
      assert.ok(Math.abs((s.promptCache?.paid ?? 0) - costOf(served, prices)) < 1e-12);
      assert.ok(Math.abs((s.promptCache?.uncached ?? 0) - costOf(flat, prices)) < 1e-12);
      assert.ok((s.promptCache?.savedFraction ?? 0) > 0.7, `saved ${s.promptCache?.savedFraction}`);
      assert.match(r.stdout, /Prompt cache, haiku-4\.5 \(5m TTL\): 1 calls wrote it .* 29 read it .*: saved \$[\d.]+ \(\d+ %\)\./);
    });
  });

  it('1h: the write is priced at twice the input rate', async () => {
    await withEmulator({ profiles: [steady], key }, async (url, emulator) => {
      const out = join(tmp, 'hour.json');
      const r = await runCli(['run', '-m', 'haiku-4.5', '--system', LONG, '--prompt-cache', '1h', '--limit', '5', '--quiet', '-o', out, TICKETS], envFor(url));
      assert.equal(r.code, 0, r.stderr);
      const s = (await readValidReport(out)).summaries[0]!;
      const served = emulator.stats(HAIKU).usage;
      assert.equal(s.tokens.cacheWrite1h, served.cacheWrite, 'every write was a 1-hour one');
      const prices = listPrice(HAIKU)!;
      const expected =
        (served.input * prices.input + served.cacheWrite * 2 * prices.input + served.cacheRead * prices.cacheRead + served.output * prices.output) / 1e6;
      assert.ok(Math.abs((s.cost?.total ?? 0) - expected) < 1e-12, `${s.cost?.total} vs ${expected}`);
    });
  });

  it("marks the template's static text before its first variable (few-shot examples) when there is no system prompt", async () => {
    await withEmulator({ profiles: [steady], key }, async (url, emulator) => {
      const cwd = await mkdtemp(join(tmpdir(), 'tierbench-few-shot-'));
      await writeFile(join(cwd, 'prompt.txt'), `${LONG}\n\nTicket: {{ticket}}\nCategory:`);
      const out = join(cwd, 'r.json');
      const r = await runCli(
        ['run', '-m', 'haiku-4.5', '--prompt-file', 'prompt.txt', '--prompt-cache', '--limit', '10', '-c', '1', '--quiet', '-o', out, TICKETS],
        envFor(url),
        cwd,
      );
      assert.equal(r.code, 0, r.stderr);
      const report = await readValidReport(out);
      assert.equal(report.settings.promptCache, '5m', 'bare --prompt-cache is 5m');
      assert.equal(report.summaries[0]?.accuracy !== null, true);
      const served = emulator.stats(HAIKU).usage;
      assert.ok(served.cacheRead > 0 && served.cacheRead === served.cacheWrite * 9, JSON.stringify(served));
    });
  });

  it('warns when the shared prefix is below the minimum the model caches, and caches nothing', async () => {
    await withEmulator({ profiles: [steady], key }, async (url, emulator) => {
      const out = join(tmp, 'short.json');
      const r = await runCli(
        ['run', '-m', 'haiku-4.5', '--system', 'Classify the ticket.', '--prompt-cache', '--limit', '3', '--quiet', '-o', out, TICKETS],
        envFor(url),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /warning: --prompt-cache: the prefix haiku-4\.5's cases share is about 5 tokens, below the 4,096 claude-haiku-4-5 caches: nothing will be cached/,
      );
      const report = await readValidReport(out);
      assert.ok(report.notes.some((n) => n.includes('below the 4,096')));
      assert.equal(report.summaries[0]?.promptCache, undefined);
      assert.equal(emulator.stats(HAIKU).usage.cacheWrite, 0);
    });
  });

  it('refuses a TTL the API does not have', async () => {
    const r = await runCli(['run', '-m', 'haiku', '--prompt-cache', '10m', TICKETS], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected 5m or 1h/);
  });
});
