import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { bodyError, classify, kindOf, redact } from './failures.js';

const sdk = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };
const apiError = (status: number | undefined, body: unknown): APIError => new APIError(status, body as object, 'boom', new Headers());

describe('failure classification', () => {
  it('by HTTP status', () => {
    const kinds = [
      [401, 'auth'],
      [403, 'permission'],
      [402, 'billing'],
      [404, 'not_found'],
      [400, 'bad_request'],
      [429, 'rate_limit'],
      [529, 'overloaded'],
      [500, 'server'],
      [503, 'server'],
      [504, 'timeout'],
    ] as const;
    for (const [status, kind] of kinds) assert.equal(classify(apiError(status, { message: 'x' }), 0, [], sdk).kind, kind, String(status));
  });
  it('by SDK error class, with instanceof', () => {
    assert.equal(classify(new APIConnectionTimeoutError(), 2, [], sdk).kind, 'timeout');
    assert.equal(classify(new APIConnectionError({ message: 'down' }), 2, [], sdk).kind, 'connection');
    assert.equal(classify(new APIUserAbortError(), 0, [], sdk).kind, 'aborted');
    assert.equal(classify(new TypeError('terminated', { cause: new Error('other side closed') }), 0, [], sdk).kind, 'connection');
  });
  it('spend limits and empty balances are billing, whatever the status', () => {
    assert.equal(kindOf(429, { type: 'rate_limit_error', message: 'limit', details: { error_code: 'enforced_spend_limit_reached' } }), 'billing');
    assert.equal(kindOf(429, { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota' }), 'billing');
    assert.equal(kindOf(400, { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' }), 'billing');
    assert.equal(kindOf(400, { type: 'invalid_request_error', message: 'You have reached your specified workspace API usage limits.' }), 'billing');
  });
  it('one flagged input is a content filter, not a missing permission', () => {
    assert.equal(kindOf(403, { code: 403, message: 'flagged', metadata: { reasons: ['violence'], flagged_input: 'x' } }), 'content_filter');
    assert.equal(kindOf(400, { code: 'content_filter', message: 'filtered', type: null }), 'content_filter');
    assert.equal(kindOf(403, { type: 'permission_error', message: 'no access' }), 'permission');
  });
  it('mid-stream errors by their type or code', () => {
    assert.equal(bodyError({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'x').kind, 'overloaded');
    assert.equal(bodyError({ error: { code: 502, message: 'Provider disconnected' } }, 'x').kind, 'server');
    assert.equal(bodyError({ error: { message: 'boom', type: 'InternalServerError', param: null, code: 500 } }, 'x').kind, 'server');
    assert.equal(bodyError({ object: 'error', message: 'bad', type: 'BadRequestError', code: 400 }, 'x').kind, 'bad_request');
    assert.equal(bodyError({ error: { message: 'x', type: 'server_error', code: '500' } }, 'x').kind, 'server');
    assert.match(
      bodyError({ error: { code: 429, message: 'Provider returned error' } }, 'a 200 with an error').message,
      /^a 200 with an error: Provider returned error \(429\)$/,
    );
  });
  it('keeps status and retries', () => {
    assert.deepEqual(classify(apiError(429, { message: 'slow down' }), 3, [], sdk), {
      ok: false,
      kind: 'rate_limit',
      status: 429,
      message: '429 slow down',
      retries: 3,
    });
  });
  it("a server's control characters never reach a terminal", () => {
    assert.equal(classify(new Error('bad \u001b[2J\u001b]0;pwned\u0007 input\nnext'), 0, [], sdk).message, 'bad \\x1b[2J\\x1b]0;pwned\\x07 input next');
  });
  it('never keeps a key in the message', () => {
    const f = classify(new Error('bad key sk-ant-api03-SECRETSECRETSECRET given, Bearer hunter2-key'), 0, ['hunter2-key'], sdk);
    assert.ok(!f.message.includes('SECRETSECRET') && !f.message.includes('hunter2-key'), f.message);
    assert.equal(redact('x sk-proj-abcdefghijklmnop y', []), 'x sk-proj-a…[redacted] y');
  });
});
