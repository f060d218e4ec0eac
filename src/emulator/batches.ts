// The batch APIs, as the real servers run them: Anthropic's Message Batches and OpenAI's Batch API
// with its Files endpoints. A batch is accepted, waits (`startMs`), then each request is answered by
// the emulator's own Messages / Chat Completions / Responses endpoints over HTTP (so faults, usage
// and the counters are the live ones), a few at a time; results come back in no particular order.
// Expiry (`expireAfter` requests, then the window closes) and cancellation end it early: what was
// not processed is expired or canceled.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail as anthropicFail, key as anthropicKey } from './anthropic.js';
import { fail as openaiFail } from './openai.js';
import { bearer, type Emulator, sendJson } from './server.js';

export interface BatchOptions {
  /** How long a new batch waits before its first request is processed (validating, then in progress). Default 20 ms. */
  startMs?: number;
  /** Requests processed at once within a batch. Default 8. */
  concurrency?: number;
  /** The batch's window closes after this many requests were processed: the rest expire. */
  expireAfter?: number;
  /** New batches wait, in progress, until `release()`: a test can act while a batch is surely unfinished. */
  hold?: boolean;
}

/** Anthropic: 100,000 requests or 256 MB a batch; OpenAI: 50,000 requests and 200 MB an input file (their docs, Nov 2026). */
const ANTHROPIC_BATCH_LIMITS = { requests: 100_000, bytes: 256 * 1024 * 1024 };
const OPENAI_BATCH_LIMITS = { requests: 50_000, bytes: 200 * 1024 * 1024 };
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const OPENAI_ENDPOINTS = new Set(['/v1/chat/completions', '/v1/responses']);
const DAY_S = 24 * 3600;

type Settled = { kind: 'answered'; status: number; body: unknown; requestId: string } | { kind: 'expired' } | { kind: 'canceled' };

interface Item {
  customId: string;
  url: string;
  body: Record<string, unknown>;
}

interface SimBatch {
  api: 'anthropic' | 'openai';
  id: string;
  created: number;
  items: Item[];
  /** Results in the order they settled. */
  settled: Array<{ customId: string; result: Settled }>;
  phase: 'validating' | 'in_progress' | 'canceling' | 'finalizing' | 'ended' | 'failed';
  canceled: boolean;
  expired: boolean;
  /** Forwarded to the emulator's own endpoints for each request. */
  headers: Record<string, string>;
  times: Partial<Record<'in_progress' | 'finalizing' | 'ended' | 'cancel' | 'failed', number>>;
  /** OpenAI */
  endpoint?: string;
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  metadata?: unknown;
  errors?: Array<{ code: string; message: string; line: number | null; param: string | null }>;
}

interface SimFile {
  id: string;
  bytes: number;
  created: number;
  filename: string;
  purpose: string;
  content: Buffer;
}

const hex = (n: number): string => randomBytes(n).toString('hex');
const seconds = (ms: number): number => Math.floor(ms / 1000);
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function readBuffer(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class Batches {
  private readonly batches = new Map<string, SimBatch>();
  private readonly files = new Map<string, SimFile>();
  /** Batches created and requests submitted in them, for tests to prove nothing was submitted twice. */
  readonly counts = { batches: 0, requests: 0, canceled: 0 };

  private readonly held: SimBatch[] = [];
  private readonly watchers = new Set<() => void>();

  /** `settings` may be changed while the emulator runs (a test lifts `hold` or `expireAfter` before a resume). */
  constructor(
    private readonly emulator: Emulator,
    readonly settings: BatchOptions,
    private readonly base: () => string,
  ) {}

  /** Starts the batches held so far (and those created from now on) processing. */
  release(): void {
    this.settings.hold = false;
    for (const b of this.held.splice(0)) this.schedule(b);
  }

  /** Resolves once `n` batches have been created: the run that created them is waiting on them. */
  created(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.counts.batches < n) return;
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
      check();
    });
  }

  /** Handles the request when it is a batch or file endpoint; false otherwise. */
  async route(req: IncomingMessage, res: ServerResponse, url: string): Promise<boolean> {
    const handler = this.handler(req, res, url);
    if (handler === undefined) return false;
    await handler();
    return true;
  }

  private handler(req: IncomingMessage, res: ServerResponse, url: string): (() => void | Promise<void>) | undefined {
    const method = req.method ?? 'GET';
    if (url === '/v1/messages/batches' && method === 'POST') return () => this.anthropicCreate(req, res);
    if (url === '/v1/files' && method === 'POST') return () => this.upload(req, res);
    if (url === '/v1/batches' && method === 'POST') return () => this.openaiCreate(req, res);
    const anthropic = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(url);
    if (anthropic) {
      const [, id, tail] = anthropic;
      if (!(tail === undefined ? method === 'GET' : tail === '/cancel' ? method === 'POST' : method === 'GET')) return undefined;
      return () => {
        if (!this.emulator.authorized(anthropicKey(req))) return anthropicFail(res, 401, 'invalid x-api-key');
        const batch = this.batches.get(id!);
        if (batch === undefined || batch.api !== 'anthropic') return anthropicFail(res, 404, `message batch ${id} not found`);
        if (tail === '/results') return this.anthropicResults(batch, res);
        if (tail === '/cancel') this.cancel(batch);
        sendJson(res, 200, this.anthropicBatch(batch));
      };
    }
    const file = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(url);
    if (file && method === 'GET') {
      return () => {
        if (!this.emulator.authorized(bearer(req))) return openaiFail(res, 401, 'Incorrect API key provided.');
        const f = this.files.get(file[1]!);
        if (f === undefined) return openaiFail(res, 404, `No such File object: ${file[1]}`, 'id');
        if (file[2] === undefined) return sendJson(res, 200, fileObject(f));
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(f.content.length) });
        res.end(f.content);
      };
    }
    const openai = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(url);
    if (openai && method === (openai[2] === undefined ? 'GET' : 'POST')) {
      return () => {
        if (!this.emulator.authorized(bearer(req))) return openaiFail(res, 401, 'Incorrect API key provided.');
        const batch = this.batches.get(openai[1]!);
        if (batch === undefined || batch.api !== 'openai') return openaiFail(res, 404, `No batch found with id '${openai[1]}'.`);
        if (openai[2] === '/cancel') this.cancel(batch);
        sendJson(res, 200, this.openaiBatch(batch));
      };
    }
    return undefined;
  }

  // --- Anthropic ---------------------------------------------------------------------------

  private async anthropicCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBuffer(req);
    if (!this.emulator.authorized(anthropicKey(req))) return anthropicFail(res, 401, 'invalid x-api-key');
    if (raw.length > ANTHROPIC_BATCH_LIMITS.bytes) return anthropicFail(res, 413, 'Request exceeds the maximum allowed number of bytes.');
    let body: { requests?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return anthropicFail(res, 400, 'invalid JSON body');
    }
    const requests = body.requests;
    if (!Array.isArray(requests) || requests.length === 0) return anthropicFail(res, 400, 'requests: Field required (at least one request)');
    if (requests.length > ANTHROPIC_BATCH_LIMITS.requests)
      return anthropicFail(res, 400, `requests: at most ${ANTHROPIC_BATCH_LIMITS.requests} requests in a batch, got ${requests.length}`);
    const seen = new Set<string>();
    const items: Item[] = [];
    for (const [i, r] of (requests as Array<{ custom_id?: unknown; params?: unknown }>).entries()) {
      if (typeof r?.custom_id !== 'string' || !CUSTOM_ID.test(r.custom_id))
        return anthropicFail(res, 400, `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
      if (seen.has(r.custom_id)) return anthropicFail(res, 400, `requests.${i}.custom_id: duplicate custom_id \`${r.custom_id}\``);
      seen.add(r.custom_id);
      if (r.params === null || typeof r.params !== 'object') return anthropicFail(res, 400, `requests.${i}.params: Field required`);
      items.push({ customId: r.custom_id, url: '/v1/messages', body: r.params as Record<string, unknown> });
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const h of ['x-api-key', 'authorization', 'anthropic-version'] as const) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const batch = this.start({ api: 'anthropic', id: `msgbatch_${hex(12)}`, items, headers, phase: 'in_progress' });
    sendJson(res, 200, this.anthropicBatch(batch));
  }

  private anthropicBatch(b: SimBatch): Record<string, unknown> {
    const count = (kind: string): number =>
      b.settled.filter((s) => (s.result.kind === 'answered' ? answeredKind(s.result.status) : s.result.kind) === kind).length;
    const ended = b.phase === 'ended';
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : b.canceled ? 'canceling' : 'in_progress',
      request_counts: {
        processing: b.items.length - b.settled.length,
        succeeded: count('succeeded'),
        errored: count('errored'),
        canceled: count('canceled'),
        expired: count('expired'),
      },
      ended_at: iso(b.times.ended),
      created_at: new Date(b.created).toISOString(),
      expires_at: new Date(b.created + DAY_S * 1000).toISOString(),
      archived_at: null,
      cancel_initiated_at: iso(b.times.cancel),
      results_url: ended ? `${this.base()}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  private anthropicResults(b: SimBatch, res: ServerResponse): void {
    if (b.phase !== 'ended') {
      anthropicFail(res, 400, `Message Batch ${b.id} has not yet ended; results are available once processing_status is ended.`);
      return;
    }
    const lines = b.settled.map(({ customId, result }) => JSON.stringify({ custom_id: customId, result: anthropicResult(result) }));
    const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    res.writeHead(200, { 'content-type': 'application/binary', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  // --- OpenAI ------------------------------------------------------------------------------

  private async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBuffer(req);
    if (!this.emulator.authorized(bearer(req))) return openaiFail(res, 401, 'Incorrect API key provided.');
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
    } catch {
      return openaiFail(res, 400, 'The request must be multipart/form-data with a `file` and a `purpose`.');
    }
    const file = form.get('file');
    const purpose = form.get('purpose');
    if (!(file instanceof Blob)) return openaiFail(res, 400, "'file' is a required property", 'file');
    if (typeof purpose !== 'string' || !['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'].includes(purpose))
      return openaiFail(res, 400, `'${String(purpose)}' is not one of the supported purposes`, 'purpose');
    const content = Buffer.from(await file.arrayBuffer());
    if (purpose === 'batch' && content.length > OPENAI_BATCH_LIMITS.bytes)
      return openaiFail(res, 400, `File is too large: a batch input file is at most ${OPENAI_BATCH_LIMITS.bytes} bytes`, 'file');
    const stored = this.store(content, 'name' in file && typeof file.name === 'string' ? file.name : 'upload', purpose);
    sendJson(res, 200, fileObject(stored));
  }

  private store(content: Buffer, filename: string, purpose: string): SimFile {
    const file = { id: `file-${hex(12)}`, bytes: content.length, created: Date.now(), filename, purpose, content };
    this.files.set(file.id, file);
    return file;
  }

  private async openaiCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBuffer(req);
    const auth = bearer(req);
    if (!this.emulator.authorized(auth)) return openaiFail(res, 401, 'Incorrect API key provided.');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return openaiFail(res, 400, 'We could not parse the JSON body of your request.');
    }
    if (body.completion_window !== '24h') return openaiFail(res, 400, "Invalid value for completion_window: only '24h' is supported.", 'completion_window');
    if (typeof body.endpoint !== 'string' || !OPENAI_ENDPOINTS.has(body.endpoint))
      return openaiFail(res, 400, `Invalid value for endpoint: ${String(body.endpoint)} (the emulator serves ${[...OPENAI_ENDPOINTS].join(', ')})`, 'endpoint');
    const input = typeof body.input_file_id === 'string' ? this.files.get(body.input_file_id) : undefined;
    if (input === undefined) return openaiFail(res, 400, `No such File object: ${String(body.input_file_id)}`, 'input_file_id');
    if (input.purpose !== 'batch') return openaiFail(res, 400, `File ${input.id} was not uploaded with purpose 'batch'.`, 'input_file_id');
    const batch = this.start({
      api: 'openai',
      id: `batch_${hex(12)}`,
      items: [],
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
      phase: 'validating',
      endpoint: body.endpoint,
      inputFileId: input.id,
      ...(body.metadata !== undefined && { metadata: body.metadata }),
    });
    // Validated while `validating`: a bad file fails the whole batch, nothing processed.
    const errors = validateInput(input.content, body.endpoint);
    if (errors.items === undefined) batch.errors = errors.problems;
    else batch.items = errors.items;
    this.counts.requests += batch.items.length;
    sendJson(res, 200, this.openaiBatch(batch));
  }

  private openaiBatch(b: SimBatch): Record<string, unknown> {
    const failed = b.settled.filter((s) => s.result.kind !== 'answered' || s.result.status !== 200).length;
    const status =
      b.phase === 'failed'
        ? 'failed'
        : b.phase === 'ended'
          ? b.canceled
            ? 'cancelled'
            : b.expired
              ? 'expired'
              : 'completed'
          : b.canceled
            ? 'cancelling'
            : b.phase === 'canceling'
              ? 'cancelling'
              : b.phase;
    const at = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : seconds(ms));
    const end = at(b.times.ended);
    const fields: Record<string, unknown> = {
      id: b.id,
      object: 'batch',
      endpoint: b.endpoint,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status,
      created_at: seconds(b.created),
      expires_at: seconds(b.created) + DAY_S,
      in_progress_at: at(b.times.in_progress),
      finalizing_at: at(b.times.finalizing),
      completed_at: status === 'completed' ? end : undefined,
      expired_at: status === 'expired' ? end : undefined,
      cancelling_at: at(b.times.cancel),
      cancelled_at: status === 'cancelled' ? end : undefined,
      failed_at: at(b.times.failed),
      output_file_id: b.outputFileId,
      error_file_id: b.errorFileId,
      request_counts: { total: b.items.length, completed: b.settled.length - failed, failed },
      metadata: b.metadata ?? null,
      ...(b.errors !== undefined && { errors: { object: 'list', data: b.errors } }),
    };
    // Optional fields are absent until they apply (the SDK types declare them optional, not null).
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  }

  /** At the end: successes to the output file, everything else (API errors, expired, canceled) to the error file. */
  private openaiFiles(b: SimBatch): void {
    const out: string[] = [];
    const errors: string[] = [];
    for (const { customId, result } of b.settled) {
      const id = `batch_req_${hex(12)}`;
      if (result.kind === 'answered') {
        const line = JSON.stringify({
          id,
          custom_id: customId,
          response: { status_code: result.status, request_id: result.requestId, body: result.body },
          error: null,
        });
        (result.status === 200 ? out : errors).push(line);
      } else {
        const error =
          result.kind === 'expired'
            ? { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' }
            : { code: 'batch_cancelled', message: 'This request was not executed because the batch was cancelled.' };
        errors.push(JSON.stringify({ id, custom_id: customId, response: null, error }));
      }
    }
    if (out.length > 0) b.outputFileId = this.store(Buffer.from(`${out.join('\n')}\n`), `${b.id}_output.jsonl`, 'batch_output').id;
    if (errors.length > 0) b.errorFileId = this.store(Buffer.from(`${errors.join('\n')}\n`), `${b.id}_error.jsonl`, 'batch_output').id;
  }

  // --- Both --------------------------------------------------------------------------------

  private start(fields: Pick<SimBatch, 'api' | 'id' | 'items' | 'headers' | 'phase'> & Partial<SimBatch>): SimBatch {
    const batch: SimBatch = { created: Date.now(), settled: [], canceled: false, expired: false, times: {}, ...fields };
    this.batches.set(batch.id, batch);
    this.counts.batches++;
    if (batch.api === 'anthropic') this.counts.requests += batch.items.length;
    if (this.settings.hold === true) this.held.push(batch);
    else this.schedule(batch);
    // Told after the response is built (the caller sends it next): the batch exists and has its id.
    queueMicrotask(() => {
      for (const w of [...this.watchers]) w();
    });
    return batch;
  }

  private schedule(batch: SimBatch): void {
    setTimeout(() => void this.process(batch), this.settings.startMs ?? 20).unref();
  }

  private cancel(b: SimBatch): void {
    if (b.phase === 'ended' || b.phase === 'failed' || b.canceled) return;
    b.canceled = true;
    b.times.cancel = Date.now();
    this.counts.canceled++;
    // A held batch is let go: canceling settles what it has not run, as the real ones do within minutes.
    const held = this.held.indexOf(b);
    if (held >= 0) {
      this.held.splice(held, 1);
      this.schedule(b);
    }
  }

  private async process(b: SimBatch): Promise<void> {
    if (b.errors !== undefined) {
      b.phase = 'failed';
      b.times.failed = Date.now();
      return;
    }
    if (!b.canceled) {
      b.phase = 'in_progress';
      b.times.in_progress = Date.now();
    }
    let next = 0;
    let processed = 0;
    const worker = async (): Promise<void> => {
      while (next < b.items.length) {
        const item = b.items[next++]!;
        if (b.canceled) b.settled.push({ customId: item.customId, result: { kind: 'canceled' } });
        else if (this.settings.expireAfter !== undefined && processed >= this.settings.expireAfter) {
          b.expired = true;
          b.settled.push({ customId: item.customId, result: { kind: 'expired' } });
        } else {
          processed++;
          b.settled.push({ customId: item.customId, result: await this.answer(b, item) });
        }
      }
    };
    await Promise.all(Array.from({ length: this.settings.concurrency ?? 8 }, worker));
    if (b.api === 'openai') {
      b.phase = 'finalizing';
      b.times.finalizing = Date.now();
      this.openaiFiles(b);
    }
    // Results in any order, as the APIs say: here, the reverse of how they settled.
    b.settled.reverse();
    b.phase = 'ended';
    b.times.ended = Date.now();
  }

  /** One request of the batch, answered by the emulator's own endpoint (never streamed). */
  private async answer(b: SimBatch, item: Item): Promise<Settled> {
    try {
      const response = await fetch(`${this.base()}${item.url}`, {
        method: 'POST',
        headers: b.headers,
        body: JSON.stringify({ ...item.body, stream: false }),
        signal: AbortSignal.timeout(30_000),
      });
      const requestId = response.headers.get('request-id') ?? response.headers.get('x-request-id') ?? `req_${hex(12)}`;
      const text = await response.text();
      try {
        return { kind: 'answered', status: response.status, body: JSON.parse(text), requestId };
      } catch {
        // A fault that broke the body: the batch reports a server error for that request.
        return { kind: 'answered', status: 500, body: serverError(b.api), requestId };
      }
    } catch {
      return { kind: 'answered', status: 500, body: serverError(b.api), requestId: `req_${hex(12)}` };
    }
  }
}

const answeredKind = (status: number): string => (status === 200 ? 'succeeded' : 'errored');

function serverError(api: SimBatch['api']): unknown {
  return api === 'anthropic'
    ? { type: 'error', error: { type: 'api_error', message: 'Internal server error' }, request_id: `req_${hex(12)}` }
    : { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } };
}

function anthropicResult(r: Settled): Record<string, unknown> {
  if (r.kind !== 'answered') return { type: r.kind };
  if (r.status === 200) return { type: 'succeeded', message: r.body };
  // The errored result carries the API's error response, as a live call's body would.
  return { type: 'errored', error: r.body };
}

function fileObject(f: SimFile): Record<string, unknown> {
  return {
    id: f.id,
    object: 'file',
    bytes: f.bytes,
    created_at: seconds(f.created),
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
    expires_at: seconds(f.created) + 30 * DAY_S,
  };
}

/** The input file's lines as OpenAI checks them while validating: the requests, or the problems that fail the batch. */
function validateInput(
  content: Buffer,
  endpoint: string,
): { items: Item[]; problems?: undefined } | { items?: undefined; problems: NonNullable<SimBatch['errors']> } {
  const problems: NonNullable<SimBatch['errors']> = [];
  const items: Item[] = [];
  const seen = new Set<string>();
  let model: unknown;
  const lines = content
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length > OPENAI_BATCH_LIMITS.requests)
    problems.push({ code: 'too_many_requests', message: `A batch holds at most ${OPENAI_BATCH_LIMITS.requests} requests.`, line: null, param: null });
  for (const [i, text] of lines.entries()) {
    const line = i + 1;
    let r: { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
    try {
      r = JSON.parse(text);
    } catch {
      problems.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', line, param: null });
      continue;
    }
    if (typeof r.custom_id !== 'string' || seen.has(r.custom_id))
      problems.push({ code: 'duplicate_custom_id', message: 'The custom_id for this request is a duplicate of another request.', line, param: 'custom_id' });
    else seen.add(r.custom_id);
    if (r.method !== 'POST') problems.push({ code: 'invalid_method', message: "Method must be 'POST'.", line, param: 'method' });
    if (r.url !== endpoint)
      problems.push({
        code: 'mismatched_endpoint',
        message: `The URL provided for this request does not match the batch endpoint ${endpoint}.`,
        line,
        param: 'url',
      });
    const body = r.body as Record<string, unknown> | undefined;
    if (body === null || typeof body !== 'object') {
      problems.push({ code: 'missing_required_parameter', message: 'Missing required parameter: body.', line, param: 'body' });
      continue;
    }
    model ??= body.model;
    if (body.model !== model)
      problems.push({ code: 'mismatched_model', message: 'All requests in a batch must use the same model.', line, param: 'body.model' });
    items.push({ customId: String(r.custom_id), url: endpoint, body });
  }
  return problems.length > 0 ? { problems } : { items };
}
