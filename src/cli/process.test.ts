// What only a real process shows: signals (Ctrl-C, SIGTERM, kill -9), a reader that closes the
// pipe, and settings Node reads as it starts. These run the built bundle (bin/tierbench.js), and
// so are also its smoke test; everything else runs in-process through main(io). Each waits on an
// event (a request reaching the emulator, a line printed), never on a timer.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Profile } from '../emulator/simulated.js';
import { cli, spawnCli } from '../test-support/cli.js';
import { requested } from '../test-support/emulator.js';
import { runCli } from '../test-support/inprocess.js';
import { ROOT } from '../test-support/paths.js';
import { readValidReport } from '../test-support/report.js';
import { assertComplete, quick, sdkEnv, TICKETS, withTickets } from '../test-support/tickets.js';
import type { Report } from '../types.js';

const report = (path: string): Report => readValidReport(path);

describe('signals', () => {
  // Answers slow enough that the run is still going when the signal lands.
  const slow = (id: string): Profile => quick(id, { ttftMs: 60 });

  it("a second Ctrl-C also cancels a call sleeping in the SDK's backoff, sends nothing more, and the process exits", async () => {
    // The openai SDK sleeps through its backoff without watching the abort signal: 40 s here. The
    // process must exit first; a request after the Ctrl-Cs fails the test the moment it arrives.
    await withTickets([quick('gpt-4o-mini', { faults: [{ status: 429, rate: 1, retryAfterS: 40 }] })], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-int3-'));
      const run = spawnCli(['run', '-m', 'gpt-4o-mini', '-c', '2', '--limit', '4', '--max-retries', '2', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      try {
        // Resolved once the second 429 has been sent: both calls are on their way to the backoff.
        await run.until(requested(e, 2));
        const more = new Promise<never>((_, reject) => e.onRequest(() => reject(new Error('a request was sent after the Ctrl-Cs'))));
        run.child.kill('SIGINT');
        await run.printed(/interrupted: no new calls/);
        run.child.kill('SIGINT');
        const r = await Promise.race([run.done, more]);
        assert.equal(r.code, 130, r.stderr);
        assert.equal(report(join(cwd, 'r.json')).run.status, 'interrupted');
        assert.equal(e.stats('gpt-4o-mini').retries, 0, 'no retry was sent after the abort');
      } finally {
        run.child.kill('SIGKILL');
      }
    });
  });

  it('SIGTERM (a cancelled CI job) is taken as a Ctrl-C: the calls in flight finish, the report is written, exit 130', async () => {
    await withTickets([slow('claude-haiku-4-5')], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-term-'));
      const run = spawnCli(['run', '-m', 'haiku-4.5', '-c', '4', '--limit', '24', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      await run.until(requested(e, 8));
      run.child.kill('SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 130, r.stderr);
      const partial = report(join(cwd, 'r.json'));
      assert.equal(partial.run.status, 'interrupted');
      assert.equal(partial.results.length, e.stats().requests, 'the calls in flight finished and are in the report');
      assert.match(r.stderr, /--resume \S+/);
    });
  });

  it('kill -9: resume repeats at most the calls that were in flight', async () => {
    await withTickets([slow('claude-haiku-4-5'), slow('claude-sonnet-4-6')], async (url, e) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-kill-'));
      const run = spawnCli(
        ['run', '-m', 'haiku-4.5,sonnet-4.6', '-c', '8', '--limit', '40', '--no-cache', '--quiet', '-o', 'r.json', TICKETS],
        sdkEnv(url),
        cwd,
      );
      await run.until(requested(e, 32));
      run.child.kill('SIGKILL');
      assert.equal((await run.done).code, 137);
      const runs = join(cwd, '.tierbench', 'runs');
      const journal = readdirSync(runs).find((f) => f.endsWith('.journal.jsonl'));
      assert.ok(journal, 'the journal survived');
      const served = e.stats().succeeded;
      const resumed = await runCli(['run', '--resume', join(runs, journal), '--quiet'], sdkEnv(url), cwd);
      assert.equal(resumed.code, 0, resumed.stderr);
      assertComplete(report(join(cwd, 'r.json')));
      const repeated = e.stats().succeeded - 80;
      assert.ok(served >= 32 && repeated <= 8, `repeated paid calls: ${repeated}`);
    });
  });
});

describe('output', () => {
  it('a reader that closes the pipe early ends the run quietly, with its report written', async () => {
    await withTickets([quick('claude-haiku-4-5')], async (url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'tb-pipe-'));
      const run = spawnCli(['run', '-m', 'haiku-4.5', '--limit', '20', '--json', '-o', 'r.json', TICKETS], sdkEnv(url), cwd);
      run.child.stdout?.destroy();
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(report(join(cwd, 'r.json')).run.status, 'complete');
    });
  });
});

describe('behind a corporate proxy', () => {
  it('HTTPS_PROXY: an HTTPS API reached through a CONNECT tunnel, its certificate checked against NODE_EXTRA_CA_CERTS', async () => {
    // A child process: NODE_EXTRA_CA_CERTS is read when Node starts.
    await withTickets([quick('claude-haiku-4-5')], async (url, e) => {
      const tls = `${ROOT}src/test-support/tls/`;
      // The API over TLS (a terminator in front of the emulator), and a proxy that only tunnels.
      const api = createTlsServer({ key: readFileSync(`${tls}key.pem`), cert: readFileSync(`${tls}cert.pem`) }, (req, res) => {
        req.pipe(
          httpRequest(`${url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          }),
        );
      });
      const tunnels: string[] = [];
      const proxy = createTcpServer((client) => {
        client.once('data', (head) => {
          const target = /^CONNECT (\S+)/.exec(head.toString())?.[1] ?? '';
          tunnels.push(target);
          const [host, port] = target.split(':');
          const upstream = connect(Number(port), host, () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            upstream.pipe(client);
            client.pipe(upstream);
          });
          upstream.on('error', () => client.destroy());
          client.on('error', () => upstream.destroy());
        });
      });
      await Promise.all([new Promise<void>((r) => api.listen(0, '127.0.0.1', r)), new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))]);
      const apiPort = (api.address() as AddressInfo).port;
      try {
        const cwd = mkdtempSync(join(tmpdir(), 'tb-proxy-'));
        const r = await cli(
          ['run', '-m', 'haiku-4.5', '--limit', '6', '--quiet', '-o', 'r.json', TICKETS],
          {
            ...sdkEnv(`https://127.0.0.1:${apiPort}`),
            HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
            NODE_EXTRA_CA_CERTS: `${tls}cert.pem`,
          },
          cwd,
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(report(join(cwd, 'r.json')).summaries[0]?.scored, 6);
        assert.ok(tunnels.length > 0 && tunnels.every((t) => t === `127.0.0.1:${apiPort}`), `tunnels: ${tunnels.join(', ')}`);
        assert.equal(e.stats().requests, 6);
      } finally {
        api.closeAllConnections();
        api.close();
        proxy.close();
      }
    });
  });
});
