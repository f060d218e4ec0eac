// How the emulator puts an answer on the wire, quirks included: the ways real servers, gateways
// and proxies differ from the documented formats (api-notes, "What real servers do"). A quirk is
// a property of a simulated model's profile, so one emulator can serve a faithful model beside a
// quirky one.
import type { ServerResponse } from 'node:http';
import { constants, createGzip } from 'node:zlib';
import { sleep } from './server.js';
import type { Quirk } from './simulated.js';

export type SseEvent = [name: string, data: unknown];

/** Anthropic and the Responses API name their events (`event:` lines); Chat Completions does not. */
export type Family = 'anthropic' | 'chat' | 'responses';

/**
 * Writes one response: JSON or SSE, compressed (`gzip`), split mid-line with CRLF line ends
 * (`split`), with pings, comments and unknown events between (`noise`), or Anthropic frames
 * without their `event:` line (`no-event-lines`).
 */
export class Wire {
  private readonly out: { write(chunk: string): void; end(chunk?: string): void };
  private readonly gzip: boolean;

  private readonly named: boolean;

  constructor(
    private readonly res: ServerResponse,
    private readonly quirks: ReadonlySet<Quirk>,
    private readonly family: Family,
  ) {
    this.named = family !== 'chat';
    this.gzip = quirks.has('gzip');
    if (this.gzip) {
      const gz = createGzip({ flush: constants.Z_SYNC_FLUSH });
      gz.pipe(res);
      this.out = { write: (c) => gz.write(c), end: (c) => gz.end(c) };
    } else {
      this.out = { write: (c) => res.write(c), end: (c) => res.end(c) };
    }
  }

  private head(status: number, headers: Record<string, string>): void {
    this.res.writeHead(status, { ...headers, ...(this.gzip && { 'content-encoding': 'gzip' }) });
  }

  json(status: number, body: unknown, headers: Record<string, string>): void {
    const text = JSON.stringify(body);
    this.head(status, { 'content-type': 'application/json', ...(!this.gzip && { 'content-length': String(Buffer.byteLength(text)) }), ...headers });
    this.out.end(text);
  }

  /** A JSON body cut in half: by a reset (`reset`), or sized as a whole but not JSON (`malformed`). */
  brokenJson(body: unknown, headers: Record<string, string>, how: 'reset' | 'malformed'): void {
    const text = JSON.stringify(body);
    const half = text.slice(0, Math.floor(text.length / 2));
    this.res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(how === 'reset' ? text : half)), ...headers });
    if (how === 'reset') {
      this.res.write(half);
      this.res.destroy();
    } else this.res.end(half);
  }

  startStream(headers: Record<string, string>): void {
    this.head(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  }

  private frame([name, data]: SseEvent): string {
    const eol = this.quirks.has('split') ? '\r\n' : '\n';
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    const named = this.named && !this.quirks.has('no-event-lines');
    // A comment for every family; Anthropic also sends pings; named families, an event added after this client was written.
    const ping = this.family === 'anthropic' ? `event: ping${eol}data: {"type": "ping"}${eol}${eol}` : '';
    const extra = this.named ? `${ping}event: future_event${eol}data: {"type": "future_event"}${eol}${eol}` : '';
    const noise = this.quirks.has('noise') ? `: keep-alive${eol}${eol}${extra}` : '';
    return `${noise}${named ? `event: ${name}${eol}` : ''}data: ${payload}${eol}${eol}`;
  }

  /** Events of one moment go out in one write, as a server flushing its buffer sends them; `split` cuts them up. */
  async send(events: readonly SseEvent[], end = false): Promise<void> {
    const text = events.map((e) => this.frame(e)).join('');
    if (this.quirks.has('split') && text.length > 0) {
      for (let i = 0; i < text.length; i += 7) {
        this.out.write(text.slice(i, i + 7));
        await sleep(1);
      }
      if (end) this.out.end();
      return;
    }
    if (end) this.out.end(text);
    else if (text !== '') this.out.write(text);
  }

  /** Raw text mid-stream (a malformed frame). */
  raw(text: string): void {
    this.out.write(text);
  }

  /** The connection drops. */
  reset(): void {
    this.res.destroy();
  }

  /** The stream ends without its final events. */
  cut(): void {
    this.out.end();
  }
}
