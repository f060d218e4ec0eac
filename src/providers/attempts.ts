// What every attempt of a call did, seen from the transport. The SDKs retry on their own; we want
// the latency of the attempt that answered, how many requests reached the server and how many of
// them were answered with a 2xx (billed), and to tell the SDK when a retry is pointless. Both SDKs
// take a `fetch` option and spread each request's `fetchOptions` into the RequestInit they give it:
// an Attempts object travels there, and the fetch below stamps each attempt.
// (An AsyncLocalStorage context did the same but cost ~5 % CPU per call in promise hooks on Node 20.)
import { performance } from 'node:perf_hooks';
import { BILLING } from './failures.js';
import type { Fetch } from './transport.js';

export interface Attempts {
  /** performance.now() when the latest attempt was sent. */
  start: number;
  /** When its last byte was read off the socket (direct transport only). */
  lastByteAt?: number;
  /** Attempts made so far. */
  count: number;
  /** 2xx responses: what a provider bills, whether or not the answer could be used. */
  paid: number;
  /** Sees every response, also those the SDK will retry: rate-limit state for the scheduler. */
  observe?: (status: number, headers: Headers) => void;
}

const KEY = 'tierbenchAttempts';

/**
 * Longest wait between retries the SDK is allowed. A server's `retry-after` can ask for an hour
 * (a daily quota) and the openai SDK would sleep it, uncancellable; past this cap the response is
 * handed on without a retry, and the run's scheduler pauses the model instead.
 */
export const RETRY_AFTER_CAP_MS = 60_000;

/** What a response asks a client to wait before trying again: `retry-after-ms`, else `retry-after` (seconds or a date). */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The same response with `x-should-retry: false`: the SDKs' documented way to stop their retries. */
function noRetry(response: Response, body?: string): Response {
  const headers = new Headers(response.headers);
  headers.set('x-should-retry', 'false');
  return new Response(body ?? response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Wraps a transport so each attempt is counted and timed, and hopeless retries are not made. */
export function timedFetch(inner: (input: string | URL | Request, init?: RequestInit, timing?: { lastByteAt?: number }) => Promise<Response>): Fetch {
  return async (input, init) => {
    const attempts = (init as { [KEY]?: Attempts } | undefined)?.[KEY];
    if (attempts) {
      attempts.count++;
      attempts.start = performance.now();
      // Assigned, not deleted: `delete` on every call would turn the object into a slow dictionary.
      attempts.lastByteAt = undefined;
    }
    // fetch ignores RequestInit members it does not know, so the key can stay.
    let response = await inner(input, init, attempts);
    if (attempts && response.ok) attempts.paid++;
    attempts?.observe?.(response.status, response.headers);
    if (response.status === 429) {
      // A 429 can mean a spend limit, not a rate: read the (small) body to tell.
      const body = await response.text();
      const wait = retryAfterMs(response.headers);
      response =
        BILLING.test(body) || (wait !== undefined && wait > RETRY_AFTER_CAP_MS)
          ? noRetry(response, body)
          : new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } else if (response.status >= 500) {
      const wait = retryAfterMs(response.headers);
      if (wait !== undefined && wait > RETRY_AFTER_CAP_MS) response = noRetry(response);
    }
    return response;
  };
}

/** From sending the answering attempt to its last byte (now, where the transport could not tell). */
export function latencyOf(attempts: Attempts, now = performance.now()): number {
  return (attempts.lastByteAt ?? now) - attempts.start;
}

/** The part of RequestInit the SDKs let a request add to (they own body, headers, method, signal). */
export type ExtraInit = Omit<RequestInit, 'body' | 'headers' | 'method' | 'signal'>;

/** A fresh tracker, and the request option that carries it to timedFetch. */
export function trackAttempts(observe?: Attempts['observe']): { attempts: Attempts; fetchOptions: ExtraInit } {
  const attempts: Attempts = { start: performance.now(), lastByteAt: undefined, count: 0, paid: 0, ...(observe && { observe }) };
  // RequestInit has no member of that name: the SDKs copy it into the init timedFetch receives, and fetch ignores it.
  return { attempts, fetchOptions: { [KEY]: attempts } as ExtraInit };
}
