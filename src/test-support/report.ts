// Every report a test reads is first checked against the JSON Schema in schema/.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { Report } from '../types.js';
import { ROOT } from './paths.js';

const schema = JSON.parse(readFileSync(`${ROOT}schema/report.schema.json`, 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

export function validReport(text: string, where = 'report'): Report {
  const report = JSON.parse(text) as unknown;
  if (!validate(report)) {
    throw new Error(`${where} does not match schema/report.schema.json: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  }
  return report as Report;
}

export function readValidReport(path: string): Report {
  return validReport(readFileSync(path, 'utf8'), path);
}
