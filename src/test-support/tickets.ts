// The demo's support tickets as the fault, resume and signal tests use them: the answer key, a quick
// profile, the SDKs' environment pointed at an emulator, and the check that a report is complete.
import assert from 'node:assert/strict';
import { loadDataset } from '../cases/load.js';
import type { Emulator } from '../emulator/server.js';
import { AnswerKey, type Profile } from '../emulator/simulated.js';
import type { Report } from '../types.js';
import { withEmulator } from './emulator.js';
import { ROOT } from './paths.js';

export const TICKETS = `${ROOT}datasets/support-tickets.csv`;

const key = await (async () => {
  const d = await loadDataset(TICKETS);
  return AnswerKey.fromCases(d.cases, d.inputColumn);
})();

/** A model answering at once, 90 % right; `extra` changes what a test needs. */
export const quick = (id: string, extra: Partial<Profile> = {}): Profile => ({ ids: [id], accuracy: 0.9, ttftMs: 2, tokensPerSec: 0, ...extra });

/** Both SDKs pointed at the emulator, with test keys. */
export const sdkEnv = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ANTHROPIC_BASE_URL: url,
  OPENAI_BASE_URL: `${url}/v1`,
  ANTHROPIC_API_KEY: 'test-key',
  OPENAI_API_KEY: 'test-key',
  ...extra,
});

/** An emulator serving `profiles` with the tickets' answer key for the length of `fn`. */
export const withTickets = <T>(profiles: Profile[], fn: (url: string, emulator: Emulator) => Promise<T>, apiKeys?: string[]): Promise<T> =>
  withEmulator({ profiles, key, ...(apiKeys && { apiKeys }) }, fn);

/** Every (case, sample) of every model exactly once. */
export function assertComplete(r: Report, samples = 1): void {
  for (const m of r.models) {
    const seen = r.results.filter((x) => x.model === m.name).map((x) => `${x.caseIndex}:${x.sample}`);
    assert.equal(seen.length, r.dataset.cases * samples, `${m.name}: ${seen.length} results`);
    assert.equal(new Set(seen).size, seen.length, `${m.name}: a case twice`);
  }
}
