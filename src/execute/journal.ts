// Every finished case × model of a run, appended as it lands, so a crash, kill -9 or Ctrl-C loses
// at most the calls in flight. `tierbench run --resume` replays it and calls only what is missing.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as v from 'valibot';
import { DataError } from '../errors.js';
import type { CaseResult, ErrorKind } from '../types.js';
import { type Holds, type Problem, pathOf, type Same, says, validate } from '../validate.js';
import { Appender } from './appender.js';
import type { SubmittedBatch } from './batch.js';
import { FINISH, USAGE } from './cache.js';

export const JOURNAL_VERSION = 1;

const DAMAGED = says('delete that line to make that call again, or rerun without --resume');
const index = v.pipe(v.number(DAMAGED), v.integer(DAMAGED), v.minValue(0, DAMAGED));

const NOT_A_JOURNAL_FIX =
  'it is not a tierbench run journal (or its first line is damaged): give the run id printed when it stopped, or rerun without --resume';
const NOT_A_JOURNAL = says(NOT_A_JOURNAL_FIX);

const HEADER = v.object(
  {
    type: v.literal('header', NOT_A_JOURNAL),
    version: v.literal(
      JOURNAL_VERSION,
      says('rerun without --resume: the journal was written by another version of tierbench', (input) => `is ${JSON.stringify(input)}, not ${JOURNAL_VERSION}`),
    ),
    runId: v.string(NOT_A_JOURNAL),
    startedAt: v.string(NOT_A_JOURNAL),
    /** Everything needed to run the same again (no keys: only the names of their variables); checked by the reader, who knows its shape. */
    plan: v.unknown(),
    /** sha256 of the data file, so a resume can refuse a file that changed. */
    datasetHash: v.string(NOT_A_JOURNAL),
  },
  NOT_A_JOURNAL,
);

export type JournalHeader<P> = Omit<v.InferOutput<typeof HEADER>, 'plan'> & { plan: P };

const ERROR_KINDS = [
  'auth',
  'permission',
  'billing',
  'not_found',
  'bad_request',
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'connection',
  'aborted',
  'invalid_response',
  'content_filter',
  'unreachable',
  'unsupported',
  'expired',
  'canceled',
  'unknown',
] as const;

const RESULT_ENTRIES = {
  caseIndex: index,
  sample: index,
  model: v.string(DAMAGED),
  output: v.optional(v.string(DAMAGED)),
  score: v.nullable(v.number(DAMAGED)),
  latencyMs: v.nullable(v.number(DAMAGED)),
  ttftMs: v.nullable(v.number(DAMAGED)),
  usage: v.nullable(USAGE),
  cost: v.nullable(v.number(DAMAGED)),
  retries: v.number(DAMAGED),
  paid: v.optional(v.number(DAMAGED)),
  finish: v.optional(FINISH),
  stopReason: v.optional(v.string(DAMAGED)),
  logprob: v.optional(v.number(DAMAGED)),
  cached: v.optional(v.boolean(DAMAGED)),
  error: v.optional(v.object({ kind: v.picklist(ERROR_KINDS, DAMAGED), status: v.optional(v.number(DAMAGED)), message: v.string(DAMAGED) }, DAMAGED)),
};

/** A result is a CaseResult: a field added there is kept as written (loose), one it requires must be added here. @public (a compile-time check) */
export type RecordsCaseResult = [
  Holds<Same<v.InferOutput<v.ObjectSchema<typeof RESULT_ENTRIES, undefined>>, CaseResult>>,
  Holds<Same<(typeof ERROR_KINDS)[number], ErrorKind>>,
];

/** Every line after the header: a finished case × model (`m`: the model's index in the plan), or a run segment's duration. */
const LINE = v.variant(
  'type',
  [
    v.object({ type: v.literal('result'), m: index, r: v.looseObject(RESULT_ENTRIES, DAMAGED) }, DAMAGED),
    /** Written when a run stops, interrupted or not: a resumed run's duration adds up its segments. */
    v.object({ type: v.literal('segment'), ms: v.number(DAMAGED) }, DAMAGED),
    /** --batch: a batch created at the provider, before anything waits on it; `jobs` are model `m`'s jobs it holds. */
    v.object({ type: v.literal('batch'), m: index, id: v.string(DAMAGED), jobs: v.array(index, DAMAGED) }, DAMAGED),
    /** --batch: every line of that batch is recorded above: a resume does not read it again. */
    v.object({ type: v.literal('batch-read'), id: v.string(DAMAGED) }, DAMAGED),
  ],
  DAMAGED,
);

/** Written as a CaseResult, read back as one (checked, and any field this version does not know kept). */
type JournalResult = Omit<Extract<v.InferOutput<typeof LINE>, { type: 'result' }>, 'r'> & { r: CaseResult };
type JournalSegment = Extract<v.InferOutput<typeof LINE>, { type: 'segment' }>;
type JournalBatch = Extract<v.InferOutput<typeof LINE>, { type: 'batch' }>;
type JournalBatchRead = Extract<v.InferOutput<typeof LINE>, { type: 'batch-read' }>;

/** A journal line as the user would find it, and what is wrong with it. */
function damaged(path: string, line: number, { at, what, fix }: Problem): DataError {
  return new DataError('E_RESUME', `${path}:${line}`, `${at.length === 0 ? 'the line' : pathOf(at)} ${what}`, fix);
}

export class Journal {
  private constructor(private readonly writer: Appender) {}

  static create<P>(path: string, header: JournalHeader<P>): Journal {
    const journal = new Journal(new Appender(path));
    void journal.writer.append(header);
    journal.writer.flush();
    return journal;
  }

  /** Continue an existing journal (after reading it with `read`). */
  static reopen(path: string): Journal {
    return new Journal(new Appender(path));
  }

  /**
   * `plan`: the schema of the plan in the header. `elapsedMs`: the run's time in its earlier
   * segments (one killed outright wrote none). A line a kill -9 tore is skipped (that call is made
   * again); a line that parses but is not a journal line is refused, naming it.
   */
  static async read<S extends v.GenericSchema>(
    path: string,
    plan: S,
  ): Promise<
    { header: JournalHeader<v.InferOutput<S>>; results: Array<{ m: number; r: CaseResult }>; elapsedMs: number; batches: SubmittedBatch[] } | undefined
  > {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    let header: JournalHeader<v.InferOutput<S>> | undefined;
    const results: Array<{ m: number; r: CaseResult }> = [];
    let elapsedMs = 0;
    const batches = new Map<string, SubmittedBatch>();
    let n = 0;
    for await (const line of lines) {
      n++;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        if (n === 1) throw damaged(path, n, { at: [], what: 'is not JSON', fix: NOT_A_JOURNAL_FIX });
        continue;
      }
      if (n === 1) {
        const first = validate(HEADER, raw);
        if (!first.ok) throw damaged(path, n, first.problem);
        const checked = validate(plan, first.value.plan);
        if (!checked.ok) throw damaged(path, n, { ...checked.problem, at: ['plan', ...checked.problem.at] });
        header = { ...first.value, plan: checked.value };
        continue;
      }
      const entry = validate(LINE, raw);
      if (!entry.ok) throw damaged(path, n, entry.problem);
      const e = entry.value;
      if (e.type === 'result') results.push({ m: e.m, r: e.r });
      else if (e.type === 'segment') elapsedMs += e.ms;
      else if (e.type === 'batch') batches.set(e.id, { m: e.m, id: e.id, jobs: e.jobs });
      else batches.delete(e.id);
    }
    // The batches not yet read to the end: a resume waits on them again instead of submitting their jobs anew.
    return header === undefined ? undefined : { header, results, elapsedMs, batches: [...batches.values()] };
  }

  /** The time this segment of the run took, for the next one's duration. */
  segment(ms: number): void {
    void this.writer.append({ type: 'segment', ms: Math.round(ms) } satisfies JournalSegment);
  }

  /** Resolves once the result is written: a paid call's slot is held until then. */
  record(m: number, r: CaseResult): Promise<void> {
    return this.writer.append({ type: 'result', m, r } satisfies JournalResult);
  }

  /** --batch: a batch was created; resolves once written (the run waits on no batch that is not on disk). */
  batch(b: SubmittedBatch): Promise<void> {
    return this.writer.append({ type: 'batch', m: b.m, id: b.id, jobs: b.jobs } satisfies JournalBatch);
  }

  /** --batch: every line of the batch is recorded. */
  batchRead(id: string): Promise<void> {
    return this.writer.append({ type: 'batch-read', id } satisfies JournalBatchRead);
  }

  /** Why the journal could not be written (results recorded since are not on disk), if it could not. */
  get failure(): NodeJS.ErrnoException | undefined {
    return this.writer.failure;
  }

  close(): void {
    this.writer.close();
  }
}
