import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../test-support/paths.js';
import { httpFetch } from './transport.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString();
  });
  req.on('end', () => routes.get(req.url ?? '')?.(req, body, res));
});
let base = '';

describe('httpFetch', () => {
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends method, headers and a sized body, and gives back status, headers and body', async () => {
    routes.set('/echo', (req, body, res) => {
      res.writeHead(201, {
        'content-type': 'application/json',
        'x-seen': `${req.method} ${req.headers['content-length']} ${req.headers['x-api-key']} ${req.headers['transfer-encoding'] ?? 'sized'}`,
      });
      res.end(JSON.stringify({ body }));
    });
    const text = '{"q":"é"}';
    const response = await httpFetch(`${base}/echo`, { method: 'POST', headers: new Headers({ 'X-Api-Key': 'k1' }), body: text });
    assert.equal(response.status, 201);
    assert.equal(response.ok, true);
    assert.equal(response.headers.get('x-seen'), `POST ${Buffer.byteLength(text)} k1 sized`);
    assert.deepEqual(await response.json(), { body: text });
  });

  it('decodes a compressed body and gives no body for 204', async () => {
    routes.set('/gzip', (_req, _body, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync('compressed answer'));
    });
    routes.set('/empty', (_req, _body, res) => {
      res.writeHead(204);
      res.end();
    });
    assert.equal(await (await httpFetch(`${base}/gzip`)).text(), 'compressed answer');
    const empty = await httpFetch(`${base}/empty`, { method: 'POST', body: 'x' });
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
  });

  it('streams the body as it arrives', async () => {
    let finish: () => void = () => undefined;
    routes.set('/sse', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      finish = () => res.end('data: 2\n\n');
    });
    const response = await httpFetch(`${base}/sse`);
    const body = response.body![Symbol.asyncIterator]();
    assert.equal(new TextDecoder().decode((await body.next()).value), 'data: 1\n\n');
    finish();
    assert.equal(new TextDecoder().decode((await body.next()).value), 'data: 2\n\n');
    assert.equal((await body.next()).done, true);
  });

  it('a body cancelled unread (a response the SDK retries) closes its connection; a body reads once', async () => {
    let closed: Promise<void> = Promise.resolve();
    routes.set('/unread', (req, _body, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(429, { 'content-type': 'application/json' });
      res.write('{"error":');
    });
    const response = await httpFetch(`${base}/unread`, { method: 'POST', body: 'x' });
    assert.equal(response.status, 429);
    await response.body![Symbol.asyncIterator]().return!();
    await closed;
    routes.set('/once', (_req, _body, res) => res.end('{"a":1}'));
    const once = await httpFetch(`${base}/once`);
    assert.deepEqual(await once.json(), { a: 1 });
    assert.equal(once.bodyUsed, true);
    await assert.rejects(once.text(), TypeError);
  });

  it('fails as fetch does: a lost connection mid-body is "terminated", a refused one "fetch failed"', async () => {
    routes.set('/cut', (_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('half');
      setImmediate(() => res.destroy());
    });
    const response = await httpFetch(`${base}/cut`);
    await assert.rejects(response.text(), (err: Error) => err instanceof TypeError && err.message === 'terminated');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      httpFetch(`http://127.0.0.1:${port}/`),
      (err: Error) => err instanceof TypeError && err.message === 'fetch failed' && (err.cause as NodeJS.ErrnoException).code === 'ECONNREFUSED',
    );
  });

  it("aborts with the signal's reason, before the response and while reading the body", async () => {
    routes.set('/slow', () => undefined);
    const before = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: before.signal });
    before.abort();
    await assert.rejects(pending, (err: Error) => err.name === 'AbortError');
    await assert.rejects(httpFetch(`${base}/slow`, { signal: AbortSignal.abort() }), (err: Error) => err.name === 'AbortError');

    routes.set('/partial', (_req, _body, res) => {
      res.writeHead(200);
      res.write('part');
    });
    const during = new AbortController();
    const response = await httpFetch(`${base}/partial`, { signal: during.signal });
    const body = response.body![Symbol.asyncIterator]();
    await body.next();
    during.abort();
    await assert.rejects(body.next(), (err: Error) => err.name === 'AbortError');
  });

  it('follows redirects as fetch does, and a key never follows one to another origin', async () => {
    routes.set('/seen', (req, body, res) =>
      res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null })),
    );
    for (const status of [307, 308])
      routes.set(`/moved-${status}`, (_req, _body, res) => {
        res.writeHead(status, { location: '/seen' });
        res.end();
      });
    routes.set('/see-other', (_req, _body, res) => {
      res.writeHead(303, { location: '/seen' });
      res.end();
    });
    routes.set('/loop', (_req, _body, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    const headers = { authorization: 'Bearer k', 'x-api-key': 'k' };
    for (const status of [307, 308]) {
      assert.deepEqual(
        await (await httpFetch(`${base}/moved-${status}`, { method: 'POST', headers, body: 'q' })).json(),
        { method: 'POST', body: 'q', auth: 'Bearer k', key: 'k' },
        `${status} repeats the request`,
      );
    }
    assert.deepEqual(await (await httpFetch(`${base}/see-other`, { method: 'POST', headers, body: 'q' })).json(), {
      method: 'GET',
      body: '',
      auth: 'Bearer k',
      key: 'k',
    });
    await assert.rejects(
      httpFetch(`${base}/loop`),
      (err: Error) => err.message === 'fetch failed' && /redirect count/.test(String((err.cause as Error).message)),
    );
    // Another origin: the same host on another port.
    const other = createServer((req, res) => res.end(JSON.stringify({ auth: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null })));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    routes.set('/away', (_req, _body, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${(other.address() as AddressInfo).port}/` });
      res.end();
    });
    try {
      assert.deepEqual(await (await httpFetch(`${base}/away`, { method: 'POST', headers, body: 'q' })).json(), { auth: null, key: null });
    } finally {
      other.close();
    }
  });

  it('a compressed body cut mid-way fails as "terminated", not by waiting (it used to wait for ever)', { timeout: 10_000 }, async () => {
    routes.set('/gzip-cut', (_req, _body, res) => {
      const whole = gzipSync(randomBytes(100_000));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(whole.length) });
      res.write(whole.subarray(0, 200));
      setImmediate(() => res.destroy());
    });
    const response = await httpFetch(`${base}/gzip-cut`);
    await assert.rejects(response.text(), (err: Error) => err instanceof TypeError && err.message === 'terminated');
  });

  it('gives a real web Response', async () => {
    routes.set('/real', (_req, _body, res) => res.end('ok'));
    const response = await httpFetch(`${base}/real`);
    assert.ok(response instanceof Response && response.body instanceof ReadableStream);
    assert.equal(await response.text(), 'ok');
  });

  it('speaks HTTPS, verifying the certificate against the system and NODE_EXTRA_CA_CERTS', async () => {
    // A self-signed certificate for 127.0.0.1 (src/test-support/tls, valid until 2126).
    const tls = `${ROOT}src/test-support/tls/`;
    const server = createTlsServer({ key: readFileSync(`${tls}key.pem`), cert: readFileSync(`${tls}cert.pem`) }, (_req, res) => res.end('over tls'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await assert.rejects(
        httpFetch(url),
        (err: Error) => err.message === 'fetch failed' && /self.signed/i.test(String((err.cause as NodeJS.ErrnoException).code)),
      );
      // Trusted as a company CA would be: the extra CA file is read when Node starts.
      const script = `const { httpFetch } = await import(${JSON.stringify(`${ROOT}dist/providers/transport.js`)}); const r = await httpFetch(${JSON.stringify(url)}, { method: 'POST', body: 'x' }); console.log(r.status, await r.text());`;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--input-type=module', '-e', script],
          { env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: `${tls}cert.pem` } },
          (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
        ),
      );
      assert.equal(out.trim(), '200 over tls');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
