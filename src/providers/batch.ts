// The batch APIs through the SDKs: Anthropic's Message Batches (`client.messages.batches`) and
// OpenAI's Batch API (a JSONL file uploaded with purpose `batch`, `client.batches`, the output and
// error files read back with `client.files.content`). Transport only: each result line comes back
// as the answer's body or as a failure; the adapter that built the request reads the body
// (`BatchSupport.read`), as it reads a live call's.
import type { Anthropic } from '@anthropic-ai/sdk';
import type { OpenAI } from 'openai';
import type { ErrorKind, Failure } from '../types.js';
import { failure, lineError } from './failures.js';
import { SIMULATED_HEADER } from './provider.js';

/** What one batch may hold: Anthropic 100,000 requests or 256 MB; OpenAI 50,000 requests and a 200 MB input file (their docs, Nov 2026). */
interface BatchLimits {
  requests: number;
  bytes: number;
}

export interface BatchCounts {
  processing: number;
  succeeded: number;
  errored: number;
  canceled: number;
  expired: number;
}

interface BatchState {
  ended: boolean;
  /** Answered by tierbench's emulator: the report says the models were simulated. */
  simulated?: boolean;
  counts: BatchCounts;
  /** The whole batch was refused after it was created (OpenAI's validation): why. Nothing in it was processed or billed. */
  failed?: string;
}

/** A batch API call that failed (after the SDK's retries), classified as a live call's failure is. */
export class BatchRefused extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** One result line: the answer's body as the live API would send it, or why there is none. */
export type BatchReply = { customId: string; ok: true; body: unknown } | { customId: string; ok: false; failure: Failure };

export interface BatchRequest {
  customId: string;
  body: Record<string, unknown>;
}

export interface BatchApi {
  readonly limits: BatchLimits;
  /** Creates the batch (uploading its file first, for OpenAI); resolves with its id once the provider has it. */
  submit(requests: readonly BatchRequest[]): Promise<string>;
  state(id: string): Promise<BatchState>;
  /** Every line of an ended batch, in the provider's order (not the submitted one). */
  results(id: string): AsyncIterable<BatchReply>;
  cancel(id: string): Promise<void>;
}

const ANTHROPIC_LIMITS: BatchLimits = { requests: 100_000, bytes: 256 * 1024 * 1024 };
const OPENAI_LIMITS: BatchLimits = { requests: 50_000, bytes: 200 * 1024 * 1024 };

/** A request the batch did not run: its window closed first, or the batch was canceled. Made again by --resume. */
const notRun = (customId: string, kind: Extract<ErrorKind, 'expired' | 'canceled'>, message: string): BatchReply => ({
  customId,
  ok: false,
  failure: { ok: false, kind, message, retries: 0 },
});

export function anthropicBatches(batches: Anthropic['messages']['batches'], secrets: readonly string[]): BatchApi {
  return {
    limits: ANTHROPIC_LIMITS,
    async submit(requests) {
      const created = await batches.create({
        requests: requests.map((r) => ({ custom_id: r.customId, params: r.body as unknown as Anthropic.MessageCreateParamsNonStreaming })),
      });
      return created.id;
    },
    async state(id) {
      const { data: b, response } = await batches.retrieve(id).withResponse();
      return { ended: b.processing_status === 'ended', counts: { ...b.request_counts }, ...(response.headers.has(SIMULATED_HEADER) && { simulated: true }) };
    },
    async *results(id) {
      for await (const line of await batches.results(id)) {
        const r = line.result;
        if (r.type === 'succeeded') yield { customId: line.custom_id, ok: true, body: r.message };
        else if (r.type === 'errored') yield { customId: line.custom_id, ok: false, failure: lineError(undefined, r.error, secrets) };
        else if (r.type === 'expired') yield notRun(line.custom_id, 'expired', 'the batch ended (24 hours) before this request was run');
        else yield notRun(line.custom_id, 'canceled', 'the batch was canceled before this request was run');
      }
    },
    async cancel(id) {
      await batches.cancel(id);
    },
  };
}

/** The OpenAI SDK as the batch API uses it: the client's batches and files, and the SDK's upload helper. */
export interface OpenAISdk {
  client: Pick<OpenAI, 'batches' | 'files'>;
  toFile: typeof import('openai').toFile;
}

/** `endpoint`: `/v1/chat/completions` or `/v1/responses`, as the adapter sends. */
export function openAIBatches({ client, toFile }: OpenAISdk, endpoint: '/v1/chat/completions' | '/v1/responses', secrets: readonly string[]): BatchApi {
  return {
    limits: OPENAI_LIMITS,
    async submit(requests) {
      const jsonl = requests.map((r) => JSON.stringify({ custom_id: r.customId, method: 'POST', url: endpoint, body: r.body })).join('\n');
      const file = await client.files.create({ file: await toFile(Buffer.from(`${jsonl}\n`), 'tierbench-batch.jsonl'), purpose: 'batch' });
      const batch = await client.batches.create({ input_file_id: file.id, endpoint, completion_window: '24h', metadata: { tool: 'tierbench' } });
      return batch.id;
    },
    async state(id) {
      const { data: b, response } = await client.batches.retrieve(id).withResponse();
      const total = b.request_counts?.total ?? 0;
      const done = b.request_counts?.completed ?? 0;
      const failed = b.request_counts?.failed ?? 0;
      const ended = ['completed', 'expired', 'cancelled', 'failed'].includes(b.status);
      return {
        ended,
        ...(response.headers.has(SIMULATED_HEADER) && { simulated: true }),
        counts: {
          processing: ended ? 0 : Math.max(0, total - done - failed),
          succeeded: done,
          errored: failed,
          canceled: 0,
          expired: 0,
        },
        ...(b.status === 'failed' && {
          failed:
            (b.errors?.data ?? []).map((e) => `${e.line === undefined || e.line === null ? '' : `line ${e.line}: `}${e.message ?? e.code ?? ''}`).join('; ') ||
            'failed',
        }),
      };
    },
    async *results(id) {
      const b = await client.batches.retrieve(id);
      for (const file of [b.output_file_id, b.error_file_id]) {
        if (file === undefined || file === null) continue;
        const response = await client.files.content(file);
        for await (const text of lines(response)) yield openAILine(text, secrets);
      }
    },
    async cancel(id) {
      await client.batches.cancel(id);
    },
  };
}

/** A JSONL body, line by line, without holding the whole file as one string. */
async function* lines(response: Response): AsyncIterable<string> {
  if (response.body === null) return;
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of response.body) {
    rest += decoder.decode(chunk as Uint8Array, { stream: true });
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      const line = rest.slice(0, nl).trim();
      if (line !== '') yield line;
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.trim() !== '') yield rest.trim();
}

interface OpenAILine {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
}

/** `{custom_id, response: {status_code, body}, error}`: an answer, the API's error for it, or a request the batch never ran. */
function openAILine(text: string, secrets: readonly string[]): BatchReply {
  let line: OpenAILine;
  try {
    line = JSON.parse(text) as OpenAILine;
  } catch {
    return { customId: '', ok: false, failure: failure('invalid_response', 'a result line is not JSON', 0, secrets) };
  }
  const customId = typeof line.custom_id === 'string' ? line.custom_id : '';
  const status = typeof line.response?.status_code === 'number' ? line.response.status_code : undefined;
  if (status !== undefined && status >= 200 && status < 300) return { customId, ok: true, body: line.response?.body };
  if (line.error?.code === 'batch_expired') return notRun(customId, 'expired', 'the batch ended (24 hours) before this request was run');
  if (line.error?.code === 'batch_cancelled') return notRun(customId, 'canceled', 'the batch was canceled before this request was run');
  return { customId, ok: false, failure: lineError(status, line.response?.body ?? { error: line.error }, secrets) };
}
