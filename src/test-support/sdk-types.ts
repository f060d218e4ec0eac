// The SDK types the emulator must satisfy, named for the contract test (src/emulator/contract.test.ts):
// the schemas are generated from these aliases, over the installed SDKs' own .d.ts files.
import type * as AB from '@anthropic-ai/sdk/resources/messages/batches';
import type * as AM from '@anthropic-ai/sdk/resources/messages/messages';
import type * as AS from '@anthropic-ai/sdk/resources/shared';
import type * as OB from 'openai/resources/batches';
import type * as OC from 'openai/resources/chat/completions/completions';
import type * as OF from 'openai/resources/files';
import type * as OR from 'openai/resources/responses/responses';
import type * as OS from 'openai/resources/shared';

export type AnthropicMessage = AM.Message;
export type AnthropicRawMessageStreamEvent = AM.RawMessageStreamEvent;
export type AnthropicErrorResponse = AS.ErrorResponse;
export type AnthropicMessageTokensCount = AM.MessageTokensCount;
export type AnthropicMessageBatch = AB.MessageBatch;
export type AnthropicMessageBatchIndividualResponse = AB.MessageBatchIndividualResponse;
export type OpenAIChatCompletion = OC.ChatCompletion;
export type OpenAIBatch = OB.Batch;
export type OpenAIFileObject = OF.FileObject;
export type OpenAIChatCompletionChunk = OC.ChatCompletionChunk;
export type OpenAIResponse = OR.Response;
export type OpenAIResponseStreamEvent = OR.ResponseStreamEvent;
/** OpenAI sends its ErrorObject as { error: ErrorObject }; the SDK has no type for the wrapper. */
export interface OpenAIErrorBody {
  error: OS.ErrorObject;
}
