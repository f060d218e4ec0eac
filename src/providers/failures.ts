// Errors → Failure data. An SDK error is recognised with `instanceof` against the classes of the
// SDK that threw it; an error a body carried (a mid-stream error event, a 200 whose body is an
// error) is read by its codes. Each is classified by what it means, not only by its status: a 429
// can be a spend limit, a 403 can be one flagged input, a mid-stream error has no status at all.
import { printable } from '../errors.js';
import type { ErrorKind, Failure } from '../types.js';

type ErrorClasses = 'APIError' | 'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIUserAbortError';

/** The error classes both SDKs export under the same names: an error is one of them by `instanceof`. */
export type SdkErrors = Pick<typeof import('@anthropic-ai/sdk'), ErrorClasses> | Pick<typeof import('openai'), ErrorClasses>;

const BY_STATUS: Record<number, ErrorKind> = {
  400: 'bad_request',
  401: 'auth',
  402: 'billing',
  403: 'permission',
  404: 'not_found',
  408: 'timeout',
  413: 'bad_request',
  422: 'bad_request',
  429: 'rate_limit',
  504: 'timeout',
  529: 'overloaded',
};

/** Error `type`s and `code`s sent without an HTTP status (mid-stream), by Anthropic, OpenAI, vLLM and gateways. */
const BY_TYPE: Record<string, ErrorKind> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limit',
  api_error: 'server',
  timeout_error: 'timeout',
  authentication_error: 'auth',
  permission_error: 'permission',
  billing_error: 'billing',
  invalid_request_error: 'bad_request',
  not_found_error: 'not_found',
  request_too_large: 'bad_request',
  server_error: 'server',
  rate_limit_exceeded: 'rate_limit',
  InternalServerError: 'server',
  BadRequestError: 'bad_request',
  NotFoundError: 'not_found',
  content_filter: 'content_filter',
};

/**
 * Failures of the setup, not of one case (a bad key, no credit, a wrong id, nothing listening): they
 * would repeat for every case, so the model is stopped, and they say nothing about its answers.
 */
export const SETUP_FAILURES: ReadonlySet<ErrorKind> = new Set(['auth', 'permission', 'billing', 'not_found', 'unreachable', 'unsupported']);

/** Batch requests the provider never ran (the batch expired or was canceled): not billed, and submitted again by --resume. */
export const NOT_RUN: ReadonlySet<ErrorKind> = new Set(['expired', 'canceled']);

/** A spend limit or an empty balance (Anthropic's and OpenAI's codes and wording): stop the model, no retry will do. */
export const BILLING =
  /enforced_spend_limit_reached|insufficient_quota|credit_balance|spend_limit|usage_limit_exceeded|credit balance is too low|reached your specified (workspace )?API usage limits|insufficient credits|requires more credits/i;

/** Errors that say nothing is listening there, or that there is no such host. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The system error code under an SDK's connection error (it wraps fetch's TypeError, which wraps the cause). */
function causeCode(err: unknown): string | undefined {
  for (
    let at = err as { cause?: unknown; code?: unknown } | undefined, depth = 0;
    at !== undefined && at !== null && depth < 5;
    at = at.cause as typeof at, depth++
  ) {
    if (typeof at.code === 'string' && at.code.startsWith('E')) return at.code;
  }
  return undefined;
}

/**
 * The innermost cause's own words ("connect ECONNREFUSED 127.0.0.1:1", "getaddrinfo ENOTFOUND
 * api.exmaple.com"): the SDKs' "Connection error." alone names neither the place nor the reason.
 */
function causeText(err: unknown): string | undefined {
  let deepest: string | undefined;
  for (
    let at = (err as { cause?: unknown } | undefined)?.cause as { cause?: unknown; message?: unknown } | undefined, depth = 0;
    at !== undefined && at !== null && depth < 5;
    at = at.cause as typeof at, depth++
  ) {
    if (typeof at.message === 'string' && at.message !== '') deepest = at.message;
  }
  return deepest;
}

/** A body that stops mid-way surfaces from fetch as a TypeError ("terminated", "other side closed"). */
const CUT_OFF = /terminated|other side closed|socket|ECONNRESET|EPIPE|fetch failed/i;

/** The run's own keys, wherever a server echoes them: answers included. */
export function redactKnown(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4 && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/** Keys must never reach a report: remove the known ones and anything shaped like one. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactKnown(text, secrets).replace(/\b(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]{6,}/g, '$1…[redacted]');
}

export function failure(kind: ErrorKind, message: string, retries: number, secrets: readonly string[], status?: number): Failure {
  return { ok: false, kind, ...(status !== undefined && { status }), message: printable(redact(message, secrets)).slice(0, 500), retries };
}

export const aborted = (retries: number): Failure => ({ ok: false, kind: 'aborted', message: 'cancelled (Ctrl-C)', retries });
export const timedOut = (message: string, retries: number): Failure => ({ ok: false, kind: 'timeout', message, retries });
export const cutOff = (retries: number): Failure => ({
  ok: false,
  kind: 'connection',
  message: 'the response ended before its final event (cut off)',
  retries,
});

type ErrorBody = {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  error?: unknown;
  details?: { error_code?: unknown } | null;
  metadata?: { reasons?: unknown; flagged_input?: unknown; raw?: unknown };
};

/** The innermost error object of any of the envelopes in use: `{error: {…}}`, `{type: 'error', error: {…}}`, or flat. */
function innerError(body: unknown): ErrorBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as ErrorBody;
  if (typeof b.error === 'object' && b.error !== null) return innerError(b.error) ?? (b.error as ErrorBody);
  return b;
}

/** What an error means, from its status (absent mid-stream) and the error object the server sent. */
export function kindOf(status: number | undefined, e: ErrorBody | undefined): ErrorKind {
  const text = `${String(e?.code ?? '')} ${String(e?.type ?? '')} ${String(e?.details?.error_code ?? '')} ${String(e?.message ?? '')}`;
  if (BILLING.test(text)) return 'billing';
  // OpenRouter's moderation (403 with the flagged input), Azure's prompt filter (400, code content_filter).
  if (e?.metadata?.flagged_input !== undefined || e?.metadata?.reasons !== undefined || e?.code === 'content_filter') return 'content_filter';
  // vLLM and gateways put an HTTP status in `code`, as a number or a string.
  const code = typeof e?.code === 'number' ? e.code : typeof e?.code === 'string' && /^\d{3}$/.test(e.code) ? Number(e.code) : undefined;
  const s = status ?? code;
  if (s !== undefined) return BY_STATUS[s] ?? (s >= 500 ? 'server' : 'unknown');
  return BY_TYPE[String(e?.type)] ?? BY_TYPE[String(e?.code)] ?? 'unknown';
}

/** An error carried in a body: a mid-stream error event, or a 200 whose body is an error. */
export function bodyError(body: unknown, where: string): Omit<Failure, 'ok' | 'retries'> {
  const e = innerError(body);
  const kind = kindOf(undefined, e);
  const code = e?.code ?? e?.type;
  return { kind, message: `${where}: ${String(e?.message ?? 'no message')}${code !== undefined && code !== null ? ` (${String(code)})` : ''}` };
}

/** A batch's result line that is an error: its HTTP status where the line has one, and the error object it carries. */
export function lineError(status: number | undefined, body: unknown, secrets: readonly string[]): Failure {
  const e = innerError(body);
  const code = e?.code ?? e?.type;
  const message = `${String(e?.message ?? 'no message')}${code !== undefined && code !== null ? ` (${String(code)})` : ''}`;
  return failure(kindOf(status, e), message, 0, secrets, status);
}

export function classify(err: unknown, retries: number, secrets: readonly string[], sdk: SdkErrors): Failure {
  // An abort that reached fetch, not the SDK: a DOMException named by its standard error name.
  if (err instanceof sdk.APIUserAbortError || (err instanceof DOMException && err.name === 'AbortError')) return aborted(retries);
  if (err instanceof sdk.APIConnectionTimeoutError) return failure('timeout', err.message, retries, secrets);
  if (err instanceof sdk.APIConnectionError) {
    // A refused connection or an unknown host will not answer the next case either.
    const code = causeCode(err);
    const why = causeText(err);
    const message = `${err.message.replace(/\.$/, '')}${why === undefined ? (code === undefined ? '' : ` (${code})`) : `: ${why}`}`;
    return failure(code !== undefined && UNREACHABLE.has(code) ? 'unreachable' : 'connection', message, retries, secrets);
  }
  if (err instanceof sdk.APIError) {
    const { status, error } = err;
    const e = innerError(error);
    const detail = typeof e?.message === 'string' ? e.message : err.message;
    return failure(kindOf(status, e), status === undefined ? detail : `${status} ${detail}`, retries, secrets, status);
  }
  if (err instanceof TypeError) {
    const cause = String(err.cause ?? '');
    if (CUT_OFF.test(`${err.message} ${cause}`)) return failure('connection', `${err.message}${cause ? ` (${cause})` : ''}`, retries, secrets);
  }
  return failure('unknown', err instanceof Error ? err.message : String(err), retries, secrets);
}
