// SDK exceptions → Failure data. Both SDKs share error class names and fields (status, error),
// so one classifier serves both without importing either at start-up.
import type { ErrorKind, Failure } from '../types.js';

const BY_STATUS: Record<number, ErrorKind> = {
  400: 'bad_request', 401: 'auth', 402: 'billing', 403: 'permission', 404: 'not_found',
  408: 'timeout', 413: 'bad_request', 422: 'bad_request', 429: 'rate_limit', 504: 'timeout', 529: 'overloaded',
};

/** Error `type`s Anthropic sends in a mid-stream `event: error` (no HTTP status then). */
const BY_TYPE: Record<string, ErrorKind> = {
  overloaded_error: 'overloaded', rate_limit_error: 'rate_limit', api_error: 'server', timeout_error: 'timeout',
  authentication_error: 'auth', permission_error: 'permission', billing_error: 'billing',
  invalid_request_error: 'bad_request', not_found_error: 'not_found', request_too_large: 'bad_request',
  // OpenAI, in an error event of a stream
  server_error: 'server', rate_limit_exceeded: 'rate_limit',
};

/** A body that stops mid-way surfaces from fetch as a TypeError ("terminated", "other side closed"). */
const CUT_OFF = /terminated|other side closed|socket|ECONNRESET|EPIPE|fetch failed/i;

export function aborted(retries: number): Failure {
  return { ok: false, kind: 'aborted', message: 'cancelled (Ctrl-C)', retries };
}

export function truncated(retries: number): Failure {
  return { ok: false, kind: 'invalid_response', message: 'the response stream ended before its final event', retries };
}

/** Keys must never reach a report: remove the known ones and anything shaped like one. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(/\b(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]{6,}/g, '$1…[redacted]');
}

export function classify(err: unknown, retries: number, secrets: readonly string[]): Failure {
  const e = err as { name?: string; status?: number; message?: string; error?: { type?: string; error?: { type?: string }; code?: string }; code?: string };
  // OpenAI's SDK leaves `name` as "Error" on its subclasses; the constructor tells them apart.
  const ctor = (err as { constructor?: { name?: string } } | null)?.constructor?.name;
  const name = ctor !== undefined && ctor !== 'Error' && ctor !== 'Object' ? ctor : e?.name ?? '';
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const type = e?.error?.error?.type ?? e?.error?.type;
  let kind: ErrorKind;
  if (name === 'APIUserAbortError' || name === 'AbortError') kind = 'aborted';
  else if (name === 'APIConnectionTimeoutError') kind = 'timeout';
  else if (name === 'APIConnectionError') kind = 'connection';
  else if (status === 429 && (e.code === 'insufficient_quota' || e.error?.code === 'insufficient_quota')) kind = 'billing';
  else if (status !== undefined) kind = BY_STATUS[status] ?? (status >= 500 ? 'server' : 'unknown');
  else if (type !== undefined && BY_TYPE[type]) kind = BY_TYPE[type];
  else if (err instanceof SyntaxError || /JSON/.test(e?.message ?? '')) kind = 'invalid_response';
  else if (name === 'TypeError' && CUT_OFF.test(`${e?.message ?? ''} ${String((err as { cause?: unknown }).cause ?? '')}`)) kind = 'connection';
  else kind = 'unknown';
  const message = redact(String(e?.message ?? err), secrets).slice(0, 500);
  return { ok: false, kind, ...(status !== undefined && { status }), message, retries };
}
