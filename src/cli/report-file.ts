// Reading a report written by `tierbench run`, for the commands that work on reports.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { UsageError } from '../errors.js';
import { REPORT_FILE, regularFile } from '../files.js';
import type { Report } from '../types.js';
import { type Holds, pathOf, says, validate } from '../validate.js';

const SCHEMA_VERSION = 8;
/**
 * The versions read back (`gate --baseline`, `compare`, `plan --from`, `--follow-up`). 7 only added
 * optional fields (issue 19: the judge, embeddings, label diagnostics, tools, suites, prompt
 * variants, scorer sources, schemas, reasons), and 8 only added optional fields too (issue 20: the
 * sample, the shard, the dataset's hash, clusters, prompt-cache savings, `settings.batch`, the
 * error kinds `expired` and `canceled`, `sequential` and a verdict's `look`): a report of 6 or 7
 * reads as one of 8 without them, so a CI baseline kept from before an upgrade still gates.
 */
const READS: ReadonlySet<number> = new Set([6, 7, SCHEMA_VERSION]);

const EDITED = says('give the report as tierbench run wrote it, or run it again');
const number = v.number(EDITED);
const string = v.string(EDITED);
const object = <E extends v.ObjectEntries>(entries: E) => v.object(entries, EDITED);
const array = <S extends v.GenericSchema>(item: S) => v.array(item, EDITED);

/**
 * What gate, compare, plan --from, --follow-up and --baseline read of a report. `src/types.ts`
 * stays the report's source (it generates schema/report.schema.json); the check below keeps this
 * schema to fields Report has, with the types it gives them. Fields no reader uses are not checked.
 */
const READ = object({
  dataset: object({ path: string, cases: number, idColumn: v.optional(string) }),
  settings: object({ system: v.optional(string) }),
  summaries: array(
    object({
      model: string,
      n: number,
      cached: number,
      accuracy: v.nullable(number),
      interval: v.nullable(object({ low: number, high: number })),
      errors: object({ total: number }),
      latencyMs: v.nullable(object({ p95: number })),
      cost: v.nullable(object({ per1kCases: number })),
    }),
  ),
  sequential: v.optional(object({ stoppedAt: number })),
  recommendation: object({
    look: object({ number: v.picklist([1, 2], EDITED) }),
    tolerancePp: number,
    comparisons: array(
      object({
        model: string,
        reference: string,
        n: number,
        discordance: number,
        delta: number,
        designEffect: v.optional(number),
        verdict: v.picklist(['within', 'worse', 'inconclusive'], EDITED),
      }),
    ),
  }),
  cases: array(object({ id: string, line: number, expected: string, prompt: string, system: v.optional(string) })),
  results: array(object({ caseIndex: number, model: string, score: v.nullable(number) })),
});

/** Fails to compile when a field READ checks is renamed, removed or retyped in Report. @public (a compile-time check: nothing imports it) */
export type ReadsReport = Holds<Report extends v.InferOutput<typeof READ> ? true : false>;

export async function readReport(path: string, flag: string): Promise<Report> {
  let raw: unknown;
  if (existsSync(path)) await regularFile(path, flag.trim() === '' ? 'report' : flag.trim(), REPORT_FILE);
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(
      'E_REPORT',
      `${flag}${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(err as Error).message})`}`,
      'give a report written by tierbench run (reports/*.json)',
    );
  }
  const head = validate(object({ tool: object({ name: v.literal('tierbench') }), schemaVersion: number }), raw);
  if (!head.ok) throw new UsageError('E_REPORT', `${flag}${path}: not a tierbench report`, 'give a report written by tierbench run (reports/*.json)');
  if (!READS.has(head.value.schemaVersion)) {
    throw new UsageError(
      'E_REPORT',
      `${flag}${path}: report schemaVersion ${head.value.schemaVersion}, this tierbench reads ${[...READS].join(', ').replace(/, (\d+)$/, ' and $1')}`,
      'rerun it with this version of tierbench',
    );
  }
  const body = validate(READ, raw);
  if (!body.ok) throw new UsageError('E_REPORT', `${flag}${path}: ${pathOf(body.problem.at)} ${body.problem.what}`, body.problem.fix);
  // Checked: the fields any reader uses; the rest is passed on as tierbench wrote it.
  return raw as Report;
}
