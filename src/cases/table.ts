// Cases held as columns, not as an object per row. A 100,000-case file kept as row objects (a case
// object plus a `vars` record, each with V8's 24-byte header and 8-byte slots) cost about 350 bytes
// a case; as one string array per column, with repeated short values (labels, categories) shared,
// it costs about 180 (18 MB for 100,000 cases). Each Case is a small view reading the columns.

import { Shared } from '../share.js';
import type { Case } from '../types.js';
import type { ColumnChoice } from './columns.js';

class Column {
  /** values[row]; undefined where the row has no such key (JSONL rows may differ). */
  readonly values: Array<string | undefined> = [];
  private readonly shared = new Shared();

  set(row: number, value: string): void {
    this.values[row] = this.shared.get(value);
  }
}

export class CaseTable {
  private readonly byName = new Map<string, Column>();
  /** Insertion order of the columns, the order `vars` lists them in. */
  private readonly order: Array<[string, Column]> = [];
  private readonly lines: number[] = [];
  /** The trimmed expected answers: scoring reads them once per result. */
  private readonly expected: string[] = [];
  readonly cases: Case[] = [];

  constructor(private readonly choice: ColumnChoice) {}

  /** A row whose expected answer the loader has checked is there. */
  add(line: number, values: Readonly<Record<string, string>>): void {
    const row = this.lines.length;
    this.lines.push(line);
    for (const name in values) {
      let column = this.byName.get(name);
      if (column === undefined) {
        column = new Column();
        this.byName.set(name, column);
        this.order.push([name, column]);
      }
      column.set(row, values[name]!);
    }
    // The shared copy when the value needed no trimming.
    const raw = this.byName.get(this.choice.expected)!.values[row]!;
    this.expected.push(raw.trim());
    this.cases.push(new TableCase(this, row));
  }

  line(row: number): number {
    return this.lines[row]!;
  }

  expectedOf(row: number): string {
    return this.expected[row]!;
  }

  private value(name: string | undefined, row: number): string | undefined {
    if (name === undefined) return undefined;
    const value = this.byName.get(name)?.values[row];
    return value === '' ? undefined : value;
  }

  vars(row: number): Record<string, string> {
    const vars: Record<string, string> = {};
    for (const [name, column] of this.order) {
      const value = column.values[row];
      if (value !== undefined) vars[name] = value;
    }
    return vars;
  }

  idOf(row: number): string {
    return this.value(this.choice.id, row) ?? String(row + 1);
  }

  categoryOf(row: number): string | undefined {
    return this.value(this.choice.category, row);
  }

  clusterOf(row: number): string | undefined {
    return this.value(this.choice.cluster, row);
  }
}

class TableCase implements Case {
  constructor(
    private readonly table: CaseTable,
    readonly index: number,
  ) {}
  get id(): string {
    return this.table.idOf(this.index);
  }
  get line(): number {
    return this.table.line(this.index);
  }
  get vars(): Record<string, string> {
    return this.table.vars(this.index);
  }
  get expected(): string {
    return this.table.expectedOf(this.index);
  }
  get category(): string | undefined {
    return this.table.categoryOf(this.index);
  }
  get cluster(): string | undefined {
    return this.table.clusterOf(this.index);
  }
}
