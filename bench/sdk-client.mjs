// The second floor for the efficiency and latency figures: what the Anthropic SDK alone costs. The
// same N streamed calls at concurrency C as raw-client.mjs, made the way tierbench makes them (the
// SDK, tierbench's own transport, the same SDK options and request), and nothing else: no
// scheduler, scoring, journal, cache or report. perf.mjs bundles this file first, as tierbench's
// build bundles the CLI, so both load the SDK the same way. What tierbench adds on top of the SDK
// is its figures minus these.
//   node sdk-client.bundle.mjs URL MODEL N C   → one JSON line: wall time, p50, p99, peak memory
import Anthropic from '@anthropic-ai/sdk';
import { performance } from 'node:perf_hooks';
import { httpFetch } from '../dist/providers/transport.js';

const [url, model, n, c] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5])];
const started = performance.now();
const client = new Anthropic({ apiKey: 'bench', authToken: null, baseURL: url, maxRetries: 2, logLevel: 'off', openTelemetry: false, fetch: (input, init) => {
  init.timing.sent = performance.now();
  return httpFetch(input, init, init.timing);
} });
const latencies = [];
let next = 0;

async function call(i) {
  // Timed as tierbench times a call: from sending it to its last byte (the SDK's fetchOptions
  // reach the transport, which stamps the last byte).
  const timing = { sent: 0, lastByteAt: undefined };
  const stream = await client.messages.create(
    { model, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: `Customer message number ${i}: my order has a problem` }] },
    { fetchOptions: { timing } },
  );
  let complete = false;
  for await (const event of stream) if (event.type === 'message_stop') complete = true;
  if (!complete) throw new Error(`call ${i}: incomplete stream`);
  latencies.push((timing.lastByteAt ?? performance.now()) - timing.sent);
}

await Promise.all(Array.from({ length: c }, async () => {
  while (next < n) await call(next++);
}));
const wallMs = performance.now() - started;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(JSON.stringify({ wallMs, p50: at(0.5), p99: at(0.99), maxRssMB: process.resourceUsage().maxRSS / 1024 }));
