// The SDKs' HTTP transport: a fetch made on node:http / node:https with keep-alive agents. Node's
// own fetch builds a Request, an AbortSignal, a fetch controller and several web streams per call;
// on a 2-core machine that was a quarter of tierbench's CPU per case and the reason a run at
// concurrency 64 could not keep pace with a 50 ms endpoint (README, Performance). This one does
// what the SDKs need of fetch and no more: a POST or GET with a string or byte body, abort, and a
// response shaped as node-fetch's, whose body is an async iterable of bytes (both SDKs read such a
// body as they read a web stream). A web ReadableStream and undici's Response cost another 6-8 %
// of the CPU per call on Node 20 (README, Performance). Anything else (a stream or form body) goes
// to Node's fetch.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

// The run's --concurrency limits sockets; the agents only keep them open between calls.
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** The errors Node's fetch gives, so callers (and the SDKs) see the same shapes from either. */
const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });
const terminated = (cause: unknown): TypeError => new TypeError('terminated', { cause });
const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((value, name) => { record[name] = value; });
  else if (Array.isArray(headers)) for (const [name, value] of headers) record[name!.toLowerCase()] = value!;
  else if (headers) for (const [name, value] of Object.entries(headers)) record[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  return record;
}

/** `timing.lastByteAt` is set (performance.now()) when the body's last byte has been read. */
export function httpFetch(input: string | URL | Request, init: RequestInit = {}, timing?: { lastByteAt?: number }): Promise<Response> {
  const body = init.body;
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
  const agent = url && agents[url.protocol as keyof typeof agents];
  if (url === undefined || agent === undefined || !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)) return fetch(input, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));

  return new Promise<Response>((resolve, reject) => {
    const headers = headerRecord(init.headers);
    if (body !== undefined && body !== null) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    // Plain bytes are cheaper than decompressing answers this small; a server may compress anyway.
    headers['accept-encoding'] ??= 'identity';
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: init.method ?? 'GET', headers, agent });
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
      const headers = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      if (init.method === 'HEAD' || status === 204 || status === 205 || status === 304) {
        res.resume();
        done();
        resolve(new NodeResponse(url.href, status, res.statusMessage ?? '', headers, null) as unknown as Response);
        return;
      }
      const decode = DECODERS[(res.headers['content-encoding'] ?? '').trim().toLowerCase()];
      const source: Readable = decode ? (res.pipe(decode()) as unknown as Readable) : res;
      if (timing) res.once('end', () => { timing.lastByteAt = performance.now(); });
      resolve(new NodeResponse(url.href, status, res.statusMessage ?? '', headers, bodyOf(res, source, signal, done)) as unknown as Response);
    });
    request.end(body ?? undefined);
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

/**
 * What the SDKs read of a fetch Response, the shape node-fetch gives them: the body is an async
 * iterable of bytes rather than a web ReadableStream.
 */
class NodeResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  bodyUsed = false;

  constructor(readonly url: string, readonly status: number, readonly statusText: string, readonly headers: Headers, readonly body: AsyncIterableIterator<Uint8Array> | null) {
    this.ok = status >= 200 && status < 300;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  private async bytes(): Promise<Buffer> {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    if (this.body === null) return Buffer.alloc(0);
    const parts: Uint8Array[] = [];
    for await (const chunk of this.body) parts.push(chunk);
    return Buffer.concat(parts);
  }
}
