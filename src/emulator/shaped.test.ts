// The emulator refuses bad images and tools as the real APIs do (tierbench catches these before a
// call, so only this test sees the emulator's own 400s): through both SDKs, the status, the error
// type and the message the SDKs turn into their error classes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { withEmulator } from '../test-support/emulator.js';
import { png } from '../test-support/images.js';
import type { Profile } from './simulated.js';

const PROFILES: Profile[] = [{ ids: ['claude-haiku-4-5', 'gpt-5-mini'], accuracy: 1, ttftMs: 0, tokensPerSec: 0 }];
const PNG = png(2, 2, [255, 0, 0]).toString('base64');

async function refusal(call: () => Promise<unknown>): Promise<{ status: number; message: string; type?: string; code?: string | null }> {
  try {
    await call();
  } catch (err) {
    // The openai SDK keeps the body's `error` object's fields on the error; Anthropic's keeps the body.
    if (err instanceof OpenAI.APIError) return { status: err.status ?? 0, message: err.message, ...(err.type && { type: err.type }), code: err.code ?? null };
    if (err instanceof Anthropic.APIError) {
      const body = err.error as { error?: { type?: string } } | undefined;
      return { status: err.status ?? 0, message: err.message, ...(body?.error?.type && { type: body.error.type }) };
    }
    throw err;
  }
  assert.fail('the emulator accepted it');
}

describe("the emulator's own refusals of images and tools", () => {
  it('Anthropic: a PNG sent as JPEG, an unknown source type, a tool with a bad name', async () => {
    await withEmulator({ profiles: PROFILES }, async (url) => {
      const client = new Anthropic({ apiKey: 'test', baseURL: url, maxRetries: 0 });
      const ask = (content: Anthropic.ContentBlockParam[], tools?: Anthropic.Tool[]) =>
        client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content }], ...(tools && { tools }) });
      const mislabelled = await refusal(() =>
        ask([
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: PNG } },
          { type: 'text', text: 'What colour?' },
        ]),
      );
      assert.equal(mislabelled.status, 400);
      assert.equal(mislabelled.type, 'invalid_request_error');
      assert.match(mislabelled.message, /The image was specified using the image\/jpeg media type, but the image appears to be a image\/png image/);
      const unknown = await refusal(() => ask([{ type: 'image', source: { type: 'gopher', data: PNG } as never }]));
      assert.equal(unknown.status, 400);
      assert.match(unknown.message, /Input tag 'gopher' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'/);
      const tool = await refusal(() => ask([{ type: 'text', text: 'hi' }], [{ name: 'look up', input_schema: { type: 'object' } }]));
      assert.equal(tool.status, 400);
      assert.match(tool.message, /tools\.0\.custom\.name: String should match pattern/);
    });
  });

  it('OpenAI: an image URL that does not download, bytes that are no image, a function with a bad name', async () => {
    await withEmulator({ profiles: PROFILES }, async (url) => {
      const client = new OpenAI({ apiKey: 'test', baseURL: `${url}/v1`, maxRetries: 0 });
      const ask = (content: OpenAI.ChatCompletionContentPart[], tools?: OpenAI.ChatCompletionTool[]) =>
        client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content }], ...(tools && { tools }) });
      const missing = await refusal(() => ask([{ type: 'image_url', image_url: { url: `${url}/files/no-such.png` } }]));
      assert.equal(missing.status, 400);
      assert.equal(missing.code, 'invalid_image_url');
      assert.match(missing.message, /Error while downloading/);
      const notImage = await refusal(() =>
        ask([{ type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from('not an image').toString('base64')}` } }]),
      );
      assert.equal(notImage.status, 400);
      assert.equal(notImage.code, 'invalid_image_format');
      const tool = await refusal(() =>
        ask([{ type: 'text', text: 'hi' }], [{ type: 'function', function: { name: 'look up', parameters: { type: 'object' } } }]),
      );
      assert.equal(tool.status, 400);
      assert.match(tool.message, /Invalid 'tools\[0\]\.function\.name': string does not match pattern/);
    });
  });
});
