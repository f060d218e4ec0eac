// `{{var}}` templates, compiled once per run so rendering a case is a join, not a regex scan.
import { closest, UsageError } from '../errors.js';
import type { Case, ChatRequest } from '../types.js';

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
}

export function buildRequest(plan: PromptPlan, c: Case): ChatRequest {
  // Read once: a case's vars are built from the dataset's columns on each read.
  const vars = c.vars;
  return {
    ...(plan.system !== undefined && { system: render(plan.system, vars) }),
    messages: [{ role: 'user', content: render(plan.user, vars) }],
    ...(plan.temperature !== undefined && { temperature: plan.temperature }),
  };
}
