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

function cell(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export async function* readDelimited(path: string, delimiter: ',' | '\t'): AsyncGenerator<RawRow> {
  const parser = createReadStream(path).pipe(
    parse({ bom: true, delimiter, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  let header: string[] | undefined;
  let prevEnd = 0;
  let prevEmpty = 0;
  // csv-parse counts a CRLF inside a quoted field as two lines; we take the surplus back out.
  let surplus = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
      for (const field of record) if (field.includes('\r\n')) surplus += field.split('\r\n').length - 1;
      prevEnd = info.lines - surplus;
      prevEmpty = info.empty_lines;
      if (header === undefined) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        header.forEach((h, i) => {
          if (h === '') throw new DataError('E_HEADER', `${path}:${line}`, `column ${i + 1} of the header is empty`, 'give every column a name in the first row');
          if (seen.has(h)) throw new DataError('E_HEADER', `${path}:${line}`, `the header names column \`${h}\` twice`, 'give each column a distinct name');
          seen.add(h);
        });
        continue;
      }
      if (record.length === 1 && record[0]?.trim() === '') continue;
      if (record.length !== header.length) {
        throw new DataError('E_ROW_WIDTH', `${path}:${line}`, `row has ${record.length} fields but the header has ${header.length}`, 'quote fields that contain the delimiter ("a, b"), and double quotes inside quoted fields ("say ""hi""")');
      }
      const values: Record<string, string> = {};
      header.forEach((h, i) => { values[h] = record[i] ?? ''; });
      yield { line, values, columns: header };
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    const e = err as { code?: string; message?: string; lines?: number };
    throw new DataError('E_CSV', `${path}:${e.lines ?? prevEnd + 1}`, `not valid ${delimiter === ',' ? 'CSV' : 'TSV'} (${e.code ?? e.message})`, 'check the quoting around this line: a field with a quote must be wrapped in quotes and its quotes doubled');
  }
}

function objectRow(where: string, parsed: unknown, line: number, columns: string[]): RawRow {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DataError('E_JSON_ROW', where, `expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`, JSONL_HINT);
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DataError('E_JSONL', `${path}:${line}`, `not valid JSON (${(err as Error).message})`, JSONL_HINT);
    }
    yield objectRow(`${path}:${line}`, parsed, line, columns);
  }
}

export async function* readJsonArray(path: string): AsyncGenerator<RawRow> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DataError('E_JSON', path, `not valid JSON (${(err as Error).message})`, 'a .json file must hold one array of objects; use .jsonl for one object per line');
  }
  if (!Array.isArray(parsed)) {
    throw new DataError('E_JSON', path, 'expected an array of objects at the top level', 'wrap the cases in [ … ], or use .jsonl with one object per line');
  }
  const columns: string[] = [];
  for (let i = 0; i < parsed.length; i++) {
    yield objectRow(`${path}: item ${i + 1}`, parsed[i], i + 1, columns);
  }
}
