// The SDKs retry on their own; we want the latency of the attempt that answered and the number of
// retries. Both SDKs take a `fetch` option, and spread each request's `fetchOptions` into the
// RequestInit they give it: an Attempts object travels there, and our fetch stamps each attempt.
// (An AsyncLocalStorage context did the same but cost ~5 % CPU per call in promise hooks on Node 20.)
import { performance } from 'node:perf_hooks';
import { httpFetch } from './transport.js';

export interface Attempts {
  /** performance.now() when the latest attempt was sent. */
  start: number;
  /**
   * When its last byte was read off the socket (set by our transport): the latency ends there,
   * not after the SDK has parsed the stream, so a busy event loop adds less to what is measured.
   */
  lastByteAt?: number;
  /** Attempts made so far. */
  count: number;
  /** Sees every response, also those the SDK will retry: rate-limit state for the scheduler. */
  observe?: (status: number, headers: Headers) => void;
}

const KEY = 'tierbenchAttempts';

export const timedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const attempts = (init as { [KEY]?: Attempts } | undefined)?.[KEY];
  if (attempts) {
    attempts.count++;
    attempts.start = performance.now();
    // Assigned, not deleted: `delete` on every call would turn the object into a slow dictionary.
    attempts.lastByteAt = undefined;
  }
  // fetch ignores RequestInit members it does not know, so the key can stay.
  const response = await httpFetch(input, init, attempts);
  attempts?.observe?.(response.status, response.headers);
  return response;
};

/** From sending the answering attempt to its last byte (now, where the transport could not tell). */
export function latencyOf(attempts: Attempts): number {
  return (attempts.lastByteAt ?? performance.now()) - attempts.start;
}

/** The part of RequestInit the SDKs let a request add to (they own body, headers, method, signal). */
type ExtraInit = Omit<RequestInit, 'body' | 'headers' | 'method' | 'signal'>;

/** A fresh tracker, and the request option that carries it to timedFetch. */
export function trackAttempts(observe?: Attempts['observe']): { attempts: Attempts; fetchOptions: ExtraInit } {
  const attempts: Attempts = { start: performance.now(), lastByteAt: undefined, count: 0, ...(observe && { observe }) };
  return { attempts, fetchOptions: { [KEY]: attempts } as ExtraInit };
}
