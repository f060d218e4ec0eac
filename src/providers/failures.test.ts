import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, redact } from './failures.js';

describe('failure classification', () => {
  const err = (name: string, status?: number, error?: unknown) => Object.assign(new Error('boom'), { name, status, error });
  it('by HTTP status', () => {
    const kinds = [[401, 'auth'], [403, 'permission'], [402, 'billing'], [404, 'not_found'], [400, 'bad_request'], [429, 'rate_limit'], [529, 'overloaded'], [500, 'server'], [503, 'server'], [504, 'timeout']] as const;
    for (const [status, kind] of kinds) assert.equal(classify(err('APIError', status), 0, []).kind, kind, String(status));
  });
  it('by SDK error class', () => {
    assert.equal(classify(err('APIConnectionTimeoutError'), 2, []).kind, 'timeout');
    assert.equal(classify(err('APIConnectionError'), 2, []).kind, 'connection');
    assert.equal(classify(err('APIUserAbortError'), 0, []).kind, 'aborted');
  });
  it('by error type when a stream fails mid-way', () => {
    assert.equal(classify(err('APIError', undefined, { type: 'error', error: { type: 'overloaded_error' } }), 0, []).kind, 'overloaded');
  });
  it('OpenAI quota exhaustion is billing, not a rate limit', () => {
    assert.equal(classify(Object.assign(err('RateLimitError', 429), { code: 'insufficient_quota' }), 0, []).kind, 'billing');
  });
  it('keeps status and retries', () => {
    assert.deepEqual(classify(err('RateLimitError', 429), 3, []), { ok: false, kind: 'rate_limit', status: 429, message: 'boom', retries: 3 });
  });
  it('never keeps a key in the message', () => {
    const f = classify(new Error('bad key sk-ant-api03-SECRETSECRETSECRET given, Bearer hunter2-key'), 0, ['hunter2-key']);
    assert.ok(!f.message.includes('SECRETSECRET') && !f.message.includes('hunter2-key'), f.message);
    assert.equal(redact('x sk-proj-abcdefghijklmnop y', []), 'x sk-proj-a…[redacted] y');
  });
});
