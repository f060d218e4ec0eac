// A suite file (YAML or JSON) → the same flags `tierbench run` parses, plus the dataset's path and
// where each key was written. The keys are the run flags' long names, read from the option tables
// (cli/flags.ts) rather than listed again; each value goes through its flag's own parser, so a
// suite and the command line accept exactly the same values. Every complaint is one line:
// `suite.yaml:12: models: … — fix`.
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import * as v from 'valibot';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { GATE_OPTIONS, RUN_OPTIONS, type RunFlags } from '../cli/flags.js';
import type { OptionTable } from '../cli/options.js';
import { closest, UsageError } from '../errors.js';
import { regularFile } from '../files.js';
import { type PromptVariant, VARIANT_NAME } from '../pipeline/plan.js';
import { dictionary, type Problem, says, strict, validate } from '../validate.js';

type OptionDef = OptionTable[string];

/** A suite file, read and checked. */
export interface Suite {
  /** `prompts:`, each variant's text read (files relative to the suite), and where it was written. */
  prompts?: PromptVariant[];
  /** The file as the user named it (relative to the working directory). */
  file: string;
  /** The test cases, resolved against the suite file's folder. */
  dataset: string;
  /** The run options the file sets, parsed as their flags parse them, by the flags object's names. */
  flags: Partial<RunFlags>;
  /** `suite.yaml:12` for each option the file sets, by the same names: where a later check points. */
  at: Record<string, string>;
}

/** Options that describe one invocation, not the benchmark: refused in a file, with the reason. */
const COMMAND_LINE_ONLY: Readonly<Record<string, string>> = {
  resume: 'continue a stopped run from the command line: tierbench run --resume RUN',
  shard: "give each CI job its slice on the command line, the suite file being every job's: tierbench run suite.yaml --shard 1/3",
};

/** The flags' long names: `-m, --models <list>` → models; `--no-stream` → stream (written `stream: false`). */
const longName = (def: OptionDef): string => /--(?:no-)?([a-z0-9-]+)/.exec(def.flags)?.[1] ?? def.flags;
const takesValue = (def: OptionDef): boolean => def.flags.includes('<') || def.flags.includes('[');
/** Options whose value is a path: resolved against the suite file's folder, like the dataset. */
const isPath = (def: OptionDef): boolean => /<(path|dir|report)>/.test(def.flags);

/** Every run option, by its key in a suite file. */
const OPTIONS: ReadonlyMap<string, { name: keyof RunFlags; def: OptionDef }> = new Map(
  Object.entries({ ...GATE_OPTIONS, ...RUN_OPTIONS }).map(([name, def]) => [longName(def), { name: name as keyof RunFlags, def }]),
);

/** A suite file, by its name; a .json one only when it holds an object (a .json of cases is an array). */
export async function isSuiteFile(path: string): Promise<boolean> {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return true;
  if (ext !== '.json' || !existsSync(path)) return false;
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(512), 0, 512, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .trimStart()
      .replace(/^\uFEFF/, '')
      .startsWith('{');
  } finally {
    await handle.close();
  }
}

type Read = { value: unknown } | { what: string; fix: string };

/** A value as its flag would read it; lists and per-model mappings written as YAML are joined first. */
function readValue(def: OptionDef, input: unknown): Read {
  const flag = `--${longName(def)}`;
  // An optional value (`--prompt-cache [ttl]`): `true` is the flag given bare, `false` not given.
  if (def.preset !== undefined && typeof input === 'boolean') return { value: input ? def.parse?.(def.preset) : undefined };
  if (!takesValue(def)) {
    if (typeof input === 'boolean') return { value: input };
    return { what: `is ${JSON.stringify(input)}`, fix: `write true or false (as ${def.flags} on the command line)` };
  }
  let text: string | undefined;
  if (typeof input === 'string' || typeof input === 'number') text = String(input);
  else if (def.shape === 'list' && Array.isArray(input) && input.every((x) => typeof x === 'string' || typeof x === 'number')) text = input.join(',');
  else if (def.shape === 'per-model' && typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const entries = Object.entries(input);
    if (entries.every(([, x]) => typeof x === 'string' || typeof x === 'number')) text = entries.map(([k, x]) => `${k}=${x}`).join(',');
  }
  const shapes = [
    'a value',
    ...(def.shape === 'list' ? ['a list'] : []),
    ...(def.shape === 'per-model' ? ['a mapping of model to limit, e.g. {haiku: 0.9, sonnet: 95%}'] : []),
  ];
  if (text === undefined) return { what: `is ${JSON.stringify(input)}`, fix: `write ${shapes.join(' or ')}, as ${flag} takes it: ${def.help}` };
  if (def.choices !== undefined && !def.choices.includes(text)) return { what: `is ${JSON.stringify(input)}`, fix: `use one of ${def.choices.join(', ')}` };
  if (def.parse === undefined) return { value: text };
  try {
    return { value: def.parse(text) };
  } catch (err) {
    return { what: `is ${JSON.stringify(input)}`, fix: (err as Error).message.replace(/\.$/, '') };
  }
}

const option = (def: OptionDef) =>
  v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const read = readValue(def, dataset.value);
      if ('value' in read) return read.value;
      addIssue({ message: says(read.fix, read.what) });
      return NEVER;
    }),
  );

const refused = (fix: string) => v.custom<never>(() => false, says(fix, 'is not for a suite file'));

const DATASET_FIX = 'name the test cases, relative to this file: dataset: cases.csv';

const KNOWN = ['dataset', ...OPTIONS.keys()];

const VARIANT_FIX = 'write name: "a template with {{column}}", or name: {file: concise.txt, system: "…"}';
const text = (fix: string) => v.optional(v.string(says(fix)));
/** A prompt variant: its user template inline or in a file, and optionally its own system prompt. */
const VARIANT = v.union(
  [
    v.string(),
    strict(
      {
        prompt: text('write the user template, e.g. "Classify: {{ticket}}"'),
        file: text('write the path of a file holding the user template, relative to this file'),
        system: text('write the system prompt'),
        'system-file': text('write the path of a file holding the system prompt, relative to this file'),
      },
      VARIANT_FIX,
    ),
  ],
  says(VARIANT_FIX),
);
type Variant = v.InferOutput<typeof VARIANT>;

const SUITE = v.pipe(
  v.custom<Record<string, unknown>>(
    (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    says('write the run options as a mapping, e.g. dataset: cases.csv, then models: [haiku, sonnet]', 'must be a mapping of run options'),
  ),
  v.strictObject(
    {
      dataset: v.pipe(v.string(says(DATASET_FIX)), v.minLength(1, says(DATASET_FIX))),
      ...Object.fromEntries(
        [...OPTIONS].map(([key, { name, def }]) => {
          const only = COMMAND_LINE_ONLY[name];
          return [key, v.optional(only === undefined ? option(def) : refused(only))];
        }),
      ),
      // A mapping in a file, where the flag takes name=file pairs.
      prompts: v.optional(dictionary(VARIANT, 'write prompts: then one variant per line, e.g. concise: "Classify: {{ticket}}"')),
    },
    (issue) => {
      const key = String(issue.path?.at(-1)?.key);
      if (issue.expected !== 'never') return `is missing\n${DATASET_FIX}`;
      // A flag's camelCase name, or its spelling with --, is the likeliest slip.
      const guess = closest(
        key.replace(/^-+/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
        KNOWN,
      );
      return `is not a known key\n${guess === undefined ? '' : `did you mean ${guess}? `}the keys are dataset and the run flags' long names (tierbench run --help)`;
    },
  ),
);

/** The line of the deepest key (or list item) of `at` found in the document. */
function lineOf(contents: unknown, at: Problem['at'], counter: LineCounter): number {
  let node = contents;
  let offset = (contents as Node | null)?.range?.[0] ?? 0;
  for (const key of at) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      node = node.items[key];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return counter.linePos(offset).line;
}

/** Reads, checks and resolves a suite file; every problem is one UsageError naming `file:line`. */
export async function loadSuite(path: string, cwd: string): Promise<Suite> {
  const full = resolve(cwd, path);
  const file = relative(cwd, full) || full;
  await regularFile(full, 'the suite file');
  const source = await readFile(full, 'utf8');
  const counter = new LineCounter();
  // JSON is YAML: one parser, and line numbers for both.
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false });
  const [syntax] = doc.errors;
  if (syntax !== undefined) {
    const line = counter.linePos(syntax.pos[0]).line;
    throw new UsageError(
      'E_SUITE',
      `${file}:${line}: not valid ${extname(full) === '.json' ? 'JSON' : 'YAML'}: ${syntax.message.split('\n')[0]}`,
      'fix the file at that line (indentation, a missing colon, quotes around a value holding ": " or "#")',
    );
  }
  const checked = validate(SUITE, doc.toJS() ?? {});
  if (!checked.ok) {
    const { at, what, fix } = checked.problem;
    const key = at.map(String).join('.');
    throw new UsageError('E_SUITE', `${file}:${lineOf(doc.contents, at, counter)}:${key === '' ? '' : ` ${key}:`} ${what}`, fix);
  }
  const { dataset, prompts, ...options } = checked.value as { dataset: string; prompts?: Record<string, Variant> } & Record<string, unknown>;
  const where = (key: string): string => `${file}:${lineOf(doc.contents, [key], counter)}`;
  const folder = dirname(full);
  const datasetPath = resolve(folder, dataset);
  if (!existsSync(datasetPath)) {
    throw new UsageError(
      'E_SUITE',
      `${where('dataset')}: dataset: no file at ${relative(cwd, datasetPath) || datasetPath}`,
      `check the path: it is relative to the suite file's folder (${relative(cwd, folder) || '.'})`,
    );
  }
  const flags: Record<string, unknown> = {};
  const at: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    const known = OPTIONS.get(key);
    if (known === undefined || value === undefined) continue;
    // A path in the file means a place beside the file, wherever tierbench is run from; a trailing
    // slash (a folder for the report) is kept.
    flags[known.name] = isPath(known.def) && typeof value === 'string' ? resolve(folder, value) + (/[\\/]$/.test(value) ? sep : '') : value;
    at[known.name] = where(key);
  }
  const variants =
    prompts === undefined ? undefined : await readVariants(prompts, folder, (at) => `${file}:${lineOf(doc.contents, ['prompts', ...at], counter)}`);
  if (variants !== undefined) at.prompts = where('prompts');
  return { file, dataset: datasetPath, flags: flags as Partial<RunFlags>, at, ...(variants !== undefined && { prompts: variants }) };
}

/** `prompts:` → variants, their files read; `where` gives the line of a path under `prompts`. */
async function readVariants(prompts: Record<string, Variant>, folder: string, where: (at: string[]) => string): Promise<PromptVariant[]> {
  const variants: PromptVariant[] = [];
  for (const [name, variant] of Object.entries(prompts)) {
    if (!VARIANT_NAME.test(name))
      throw new UsageError(
        'E_SUITE',
        `${where([name])}: prompts.${name}: not a name a contestant can carry`,
        'use letters, digits, -, _ and . (e.g. concise): it becomes haiku/concise',
      );
    const spec = typeof variant === 'string' ? { prompt: variant } : variant;
    const read = async (inline: string | undefined, path: string | undefined, key: 'prompt' | 'system', fileKey: 'file' | 'system-file') => {
      if (inline !== undefined && path !== undefined)
        throw new UsageError('E_SUITE', `${where([name, fileKey])}: prompts.${name}: both ${key} and ${fileKey}`, `keep one of them`);
      if (path === undefined) return inline;
      const full = resolve(folder, path);
      if (!existsSync(full))
        throw new UsageError(
          'E_SUITE',
          `${where([name, fileKey])}: prompts.${name}.${fileKey}: no file at ${path}`,
          `check the path: it is relative to the suite file's folder`,
        );
      await regularFile(full, `prompts.${name}.${fileKey}`);
      return readFile(full, 'utf8');
    };
    const prompt = await read(spec.prompt, spec.file, 'prompt', 'file');
    const system = await read(spec.system, spec['system-file'], 'system', 'system-file');
    variants.push({ name, ...(prompt !== undefined && { prompt }), ...(system !== undefined && { system }), origin: `${where([name])}: prompts.${name}` });
  }
  return variants;
}
