import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Report } from '../types.js';

export function toJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export function writeJson(path: string, report: Report): Promise<void> {
  return writeText(path, toJson(report));
}
