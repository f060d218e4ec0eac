// What comes in from a file (config, run journal, report, response cache, emulator profiles) is
// checked against a valibot schema (docs/decisions/schema-library.md), never cast. A schema's
// messages say what is wrong with a value and how to fix it; the first problem found becomes the
// one line the user reads, with its path, which each reader puts after the file's name.
import * as v from 'valibot';

/** What is wrong and the fix travel in one message string; a known error's text is one line, so a newline parts them unambiguously. */
const BETWEEN = '\n';

const valueIs = (input: unknown): string => (input === undefined ? 'is missing' : `is ${JSON.stringify(input)}`);

/** A check's message: the fix, and what is wrong with the value (by default, the value as found). */
export function says(fix: string, what?: string | ((input: unknown) => string)): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `${typeof what === 'function' ? what(issue.input) : (what ?? valueIs(issue.input))}${BETWEEN}${fix}`;
}

/** A JSON object, not an array: valibot's object and record schemas take arrays too. */
const jsonObject = (shape: string) =>
  v.custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), says(shape, 'must be an object'));

/** An object of any keys, each value `value`. */
export const dictionary = <S extends v.GenericSchema>(value: S, shape: string) => v.pipe(jsonObject(shape), v.record(v.string(), value));

/**
 * An object with these keys and no others. A key not among them, a missing one, or a value that
 * is no object are said the same way everywhere: the keys are listed, `missing` gives the fix for
 * a missing key (else `shape`, which shows the object as it should be written).
 */
export function strict<const E extends v.ObjectEntries>(entries: E, shape: string, missing: Partial<Record<keyof E & string, string>> = {}) {
  const keys = Object.keys(entries).join(', ');
  return v.pipe(
    jsonObject(shape),
    v.strictObject(entries, (issue) => {
      if (issue.expected === 'never') return `is not a known key${BETWEEN}the keys are ${keys}`;
      const key = String(issue.path?.at(-1)?.key);
      return `is missing${BETWEEN}${missing[key] ?? shape}`;
    }),
  );
}

/** The first thing wrong: where (object keys and array indices from the top), what, and the fix. */
export interface Problem {
  at: ReadonlyArray<string | number>;
  what: string;
  fix: string;
}

/** `input` as `schema`'s output, or the first problem with it. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; problem: Problem } {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const [issue] = result.issues;
  const at = (issue.path ?? []).map((item) => (typeof item.key === 'number' ? item.key : String(item.key)));
  const cut = issue.message.indexOf(BETWEEN);
  // A check without a message of ours: valibot's own words, after the value as found.
  if (cut === -1) return { ok: false, problem: { at, what: valueIs(issue.input), fix: issue.message } };
  return { ok: false, problem: { at, what: issue.message.slice(0, cut), fix: issue.message.slice(cut + BETWEEN.length) } };
}

/** `endpoints.x.baseURL`, `[2].ids`: a path as the user would look for it in the file. */
export const pathOf = (at: Problem['at']): string =>
  at.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('') || '(top level)';

/** `Holds<X>` compiles only when X is true: a type check with no code. */
export type Holds<T extends true> = T;

/** Whether A and B are each assignable to the other. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
