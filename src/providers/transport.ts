// The SDKs' HTTP transport, passed through their public `fetch` option. Direct connections use a
// fetch made on node:http / node:https with keep-alive agents: Node's own fetch (undici) cost
// 0.35-0.45 ms more CPU per streamed call than this one on a 2-core machine, +60-80 % of what a
// call costs tierbench in all (docs/decisions/transport.md). It returns a real web `Response` with a
// `ReadableStream` body and fails the way fetch does, so nothing depends on how an SDK reads it.
// It follows redirects as fetch does (credentials never follow one to another origin) and decodes
// any content encoding Node has a decoder for.
//
// Behind a proxy (HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY) calls go through undici's fetch
// with its EnvHttpProxyAgent instead: tunnelling, proxy authentication and NO_PROXY matching are
// what a well-kept client gets right and a hand-written one gets subtly wrong.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

// The run's --concurrency limits sockets; the agents only keep them open between calls.
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** The errors Node's fetch gives, so callers (and the SDKs) see the same shapes from either. */
const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });
const terminated = (cause: unknown): TypeError => new TypeError('terminated', { cause });
const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

/**
 * zstd where this Node has it (22.15+); the others everywhere. The cast names the type of a
 * function @types/node 20 (our oldest Node) does not declare; `in` has checked it is there.
 */
const zstd = 'createZstdDecompress' in zlib ? (zlib.createZstdDecompress as () => Transform) : undefined;
const DECODERS: Record<string, () => Transform> = {
  gzip: zlib.createGunzip,
  'x-gzip': zlib.createGunzip,
  deflate: zlib.createInflate,
  br: zlib.createBrotliDecompress,
  ...(zstd !== undefined && { zstd }),
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** fetch's limit. */
const MAX_REDIRECTS = 20;
/** Headers that carry a key: dropped when a redirect leaves the origin the key was meant for. */
const CREDENTIALS = ['authorization', 'x-api-key', 'api-key', 'cookie', 'proxy-authorization'];

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** The proxy variables curl and undici read, lower case first; undefined when none is set. */
export function proxyFromEnv(env: Readonly<Record<string, string | undefined>>): ProxySettings | undefined {
  const pick = (name: string): string | undefined => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  if (httpProxy === undefined && httpsProxy === undefined) return undefined;
  const noProxy = pick('no_proxy');
  return { ...(httpProxy !== undefined && { httpProxy }), ...(httpsProxy !== undefined && { httpsProxy }), ...(noProxy !== undefined && { noProxy }) };
}

/** The fetch for a run: direct, or through the proxy its environment names. */
export async function transport(proxy: ProxySettings | undefined): Promise<Fetch> {
  if (proxy === undefined) return httpFetch;
  // undici is CommonJS: imported from ESM (by Node or by the bundle), its exports object is the default export.
  const { fetch: undiciFetch, EnvHttpProxyAgent } = (await import('undici')).default;
  // Every setting passed explicitly: undici would otherwise read process.env itself.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '',
    noProxy: proxy.noProxy ?? '',
  });
  // undici's classes (Request, Headers, FormData) are not Node's global ones, which come from the
  // copy of undici inside Node: only plain values cross over. The SDKs send a URL and a JSON body.
  return (input, init = {}) => {
    const body = init.body ?? undefined;
    if (input instanceof Request || !(body === undefined || typeof body === 'string' || body instanceof Uint8Array))
      return Promise.reject(new TypeError('the proxy transport takes a URL and a string or byte body'));
    return undiciFetch(input, {
      method: init.method,
      headers: headerRecord(init.headers),
      body,
      signal: init.signal,
      redirect: init.redirect,
      dispatcher,
    });
  };
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers instanceof Headers)
    headers.forEach((value, name) => {
      record[name] = value;
    });
  else if (Array.isArray(headers)) for (const [name, value] of headers) record[name!.toLowerCase()] = value!;
  else if (headers) for (const [name, value] of Object.entries(headers)) record[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  return record;
}

type Body = string | Uint8Array | undefined;

/** `timing.lastByteAt` is set (performance.now()) when the body's last byte has been read. */
export function httpFetch(input: string | URL | Request, init: RequestInit = {}, timing?: { lastByteAt?: number }): Promise<Response> {
  const body = init.body ?? undefined;
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
  // What this transport does not carry (a Request object, a stream or form body) goes to Node's fetch.
  if (url === undefined || !(url.protocol in agents) || !(body === undefined || typeof body === 'string' || body instanceof Uint8Array))
    return fetch(input, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return send(url, init.method ?? 'GET', headerRecord(init.headers), body, signal, init.redirect ?? 'follow', MAX_REDIRECTS, timing);
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Body,
  signal: AbortSignal | undefined,
  redirect: NonNullable<RequestInit['redirect']>,
  redirectsLeft: number,
  timing?: { lastByteAt?: number },
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const sent = { ...headers };
    if (body !== undefined) sent['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    // Plain bytes are cheaper than decompressing answers this small; a server may compress anyway.
    sent['accept-encoding'] ??= 'identity';
    const agent = agents[url.protocol as keyof typeof agents];
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers: sent, agent });
    let settled = false;
    let onAbort: (() => void) | undefined;
    const done = (): void => {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    };
    request.on('error', (err) => {
      if (settled) return;
      settled = true;
      done();
      reject(signal?.aborted ? abortReason(signal) : fetchFailed(err));
    });
    if (signal) {
      onAbort = () => request.destroy(signal.reason instanceof Error ? signal.reason : undefined);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    request.on('response', (res) => {
      settled = true;
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location !== undefined && redirect !== 'manual') {
        res.resume();
        done();
        if (redirect === 'error' || redirectsLeft === 0)
          return reject(fetchFailed(new Error(redirect === 'error' ? 'unexpected redirect' : 'redirect count exceeded')));
        let next: URL;
        try {
          next = new URL(location, url);
        } catch (err) {
          return reject(fetchFailed(err));
        }
        // As fetch: 303, and 301/302 after a POST, become a GET without a body; 307/308 repeat the request.
        const asGet = status === 303 || ((status === 301 || status === 302) && method === 'POST');
        const nextHeaders = { ...headers };
        if (asGet) for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) delete nextHeaders[h];
        if (next.origin !== url.origin) for (const h of CREDENTIALS) delete nextHeaders[h];
        resolve(send(next, asGet ? 'GET' : method, nextHeaders, asGet ? undefined : body, signal, redirect, redirectsLeft - 1, timing));
        return;
      }
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
      const init: ResponseInit = { status, statusText: res.statusMessage ?? '', headers: responseHeaders };
      if (method === 'HEAD' || status === 204 || status === 205 || status === 304) {
        res.resume();
        done();
        resolve(new Response(null, init));
        return;
      }
      let source: Readable = res;
      // Listed in the order applied: undone last to first.
      const codings = (res.headers['content-encoding'] ?? '')
        .split(',')
        .map((c) => c.trim().toLowerCase())
        .filter((c) => c !== '' && c !== 'identity');
      if (codings.length > 0 && codings.every((c) => DECODERS[c] !== undefined)) {
        for (const coding of codings.reverse()) source = source.pipe(DECODERS[coding]!());
        // pipe() does not pass on a connection lost mid-body: the decoder would wait for ever.
        const decoded = source;
        res.once('close', () => {
          if (!res.complete) decoded.destroy(new Error('other side closed'));
        });
      }
      if (timing)
        res.once('end', () => {
          timing.lastByteAt = performance.now();
        });
      resolve(new Response(ReadableStream.from(bodyOf(res, source, signal, done)), init));
    });
    request.end(body);
  });
}

/**
 * The body as the bytes arrive, with fetch's failure shapes: an abort fails it with the signal's
 * reason, a connection lost before the last byte with TypeError('terminated'). Cancelled (the
 * SDKs cancel the unread body of a response they retry), its connection is closed: a response
 * left unread would hold its socket.
 */
function bodyOf(res: http.IncomingMessage, source: Readable, signal: AbortSignal | undefined, done: () => void): AsyncIterableIterator<Uint8Array> {
  let ended = false;
  const release = (): void => {
    done();
    if (!ended) res.destroy();
  };
  const chunks = (async function* (): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of source) yield chunk as Buffer;
      // The socket closed before the body was complete (a reset, a cut stream, an abort).
      if (!res.complete) throw new Error('other side closed');
      ended = true;
    } catch (err) {
      throw signal?.aborted ? abortReason(signal) : terminated(err);
    } finally {
      release();
    }
  })();
  return {
    next: () => chunks.next(),
    // A generator never started skips its `finally`: release here too.
    return: (value?: unknown) => {
      release();
      return chunks.return(value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
