// Prompt-cache facts per model, shared by the run (its warning) and the emulator (which caches as the API does).

/**
 * The shortest prefix, in tokens, a model caches: below it a breakpoint is ignored, silently, and
 * the whole prompt is billed at the input rate. Anthropic's prompt-caching page (checked
 * 2026-11): 4,096 for Opus 4.5 and later and Haiku 4.5, 2,048 for Sonnet 4.6 and the Haiku 3
 * line, 1,024 for the other Claude 4 models. The 5.5 line is not listed there: 4,096 is assumed
 * (the larger minimum warns rather than promise a saving). OpenAI caches prompts of 1,024 tokens
 * or more.
 */
export function minCacheableTokens(id: string): number {
  const bare = id.slice(id.lastIndexOf('/') + 1).replace(/(\d)\.(\d)/g, '$1-$2');
  if (!bare.startsWith('claude')) return 1024;
  if (/opus-4-[5-9]|haiku-4-5|-5-5/.test(bare)) return 4096;
  if (/sonnet-4-6|haiku-3/.test(bare)) return 2048;
  return 1024;
}
