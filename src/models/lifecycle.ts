// Models that are deprecated, with the day their provider retires them (provider deprecation
// pages and the Anthropic SDK's own list, as of 2026-11). A run says so once, in its notes,
// instead of the SDK's warning on every call.
import type { ModelSpec } from '../types.js';
import { byBaseId } from './prices.js';

const RETIRES: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': '2026-11-30',
  'gpt-5': '2026-12-11',
  'gpt-5-mini': '2026-12-11',
  'gpt-5-nano': '2026-12-11',
  'gpt-4.1': '2027-01-14',
  'gpt-4.1-mini': '2027-01-14',
  'gpt-4o-mini': '2027-01-14',
};

export function retirementNote(spec: Pick<ModelSpec, 'name' | 'id'>): string | undefined {
  const day = byBaseId(RETIRES, spec.id);
  return day === undefined ? undefined : `${spec.name}${spec.name === spec.id ? "" : ` (${spec.id})`} is deprecated and retires on ${day}: calls to it fail after that day; benchmark its successor`;
}
