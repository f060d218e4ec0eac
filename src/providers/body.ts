// Reading a response body the way real servers send it, not the way the SDKs expect it. The SDKs
// trust the request: asked to stream, they parse whatever comes as SSE (a JSON answer then yields
// no event at all), the Anthropic SDK drops frames without an `event:` line, both drop a last
// event with no blank line after it, and neither watches a body that stops sending (their
// timeout ends at the headers). Here the body's first byte decides JSON or SSE, every frame is
// kept, and a body idle for longer than the timeout ends as `stalled`.

export type Piece = { kind: 'json'; value: unknown } | { kind: 'event'; event: string | undefined; data: string };

export class Stalled extends Error {
  constructor(readonly idleMs: number) {
    super(`no data for ${Math.round(idleMs / 1000)} s after the response began`);
  }
}

/** Each chunk's bytes as they arrive; throws Stalled when none comes for `idleMs`. */
async function* chunks(body: ReadableStream<Uint8Array>, idleMs: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let stalled = false;
  const timer = setTimeout(() => {
    stalled = true;
    reader.cancel(new Stalled(idleMs)).catch(() => undefined);
  }, idleMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (stalled) throw new Stalled(idleMs);
      if (done) return;
      timer.refresh();
      yield value;
    }
  } finally {
    clearTimeout(timer);
    if (!stalled) reader.cancel().catch(() => undefined);
  }
}

/**
 * The body as JSON values or SSE events. JSON when its first non-blank byte opens an object or an
 * array, whatever the content-type says; SSE otherwise (an `event:` line is optional, comments
 * are skipped, a last event with no blank line after it is kept).
 */
export async function* pieces(body: ReadableStream<Uint8Array> | null, idleMs: number): AsyncGenerator<Piece> {
  if (body === null) return;
  const decoder = new TextDecoder();
  let mode: 'json' | 'sse' | undefined;
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];
  // Dispatch on the blank line that ends an event (SSE spec §9.2.6).
  const line = function* (text: string): Generator<Piece> {
    if (text === '') {
      if (data.length > 0) yield { kind: 'event', event, data: data.join('\n') };
      event = undefined;
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  };
  for await (const chunk of chunks(body, idleMs)) {
    // What is left of the buffer is one unfinished line: only the new part needs scanning (less
    // the last character, a \r that may be the first half of a \r\n).
    const scanFrom = Math.max(0, buffer.length - 1);
    buffer += decoder.decode(chunk, { stream: true });
    if (mode === undefined) {
      const first = buffer.trimStart()[0];
      if (first === undefined) continue;
      mode = first === '{' || first === '[' ? 'json' : 'sse';
    }
    if (mode === 'json') continue;
    let start = 0;
    for (let i = scanFrom; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // \r\n is one line end; a \r last in the buffer may be the first half of one.
      if (c === 13 && i + 1 === buffer.length) break;
      yield* line(buffer.slice(start, i));
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (mode === 'json') {
    yield { kind: 'json', value: JSON.parse(buffer) };
    return;
  }
  if (buffer !== '') yield* line(buffer.replace(/\r$/, ''));
  yield* line('');
}
