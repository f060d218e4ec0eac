// Which column holds the input, the expected answer, the id and the category. Names are compared
// without case, spaces, dashes or underscores, so `Expected Answer` and `expected_answer` match.
import { UsageError } from '../errors.js';

const INPUT_NAMES = [
  'input',
  'prompt',
  'question',
  'query',
  'text',
  'ticket',
  'message',
  'content',
  'instruction',
  'body',
  'description',
  'utterance',
  'sentence',
  'document',
];
const EXPECTED_NAMES = [
  'expected',
  'expectedanswer',
  'expectedoutput',
  'label',
  'answer',
  'target',
  'gold',
  'reference',
  'groundtruth',
  'truth',
  'output',
  'category',
  'class',
  'intent',
];
const CATEGORY_NAMES = ['category', 'topic', 'group', 'segment', 'type', 'domain', 'task'];
const ID_NAMES = ['id', 'caseid', 'uid', 'key'];
// Not `source`: as often the source text, or where a case came from ("synthetic"), as a cluster.
const CLUSTER_NAMES = [
  'cluster',
  'clusterid',
  'sourceid',
  'passage',
  'passageid',
  'conversation',
  'conversationid',
  'thread',
  'threadid',
  'document',
  'documentid',
];

export interface ColumnChoice {
  input: string;
  expected: string;
  category?: string;
  id?: string;
  /** Cases sharing a value came from one source (passage, conversation): their errors correlate. */
  cluster?: string;
}

export interface ColumnOverrides {
  input?: string;
  expected?: string;
  category?: string;
  /** The flag that named the category column (--by or --category-col), for its error. */
  categoryFlag?: string;
  cluster?: string;
  id?: string;
  /** The variables of the --prompt template: the input column is then the first of them. */
  promptColumns?: readonly string[];
}

const norm = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

function find(columns: readonly string[], names: readonly string[], taken: ReadonlySet<string>): string | undefined {
  for (const wanted of names) {
    const hit = columns.find((c) => !taken.has(c) && norm(c) === wanted);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function named(columns: readonly string[], name: string, flag: string, where: string): string {
  const hit = columns.find((c) => c === name) ?? columns.find((c) => norm(c) === norm(name));
  if (hit === undefined) {
    throw new UsageError('E_NO_COLUMN', `${flag} ${name}: ${where} has no column \`${name}\``, `the columns are: ${columns.join(', ')}`);
  }
  return hit;
}

export function chooseColumns(columns: readonly string[], overrides: ColumnOverrides, where: string): ColumnChoice {
  const taken = new Set<string>();
  const expected = overrides.expected !== undefined ? named(columns, overrides.expected, '--expected-col', where) : find(columns, EXPECTED_NAMES, taken);
  if (expected === undefined) {
    // One column whose name holds semicolons: a spreadsheet's export in a locale where the comma is the decimal mark.
    const separator = columns.length === 1 ? [';', '|'].find((c) => columns[0]!.includes(c)) : undefined;
    throw new UsageError(
      'E_NO_EXPECTED',
      `${where}: no expected-answer column among: ${columns.join(', ')}`,
      separator === undefined
        ? 'name it with --expected-col <column> (or call it `expected`)'
        : `the header looks separated by "${separator}", and a .csv is read as comma-separated: export it with commas, or as tab-separated .tsv`,
    );
  }
  taken.add(expected);
  const input =
    overrides.input !== undefined
      ? named(columns, overrides.input, '--input-col', where)
      : (find(columns, INPUT_NAMES, taken) ??
        overrides.promptColumns?.find((c) => c !== expected && columns.includes(c)) ??
        (columns.length === 2 ? columns.find((c) => c !== expected) : undefined));
  if (input === undefined) {
    throw new UsageError(
      'E_NO_INPUT',
      `${where}: no input column among: ${columns.join(', ')}`,
      `name it with --input-col <column> (or call it \`input\`), or write a --prompt template that uses the columns, e.g. --prompt "${columns
        .filter((c) => c !== expected)
        .slice(0, 2)
        .map((c) => `{{${c}}}`)
        .join(' ')}"`,
    );
  }
  if (input === expected) {
    throw new UsageError(
      'E_SAME_COLUMN',
      `${where}: the input and the expected answer are both column \`${input}\``,
      'name two different columns with --input-col and --expected-col',
    );
  }
  taken.add(input);
  const category =
    overrides.category !== undefined
      ? named(columns, overrides.category, overrides.categoryFlag ?? '--category-col', where)
      : find(columns, CATEGORY_NAMES, taken);
  if (category !== undefined) taken.add(category);
  const id = overrides.id !== undefined ? named(columns, overrides.id, '--id-col', where) : find(columns, ID_NAMES, taken);
  if (id !== undefined) taken.add(id);
  const cluster = overrides.cluster !== undefined ? named(columns, overrides.cluster, '--cluster-col', where) : find(columns, CLUSTER_NAMES, taken);
  return { input, expected, ...(category !== undefined && { category }), ...(id !== undefined && { id }), ...(cluster !== undefined && { cluster }) };
}
