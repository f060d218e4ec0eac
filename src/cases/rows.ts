// Readers turn a file into a stream of raw rows. Each yields the column names it knows so far
// with every row, so the loader can pick columns from the first row without reading the rest.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { DataError } from '../errors.js';

export interface RawRow {
  line: number;
  values: Record<string, string>;
  columns: readonly string[];
}

export type Format = 'csv' | 'tsv' | 'jsonl' | 'json';

const JSONL_HINT = 'each line must be one JSON object, e.g. {"input": "…", "expected": "…"}';
const QUOTE_HINT = 'close the quote; quotes inside a quoted field are doubled: "say ""hi"""';

/** Decoding replaced bytes that are not UTF-8 with U+FFFD: refuse rather than score mangled text. */
function checkUtf8(where: string, text: string): void {
  if (text.includes('\uFFFD')) throw new DataError('E_ENCODING', where, 'is not valid UTF-8', 'save the file as UTF-8 (or remove the \uFFFD character)');
}

/** Deeper values are refused: nothing real nests this far, and flattening them would overflow the stack. */
const MAX_DEPTH = 100;

/** Whether `value` nests objects or arrays deeper than MAX_DEPTH, counted without recursion. */
function tooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function cell(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Line breaks inside a field (a quoted multi-line value): CRLF, LF or CR each count one. */
function breaksIn(field: string): number {
  if (!field.includes('\n') && !field.includes('\r')) return 0;
  return field.match(/\r\n|\r|\n/g)?.length ?? 0;
}

export async function* readDelimited(path: string, delimiter: ',' | '\t'): AsyncGenerator<RawRow> {
  // Line numbers are counted here rather than with csv-parse's `info` option, which builds an
  // object per record and doubled the parse time. Empty lines come through as one empty field,
  // so they can be counted too.
  const parser = createReadStream(path).pipe(parse({ bom: true, delimiter, relax_column_count: true }));
  let header: string[] | undefined;
  /** The line the next record starts on. */
  let next = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = next;
      next++;
      for (const field of record) next += breaksIn(field);
      if (record.length === 1 && record[0]!.trim() === '') continue;
      if (header === undefined) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        header.forEach((h, i) => {
          if (h === '')
            throw new DataError('E_HEADER', `${path}:${line}`, `column ${i + 1} of the header is empty`, 'give every column a name in the first row');
          if (seen.has(h)) throw new DataError('E_HEADER', `${path}:${line}`, `the header names column \`${h}\` twice`, 'give each column a distinct name');
          seen.add(h);
        });
        continue;
      }
      for (const field of record) checkUtf8(`${path}:${line}`, field);
      if (record.length !== header.length) {
        throw new DataError(
          'E_ROW_WIDTH',
          `${path}:${line}`,
          `row has ${record.length} fields but the header has ${header.length}`,
          'quote fields that contain the delimiter ("a, b"), and double quotes inside quoted fields ("say ""hi""")',
        );
      }
      const values: Record<string, string> = {};
      header.forEach((h, i) => {
        values[h] = record[i] ?? '';
      });
      yield { line, values, columns: header };
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    const e = err as { code?: string; message?: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse reports the end of the file; the quote opened on the line after the last good row.
      throw new DataError('E_CSV', `${path}:${next}`, 'a quoted field that starts in this row is never closed', QUOTE_HINT);
    }
    if (e.code === 'CSV_INVALID_CLOSING_QUOTE' || e.code === 'INVALID_OPENING_QUOTE') {
      throw new DataError(
        'E_CSV',
        `${path}:${e.lines ?? next}`,
        'a quote in the middle of a field',
        'wrap the whole field in quotes and double the quotes inside it: "say ""hi"""',
      );
    }
    throw new DataError('E_CSV', `${path}:${e.lines ?? next}`, `not valid ${delimiter === ',' ? 'CSV' : 'TSV'} (${e.code ?? e.message})`, QUOTE_HINT);
  }
}

function objectRow(where: string, parsed: unknown, line: number, columns: string[]): RawRow {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DataError(
      'E_JSON_ROW',
      where,
      `expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`,
      JSONL_HINT,
    );
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (tooDeep(v))
      throw new DataError('E_JSON_DEPTH', where, `the value of \`${k}\` nests more than ${MAX_DEPTH} levels deep`, 'flatten the value, or give it as a string');
    if (!columns.includes(k)) columns.push(k);
    values[k] = cell(v);
  }
  return { line, values, columns };
}

export async function* readJsonl(path: string): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  const columns: string[] = [];
  let line = 0;
  for await (let text of lines) {
    line++;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    checkUtf8(`${path}:${line}`, text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DataError('E_JSONL', `${path}:${line}`, `not valid JSON (${(err as Error).message})`, JSONL_HINT);
    }
    yield objectRow(`${path}:${line}`, parsed, line, columns);
  }
}

/** The line of a JSON.parse error: V8 names the character offset ("position N") or the line. */
function jsonErrorLine(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message)?.[1];
  if (line !== undefined) return Number(line);
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
}

export async function* readJsonArray(path: string): AsyncGenerator<RawRow> {
  let parsed: unknown;
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const line = jsonErrorLine(text, (err as Error).message);
    throw new DataError(
      'E_JSON',
      line === undefined ? path : `${path}:${line}`,
      `not valid JSON (${(err as Error).message})`,
      'a .json file must hold one array of objects; use .jsonl for one object per line',
    );
  }
  const bad = text.indexOf('\uFFFD');
  if (bad !== -1) checkUtf8(`${path}:${text.slice(0, bad).split('\n').length}`, text);
  if (!Array.isArray(parsed)) {
    throw new DataError('E_JSON', path, 'expected an array of objects at the top level', 'wrap the cases in [ … ], or use .jsonl with one object per line');
  }
  const columns: string[] = [];
  for (let i = 0; i < parsed.length; i++) {
    yield objectRow(`${path}: item ${i + 1}`, parsed[i], i + 1, columns);
  }
}
