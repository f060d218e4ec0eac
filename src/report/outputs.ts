// Every file a run writes, named and checked before its first call: a report that could not be
// written would lose everything paid for.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Report } from '../types.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { checkWritable } from './write.js';

export const REPORT_FORMATS = ['json', 'md', 'junit', 'html', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What of a run's plan decides its outputs. */
export interface OutputPlan {
  /** Report path (or folder); default reports/<run id>.json under cwd. */
  out?: string;
  /** Formats written beside the JSON report (`--report md,junit,html,csv`). */
  formats: readonly ReportFormat[];
  /** A JUnit test case per case, not only per gate check (`--junit-cases`). */
  junitCases: boolean;
  /** Where to write the routing map as JSON. */
  routingOut?: string;
}

/** Where a run's outputs go. */
export interface Destinations {
  id: string;
  reportPath: string;
  /** How the user named the report (`-o r.json`), for its errors. */
  reportWhat: string;
  files: Output[];
  /** GitHub Actions' job summary file, resolved against the run's folder. */
  stepSummary?: string;
}

/** An output file of the run: what it is (as the user asked for it), where, and its text. */
interface Output {
  what: string;
  path: string;
  /** Its text; undefined when the run has nothing to put there (no routing table). */
  text: (report: Report) => string | undefined;
  /** Named in the "also written" line. */
  listed: boolean;
}

/**
 * Every file the run will write besides the JSON report: the other formats (reports/<id>.md,
 * .junit.xml, .html, .csv) and the routing map. Known before any call, so each path is checked
 * before anything is paid for.
 */
function outputFiles(jsonPath: string, plan: OutputPlan): Output[] {
  const base = jsonPath.replace(/\.json$/i, '');
  const render: Record<Exclude<ReportFormat, 'json'>, [string, (report: Report) => string]> = {
    md: [`${base}.md`, (report) => renderMarkdown(report)],
    junit: [`${base}.junit.xml`, (report) => renderJUnit(report, { cases: plan.junitCases })],
    html: [`${base}.html`, (report) => renderHtml(report)],
    csv: [`${base}.csv`, (report) => renderCsv(report)],
  };
  const files: Output[] = plan.formats
    .filter((f) => f !== 'json')
    .map((f) => {
      const [path, text] = render[f as Exclude<ReportFormat, 'json'>];
      return { what: `--report ${f}`, path, text, listed: true };
    });
  if (plan.routingOut !== undefined) {
    files.push({
      what: '--routing-out',
      path: plan.routingOut,
      text: (report) => report.routing && `${JSON.stringify(report.routing.map, null, 2)}\n`,
      listed: false,
    });
  }
  return files;
}

/** `-o` names a file, or a folder (existing, or written with a trailing slash) to put `<run id>.json` in. */
async function reportPathFor(out: string | undefined, cwd: string, id: string): Promise<string> {
  if (out === undefined) return join(cwd, 'reports', `${id}.json`);
  const folder = /[\\/]$/.test(out) || (await stat(out).catch(() => undefined))?.isDirectory() === true;
  return folder ? join(out, `${id}.json`) : out;
}

/** Every output's path, each checked writable. */
export async function destinations(plan: OutputPlan, id: string, cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<Destinations> {
  const reportPath = await reportPathFor(plan.out, cwd, id);
  const reportWhat = plan.out === undefined ? 'the JSON report' : `-o ${plan.out}`;
  const files = outputFiles(reportPath, plan);
  await checkWritable(reportWhat, reportPath);
  for (const f of files) await checkWritable(f.what, f.path);
  // Resolved against the run's working directory, not the process's (they differ in-process).
  const stepSummary = env.GITHUB_STEP_SUMMARY ? resolve(cwd, env.GITHUB_STEP_SUMMARY) : undefined;
  if (stepSummary) await checkWritable('GITHUB_STEP_SUMMARY', stepSummary);
  return { id, reportPath, reportWhat, files, ...(stepSummary !== undefined && { stepSummary }) };
}
