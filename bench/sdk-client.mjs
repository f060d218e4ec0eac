// The second floor for the efficiency and latency figures: what the Anthropic SDK alone costs. The
// same N streamed calls at concurrency C as raw-client.mjs, made the way tierbench makes them (the
// SDK, tierbench's own transport, the same SDK options and request), and nothing else: no
// scheduler, scoring, journal, cache or report. perf.mjs bundles this file first, as tierbench's
// build bundles the CLI, so both load the SDK the same way. What tierbench adds on top of the SDK
// is its figures minus these.
//   node sdk-client.bundle.mjs URL MODEL N C   → one JSON line: wall time, p50, p99, peak memory

import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { httpFetch } from '../dist/providers/transport.js';
import { drive, request, url } from './drive.mjs';

const started = performance.now();
const client = new Anthropic({
  apiKey: 'bench',
  authToken: null,
  baseURL: url,
  maxRetries: 2,
  logLevel: 'off',
  openTelemetry: false,
  fetch: (input, init) => {
    init.timing.sent = performance.now();
    return httpFetch(input, init, init.timing);
  },
});

async function call(i) {
  // Timed as tierbench times a call: from sending it to its last byte (the SDK's fetchOptions
  // reach the transport, which stamps the last byte).
  const timing = { sent: 0, lastByteAt: undefined };
  const stream = await client.messages.create(request(i), { fetchOptions: { timing } });
  let complete = false;
  for await (const event of stream) if (event.type === 'message_stop') complete = true;
  if (!complete) throw new Error(`call ${i}: incomplete stream`);
  return (timing.lastByteAt ?? performance.now()) - timing.sent;
}

await drive(started, call);
