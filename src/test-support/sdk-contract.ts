// JSON Schemas generated from the installed SDKs' TypeScript types, as ajv validators: what the
// emulator sends is checked against what the SDKs declare, so an SDK upgrade that adds a required
// field fails a test instead of letting the emulator drift from the real APIs. One TypeScript
// program for every type (~1.5 s); a schema per type, not one merged schema (both SDKs have types
// named Usage, ErrorObject, Tool… and a merge keeps only the first).
import { Ajv, type ErrorObject } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { ROOT } from './paths.js';

const SDK_TYPES = [
  'AnthropicMessage',
  'AnthropicRawMessageStreamEvent',
  'AnthropicErrorResponse',
  'AnthropicMessageTokensCount',
  'AnthropicMessageBatch',
  'AnthropicMessageBatchIndividualResponse',
  'OpenAIChatCompletion',
  'OpenAIChatCompletionChunk',
  'OpenAIResponse',
  'OpenAIResponseStreamEvent',
  'OpenAIErrorBody',
  'OpenAIBatch',
  'OpenAIFileObject',
] as const;
export type SdkType = (typeof SDK_TYPES)[number];

type Schema = Record<string, unknown> & { definitions?: Record<string, Schema>; required?: string[]; properties?: Record<string, unknown> };

/** Every object that lists its properties admits no others: a misspelt or invented field fails too. */
function closed(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) closed(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Schema;
  for (const v of Object.values(n)) closed(v);
  if (n.type === 'object' && n.properties !== undefined && n.additionalProperties === undefined) n.additionalProperties = false;
}

/**
 * Unions of objects told apart by a `type` constant (content blocks, stream events) as ajv
 * discriminators: errors then come from the matching variant only, not from every branch.
 */
function discriminate(schema: Schema): void {
  const defs = schema.definitions ?? {};
  const deref = (s: Schema | undefined): Schema | undefined => {
    let at = s;
    while (typeof at?.$ref === 'string') at = defs[decodeURIComponent(at.$ref.replace('#/definitions/', ''))];
    return at;
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Schema;
    for (const v of Object.values(n)) visit(v);
    if (!Array.isArray(n.anyOf)) return;
    const tags = (n.anyOf as Schema[]).map((b) => {
      const t = deref(b);
      return t?.type === 'object' && t.required?.includes('type') ? (t.properties?.type as { const?: unknown } | undefined)?.const : undefined;
    });
    if (tags.every((t) => typeof t === 'string') && new Set(tags).size === tags.length) {
      n.oneOf = n.anyOf;
      delete n.anyOf;
      Object.assign(n, { type: 'object', required: ['type'], discriminator: { propertyName: 'type' } });
    }
  };
  visit(schema);
}

export type Check = (value: unknown) => string[];

/** One validator per SDK type: the problems found, none when the value is what the SDK declares. */
export function sdkContract(): Record<SdkType, Check> {
  const generator = createGenerator({
    path: `${ROOT}src/test-support/sdk-types.ts`,
    tsconfig: `${ROOT}tsconfig.json`,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    jsDoc: 'none',
  });
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, discriminator: true, strict: false });
  const checks = {} as Record<SdkType, Check>;
  for (const type of SDK_TYPES) {
    const schema = generator.createSchema(type) as Schema;
    // `output_text` is a convenience the SDK computes; it is not on the wire.
    const response = schema.definitions?.Response;
    if (response?.required && response.properties) {
      response.required = response.required.filter((k) => k !== 'output_text');
      delete response.properties.output_text;
    }
    // The SDKs read `error.details` (Anthropic's error codes) from error objects their types do
    // not declare it on: those stay open.
    for (const [name, def] of Object.entries(schema.definitions ?? {})) if (name.endsWith('ErrorObject')) def.additionalProperties = true;
    closed(schema);
    discriminate(schema);
    const validate = ajv.compile(schema);
    checks[type] = (value) => (validate(value) ? [] : explain(validate.errors ?? []));
  }
  return checks;
}

function explain(errors: ErrorObject[]): string[] {
  return [
    ...new Set(
      errors.map((e) => {
        const p = e.params as { additionalProperty?: string; allowedValue?: unknown; tagValue?: unknown };
        return `${e.instancePath || '/'} ${e.message ?? ''}${p.additionalProperty ? ` '${p.additionalProperty}'` : ''}${p.allowedValue !== undefined ? ` ${JSON.stringify(p.allowedValue)}` : ''}${p.tagValue !== undefined ? ` (got ${JSON.stringify(p.tagValue)})` : ''}`;
      }),
    ),
  ];
}
