// `tierbench models --check`: the built-in table beside a maintained price source and, with
// --providers, beside the providers' own model lists (Anthropic's lifecycles), printed for a
// person to review. It never changes the table: the fix is an override in the config file, or a
// report to whichever source is wrong.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { type Provider, REMOTE_DATA_JSON_URL } from '@pydantic/genai-prices';
import { RunError, UsageError } from '../errors.js';
import { wrap } from '../format.js';
import { compareCatalog } from '../models/lifecycle.js';
import { comparePrices, genaiPrices, type PriceCheck, providerOf } from '../models/price-check.js';
import { PRICES, PRICES_AS_OF } from '../models/prices.js';
import { catalogs } from '../providers/catalog.js';
import type { Ending } from './exit.js';
import type { Io } from './io.js';

/** Where the maintained prices come from, in words, and the providers in it. */
interface Source {
  name: string;
  providers: Provider[];
}

/** The installed @pydantic/genai-prices's version, for the header; its exports do not include package.json. */
async function installedVersion(): Promise<string> {
  try {
    const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
    return (JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'installed';
  }
}

function providersIn(data: unknown, where: string): Provider[] {
  const ok =
    Array.isArray(data) &&
    data.every((p) => typeof p === 'object' && p !== null && typeof (p as Provider).id === 'string' && Array.isArray((p as Provider).models));
  if (!ok)
    throw new UsageError(
      'E_PRICE_SOURCE',
      `--against ${where}: not genai-prices data (a JSON list of providers, each with an id and models)`,
      `give its data.json, e.g. ${REMOTE_DATA_JSON_URL}`,
    );
  return data as Provider[];
}

/** The maintained table: the data in the installed package, the newest on GitHub (`latest`), a URL or a file. */
async function loadSource(against: string | undefined, cwd: string): Promise<Source> {
  if (against === undefined) {
    const { waitForUpdate } = await import('@pydantic/genai-prices');
    return { name: `@pydantic/genai-prices ${await installedVersion()} (the data in the installed package)`, providers: (await waitForUpdate()) ?? [] };
  }
  const url = against === 'latest' ? REMOTE_DATA_JSON_URL : /^https?:\/\//.test(against) ? against : undefined;
  if (url !== undefined) {
    let text: string;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await response.text();
    } catch (err) {
      throw new RunError(
        'E_PRICE_SOURCE',
        `--against ${against}: could not fetch ${url} (${(err as Error).message})`,
        'check the network, or download the file and give its path',
      );
    }
    return { name: `genai-prices data from ${url}`, providers: providersIn(parse(text, against), against) };
  }
  let text: string;
  try {
    text = await readFile(resolve(cwd, against), 'utf8');
  } catch (err) {
    throw new UsageError(
      'E_PRICE_SOURCE',
      `--against ${against}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`,
      `give genai-prices' data.json (${REMOTE_DATA_JSON_URL}), "latest", or leave --against out for the installed package's`,
    );
  }
  return { name: `genai-prices data in ${against}`, providers: providersIn(parse(text, against), against) };
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      'E_PRICE_SOURCE',
      `--against ${where}: not valid JSON (${(err as Error).message})`,
      `give genai-prices' data.json, e.g. ${REMOTE_DATA_JSON_URL}`,
    );
  }
}

/** The differences grouped by model, with the entry of theirs that priced it when that is another model. */
function formatPriceCheck(check: PriceCheck, sourceName: string, day: string): string {
  const lines = [
    wrap(`Prices as of ${PRICES_AS_OF}, compared for ${day} with ${sourceName}.`, ''),
    wrap(
      'Nothing is changed. Where tierbench is wrong, override the field under "prices" in tierbench.config.json (see README, "Prices") and tell us; a neighbouring entry or a missing band may be the other table\'s error.',
      '',
    ),
    '',
  ];
  if (check.differences.length === 0) lines.push('No differences.');
  else lines.push(`${'Model / field'.padEnd(30)}${'tierbench'.padStart(12)}${'theirs'.padStart(14)}`);
  let model = '';
  for (const d of check.differences) {
    if (d.model !== model) {
      model = d.model;
      lines.push(d.entry === undefined ? model : `${model} (priced as their ${d.entry})`);
    }
    lines.push(`  ${d.field.padEnd(28)}${d.ours.padStart(12)}${d.theirs.padStart(14)}`);
  }
  lines.push('');
  if (check.agreeing.length > 0) lines.push(wrap(`Agree: ${check.agreeing.join(', ')}.`, ''));
  if (check.missing.length > 0) lines.push(wrap(`Not in the source: ${check.missing.join(', ')}.`, ''));
  return lines.join('\n');
}

/** Each provider's list beside the table, a section each; `differs` when any line is a difference. */
async function checkCatalogs(env: Io['env']): Promise<{ text: string; differs: boolean; failed: boolean }> {
  const lines: string[] = [];
  let differs = false;
  let failed = false;
  for (const catalog of await catalogs(env)) {
    const lifecycles = catalog.provider === 'Anthropic' ? 'with lifecycles' : 'which gives no lifecycles';
    lines.push('', `${catalog.provider}'s models endpoint (${catalog.host}), ${lifecycles}:`);
    if ('skipped' in catalog) {
      lines.push(`  not asked: ${catalog.skipped}`);
      continue;
    }
    if ('failed' in catalog) {
      failed = true;
      lines.push(`  could not be read: ${catalog.failed}`);
      continue;
    }
    const ours = Object.keys(PRICES).filter((id) => providerOf(id) === catalog.provider.toLowerCase());
    const check = compareCatalog(ours, catalog.models);
    if (check.differences.length > 0) lines.push(`  ${'Model'.padEnd(19)}${'Field'.padEnd(11)}tierbench → theirs`);
    for (const d of check.differences) lines.push(`  ${d.model.padEnd(19)}${d.field.padEnd(11)}${d.ours} → ${d.theirs}`);
    if (check.agreeing.length > 0) lines.push(wrap(`Agree: ${check.agreeing.join(', ')}.`, '  '));
    if (check.unpriced.length > 0) lines.push(wrap(`Listed, not in the table (add a price to run them): ${check.unpriced.join(', ')}.`, '  '));
    if (check.unlisted.length > 0) lines.push(wrap(`In the table, not listed (retired, or not open to this key): ${check.unlisted.join(', ')}.`, '  '));
    differs ||= check.differences.length > 0 || check.unpriced.length > 0 || check.unlisted.length > 0;
  }
  return { text: lines.join('\n'), differs, failed };
}

/** Exit 1 when anything differs, as a check in CI would have it; 3 when a provider could not be read. */
export async function checkPrices(flags: { against?: string; providers?: boolean }, io: Io): Promise<Ending> {
  const source = await loadSource(flags.against, io.cwd);
  const today = io.today?.() ?? new Date();
  let check: PriceCheck;
  try {
    check = comparePrices(PRICES, (id) => genaiPrices(source.providers, id, today));
  } catch (err) {
    // Their own validation of an entry (a malformed date constraint, a bad regex).
    throw new UsageError('E_PRICE_SOURCE', `${source.name}: ${(err as Error).message}`, 'give an unmodified genai-prices data.json');
  }
  io.stdout.write(`${formatPriceCheck(check, source.name, today.toISOString().slice(0, 10))}\n`);
  const listed = flags.providers === true ? await checkCatalogs(io.env) : undefined;
  if (listed !== undefined) io.stdout.write(`${listed.text}\n`);
  if (listed?.failed === true) return 'run-failed';
  return check.differences.length > 0 || listed?.differs === true ? 'gate-failed' : 'ok';
}
