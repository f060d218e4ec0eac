// Reading a report written by `tierbench run`, for the commands that work on reports.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { REPORT_FILE, regularFile } from '../files.js';
import type { Report } from '../types.js';

const SCHEMA_VERSION = 6;

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
  const report = raw as Partial<Report>;
  if (report.tool?.name !== 'tierbench' || typeof report.schemaVersion !== 'number') {
    throw new UsageError('E_REPORT', `${flag}${path}: not a tierbench report`, 'give a report written by tierbench run (reports/*.json)');
  }
  if (report.schemaVersion !== SCHEMA_VERSION) {
    throw new UsageError(
      'E_REPORT',
      `${flag}${path}: report schemaVersion ${report.schemaVersion}, this tierbench reads ${SCHEMA_VERSION}`,
      'rerun it with this version of tierbench',
    );
  }
  return report as Report;
}
