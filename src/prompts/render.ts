// `{{var}}` templates, compiled once per run so rendering a case is a join, not a regex scan.
import { closest, UsageError } from '../errors.js';
import type { Case, CaseMessage, ChatRequest, ImageRef, Message, Part, ToolChoice, ToolSpec } from '../types.js';

export interface Template {
  source: string;
  /** Literal text and variable names, alternating: literals at even indexes. */
  parts: string[];
}

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The variables a template names, in order. */
export const templateVariables = (source: string): string[] => [...source.matchAll(VARIABLE)].map((m) => m[1] ?? '');

/** Compile a template and check every variable against the dataset's columns. */
export function compileTemplate(source: string, columns: readonly string[], origin: string): Template {
  const parts: string[] = [];
  let last = 0;
  for (const match of source.matchAll(VARIABLE)) {
    const name = match[1] ?? '';
    if (!columns.includes(name)) {
      const guess = closest(name, columns);
      throw new UsageError(
        'E_TEMPLATE_VAR',
        `${origin}: unknown variable {{${name}}}${guess ? ` — did you mean {{${guess}}}?` : ''}`,
        `the columns are: ${columns.map((c) => `{{${c}}}`).join(', ')}`,
      );
    }
    parts.push(source.slice(last, match.index), name);
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  return { source, parts };
}

export function render(template: Template, vars: Readonly<Record<string, string>>): string {
  if (template.parts.length === 1) return template.parts[0] ?? '';
  let out = '';
  for (let i = 0; i < template.parts.length; i++) {
    const part = template.parts[i] ?? '';
    out += i % 2 === 0 ? part : (vars[part] ?? '');
  }
  return out;
}

export interface PromptPlan {
  user: Template;
  system?: Template;
  temperature?: number;
  /** The images the cases name, read and checked (cases/images.ts), by source as written. */
  images?: ReadonlyMap<string, ImageRef>;
  /** --tools: offered to every case without a `tools` column of its own. */
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
}

const textOf = (content: CaseMessage['content']): string =>
  typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('');

function imagePart(source: string, images: PromptPlan['images']): Part {
  const image = images?.get(source);
  // prepare() reads every source a case names before any request is built.
  if (image === undefined) throw new Error(`image ${source} was not loaded`);
  return { type: 'image', image };
}

/** A case's conversation as sent: its system turn moved to `system` (after --system), its image sources resolved. */
function conversation(plan: PromptPlan, c: Case & { messages: CaseMessage[] }, system: string | undefined): { system?: string; messages: Message[] } {
  const [head, ...rest] = c.messages;
  const own = head?.role === 'system' ? textOf(head.content) : undefined;
  const turns = head?.role === 'system' ? rest : c.messages;
  const joined = [system, own].filter((s) => s !== undefined && s !== '').join('\n\n');
  return {
    ...(joined !== '' && { system: joined }),
    messages: turns.map((m) => ({
      role: m.role === 'assistant' ? 'assistant' : 'user',
      content: typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p : imagePart(p.image, plan.images))),
    })),
  };
}

/** The image column's images go first in the last user turn: Anthropic's vision guide finds images before text work best. */
function withImages(messages: Message[], sources: readonly string[] | undefined, images: PromptPlan['images']): Message[] {
  if (sources === undefined || sources.length === 0) return messages;
  const last = messages.at(-1);
  if (last === undefined) return messages;
  const text: Part[] = typeof last.content === 'string' ? (last.content === '' ? [] : [{ type: 'text', text: last.content }]) : last.content;
  return [...messages.slice(0, -1), { role: last.role, content: [...sources.map((s) => imagePart(s, images)), ...text] }];
}

/** The single place a case becomes a request. */
export function buildRequest(plan: PromptPlan, c: Case): ChatRequest {
  // Read once: a case's vars are built from the dataset's columns on each read.
  const vars = c.vars;
  const system = plan.system !== undefined ? render(plan.system, vars) : undefined;
  const shaped = c.messages !== undefined ? conversation(plan, { ...c, messages: c.messages }, system) : undefined;
  const tools = c.tools ?? plan.tools;
  return {
    ...(shaped === undefined ? system !== undefined && { system } : shaped.system !== undefined && { system: shaped.system }),
    messages: withImages(shaped?.messages ?? [{ role: 'user', content: render(plan.user, vars) }], c.images, plan.images),
    ...(plan.temperature !== undefined && { temperature: plan.temperature }),
    ...(tools !== undefined && { tools }),
    ...(tools !== undefined && plan.toolChoice !== undefined && { toolChoice: plan.toolChoice }),
  };
}

/**
 * What every case's request starts with, for prompt caching: the system prompt when it has no
 * variables, and the user template's text before its first variable ('' when it starts with one,
 * or has none: then the whole message is the same in every case, and nothing follows to cache it for).
 */
export function sharedPrefix(plan: PromptPlan): { system: boolean; userPrefix: string } {
  return { system: plan.system !== undefined && plan.system.parts.length === 1, userPrefix: plan.user.parts.length > 1 ? (plan.user.parts[0] ?? '') : '' };
}

/** A message's text, its images named (source and the start of its sha256): what reports and token estimates read. */
function contentText(content: Message['content']): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : `[image ${p.image.source} sha256:${p.image.sha256.slice(0, 12)}]`)).join('\n');
}

/** The prompt as the report records it: the user text, or the whole conversation turn by turn. */
export function promptText(request: ChatRequest): string {
  const [only] = request.messages;
  if (request.messages.length === 1 && only !== undefined) return contentText(only.content);
  return request.messages.map((m) => `${m.role}: ${contentText(m.content)}`).join('\n\n');
}
