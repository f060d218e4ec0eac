// The run's last stage: its outputs, written and printed.
import { appendFile } from 'node:fs/promises';
import { gateLines } from '../gate/gate.js';
import type { RunDeps } from '../pipeline/plan.js';
import { streamJson, writeJson, writeText } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Destinations } from '../report/outputs.js';
import { renderTable } from '../report/table.js';
import { OutputError, outputError } from '../report/write.js';
import type { Report } from '../types.js';
import type { Io } from './io.js';

/** How the run shows itself: the JSON report on stdout instead of the table; nothing but the result. */
export interface View {
  json: boolean;
  quiet: boolean;
}

/** The publish stage a run is given: bound to the terminal it prints to. */
export const publisher =
  (view: View, io: Pick<Io, 'stdout' | 'stderr' | 'env'>): RunDeps['publish'] =>
  (report, to, journalFailed) =>
    publish(report, to, journalFailed, view, io);

/**
 * Every output of a finished (or stopped) run: the JSON report first — it holds every paid answer
 * — then the other formats, the step summary, and the terminal. Whatever fails after the JSON
 * report, the others are still tried, and the journal is kept until all of them are written.
 */
async function publish(
  report: Report,
  { id, reportPath, reportWhat, files, stepSummary }: Destinations,
  journalFailed: boolean,
  view: View,
  io: Pick<Io, 'stdout' | 'stderr' | 'env'>,
): Promise<void> {
  const failures: OutputError[] = [];
  try {
    await writeJson(reportWhat, reportPath, report);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    const then = journalFailed ? 'makes only the calls the journal could not keep' : 'writes it without a call (the run journal is kept)';
    throw new OutputError(err.code, err.message, `${err.hint}, then \`tierbench run --resume ${id}\` ${then}`, err.exitCode);
  }
  const written: string[] = [];
  for (const f of files) {
    const text = f.text(report);
    if (text === undefined) continue;
    try {
      await writeText(f.what, f.path, text);
      if (f.listed) written.push(f.path);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      failures.push(err);
    }
  }
  // In a GitHub Actions job, the summary lands on the run's page (appended to the job's file).
  if (stepSummary)
    await appendFile(stepSummary, `${renderMarkdown(report)}\n`).catch((err: unknown) => failures.push(outputError('GITHUB_STEP_SUMMARY', stepSummary, err)));
  if (view.json) await streamJson(report, io.stdout);
  else io.stdout.write(renderTable(report, io.stdout.isTTY ? io.stdout.columns : Number(io.env.COLUMNS) || undefined));
  if (report.gate) (view.json ? io.stderr : io.stdout).write(gateLines(report.gate));
  if (!view.quiet && written.length > 0) io.stderr.write(`also written: ${written.join(', ')}\n`);
  if (failures.length > 0) {
    for (const f of failures.slice(1)) io.stderr.write(`error: ${f.message} — ${f.hint}\n`);
    const first = failures[0]!;
    throw new OutputError(
      first.code,
      `${first.message} (the JSON report is at ${reportPath})`,
      `${first.hint}; the run journal is kept: tierbench run --resume ${id} rewrites every output without a call`,
      first.exitCode,
    );
  }
}
