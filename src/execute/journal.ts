// Every finished case × model of a run, appended as it lands, so a crash, kill -9 or Ctrl-C loses
// at most the calls in flight. `tierbench run --resume` replays it and calls only what is missing.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CaseResult } from '../types.js';
import { Appender } from './appender.js';

export const JOURNAL_VERSION = 1;

export interface JournalHeader<P> {
  type: 'header';
  version: number;
  runId: string;
  startedAt: string;
  /** Everything needed to run the same again (no keys: only the names of their variables). */
  plan: P;
  /** sha256 of the data file, so a resume can refuse a file that changed. */
  datasetHash: string;
}

interface JournalResult {
  type: 'result';
  /** Index of the model in the plan. */
  m: number;
  r: CaseResult;
}

/** Written when a run stops, interrupted or not: a resumed run's duration adds up its segments. */
interface JournalSegment {
  type: 'segment';
  ms: number;
}

export class Journal<P> {
  private constructor(private readonly writer: Appender) {}

  static create<P>(path: string, header: JournalHeader<P>): Journal<P> {
    const journal = new Journal<P>(new Appender(path));
    void journal.writer.append(header);
    journal.writer.flush();
    return journal;
  }

  /** Continue an existing journal (after reading it with `read`). */
  static reopen<P>(path: string): Journal<P> {
    return new Journal<P>(new Appender(path));
  }

  /** `elapsedMs`: the run's time in its earlier segments (one killed outright wrote none). */
  static async read<P>(path: string): Promise<{ header: JournalHeader<P>; results: Array<{ m: number; r: CaseResult }>; elapsedMs: number } | undefined> {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    let header: JournalHeader<P> | undefined;
    const results: Array<{ m: number; r: CaseResult }> = [];
    let elapsedMs = 0;
    for await (const line of lines) {
      let entry: JournalHeader<P> | JournalResult | JournalSegment;
      try {
        entry = JSON.parse(line) as JournalHeader<P> | JournalResult | JournalSegment;
      } catch {
        continue; // the line a kill -9 tore: that call is made again
      }
      if (entry.type === 'header') header ??= entry;
      else if (entry.type === 'result') results.push({ m: entry.m, r: entry.r });
      else if (entry.type === 'segment' && Number.isFinite(entry.ms)) elapsedMs += entry.ms;
    }
    return header === undefined ? undefined : { header, results, elapsedMs };
  }

  /** The time this segment of the run took, for the next one's duration. */
  segment(ms: number): void {
    void this.writer.append({ type: 'segment', ms: Math.round(ms) } satisfies JournalSegment);
  }

  /** Resolves once the result is written: a paid call's slot is held until then. */
  record(m: number, r: CaseResult): Promise<void> {
    return this.writer.append({ type: 'result', m, r } satisfies JournalResult);
  }

  /** Why the journal could not be written (results recorded since are not on disk), if it could not. */
  get failure(): NodeJS.ErrnoException | undefined {
    return this.writer.failure;
  }

  close(): void {
    this.writer.close();
  }
}
