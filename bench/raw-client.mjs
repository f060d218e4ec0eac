// The floor for the efficiency and latency figures: the least a client can do on this machine —
// N streamed calls at concurrency C over keep-alive node:http, reading each stream to its end, no
// SDK, no scoring, no journal. What tierbench adds is its figures minus these.
//   node bench/raw-client.mjs URL MODEL N C   → one JSON line: wall time, p50, p99, peak memory
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { drive, request, url } from './drive.mjs';

const agent = new http.Agent({ keepAlive: true });
const target = new URL('/v1/messages', url);

function call(i) {
  const body = JSON.stringify(request(i));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          if (!text.includes('message_stop')) reject(new Error(`call ${i}: incomplete stream (${res.statusCode})`));
          resolve(performance.now() - started);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

await drive(performance.now(), call);
