// The floor for the efficiency and latency figures: the least a client can do on this machine —
// N streamed calls at concurrency C over keep-alive node:http, reading each stream to its end, no
// SDK, no scoring, no journal. What tierbench adds is its figures minus these.
//   node bench/raw-client.mjs URL MODEL N C   → one JSON line: wall time, p50, p99, peak memory
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, model, n, c] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5])];
const agent = new http.Agent({ keepAlive: true });
const target = new URL('/v1/messages', url);
const latencies = [];
let next = 0;

function call(i) {
  const body = JSON.stringify({ model, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: `Customer message number ${i}: my order has a problem` }] });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(target, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        if (!text.includes('message_stop')) reject(new Error(`call ${i}: incomplete stream (${res.statusCode})`));
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: c }, async () => {
  while (next < n) await call(next++);
}));
const wallMs = performance.now() - started;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(JSON.stringify({ wallMs, p50: at(0.5), p99: at(0.99), maxRssMB: process.resourceUsage().maxRSS / 1024 }));
