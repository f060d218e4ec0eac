// What the two reference clients (raw-client.mjs, sdk-client.mjs) share: their arguments, the
// request they send, and the loop that makes N calls C at a time and prints what it measured.
import { performance } from 'node:perf_hooks';

/** URL MODEL N C from the command line. */
export const [url, model, n, c] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5])];

/** Case i's request, as tierbench sends it for the bench's datasets. */
export const request = (i) => ({
  model,
  max_tokens: 1024,
  stream: true,
  messages: [{ role: 'user', content: `Customer message number ${i}: my order has a problem` }],
});

/**
 * Makes calls 0 … N−1, C in flight, each `call(i)` resolving to its latency, then prints one JSON
 * line: wall time since `started`, p50 and p99 latency, peak memory.
 */
export async function drive(started, call) {
  const latencies = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) latencies.push(await call(next++));
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(JSON.stringify({ wallMs, p50: at(0.5), p99: at(0.99), maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}
