// The SDKs retry on their own; we want the latency of the attempt that answered and the number of
// retries. Both SDKs take a `fetch` option: ours notes when each attempt starts, in the call's
// async context, so no header or per-call client is needed.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

export interface Attempts {
  /** performance.now() when the latest attempt was sent. */
  start: number;
  /** Attempts made so far. */
  count: number;
}

const current = new AsyncLocalStorage<Attempts>();

export const timedFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const attempts = current.getStore();
  if (attempts) {
    attempts.count++;
    attempts.start = performance.now();
  }
  return fetch(input, init);
};

export function trackAttempts<T>(call: (attempts: Attempts) => Promise<T>): Promise<T> {
  const attempts: Attempts = { start: performance.now(), count: 0 };
  return current.run(attempts, () => call(attempts));
}
