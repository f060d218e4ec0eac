// `tierbench models`: what each alias means and what it costs, in 80 columns.
import Table from 'cli-table3';
import { loadConfig } from '../config/load.js';
import { perMtok, wrap } from '../format.js';
import { LIFECYCLES } from '../models/lifecycle.js';
import { PRICES, PRICES_AS_OF } from '../models/prices.js';
import { ALIASES } from '../models/registry.js';
import type { PriceEntry, PriceOverride } from '../types.js';
import type { Ending } from './exit.js';
import type { Io } from './io.js';

/** What changes the rates, and a retirement: the batch price is in the header when it is the usual half. */
function notes(id: string, p: PriceEntry | PriceOverride): string {
  const out: string[] = [];
  if (p.longPrompt && p.input !== undefined && p.output !== undefined) {
    const input = Number((p.longPrompt.input / p.input).toFixed(2));
    const output = Number((p.longPrompt.output / p.output).toFixed(2));
    out.push(`>${Math.round(p.longPrompt.above / 1000)}K ×${input}${output === input ? '' : `/${output}`}`);
  }
  if (p.batch !== undefined && p.batch !== 0.5) out.push(`batch ×${p.batch}`);
  const life = LIFECYCLES[id];
  if (life) out.push(`ends ${life.retires}`);
  // One note a line: the column stays narrow enough for 80.
  return out.join('\n');
}

export async function modelsCommand(flags: { config?: string; sources?: boolean }, io: Io): Promise<Ending> {
  const config = await loadConfig(flags.config, io.cwd);
  const out = (s: string): void => void io.stdout.write(`${s}\n`);
  const aliasOf = new Map<string, string[]>();
  for (const [alias, target] of [...Object.entries(ALIASES), ...Object.entries(config.aliases)]) {
    const id = target.slice(target.indexOf(':') + 1);
    aliasOf.set(id, [...(aliasOf.get(id) ?? []), alias]);
  }
  if (flags.sources === true) {
    out(`Where each list price comes from, as of ${PRICES_AS_OF}. *: the provider's page could`);
    out('not be checked, only secondary sources.');
    for (const [id, p] of Object.entries(PRICES)) out(`${id}${p.secondary ? ' *' : ''}, checked ${p.checked ?? '?'}\n${wrap(p.source, '    ')}`);
    return 'ok';
  }
  const table = new Table({
    head: ['Model', 'Alias', 'Input', 'Output', 'Write', 'Read', 'Notes'],
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
  });
  const rate = (x: number | undefined): string => (x === undefined ? '' : perMtok(x));
  const row = (id: string, p: PriceEntry | PriceOverride): void =>
    void table.push([
      `${id}${'secondary' in p && p.secondary ? '*' : ''}`,
      (aliasOf.get(id) ?? []).filter((a) => a !== id).join(' '),
      rate(p.input),
      rate(p.output),
      rate(p.cacheWrite),
      rate(p.cacheRead),
      notes(id, p),
    ]);
  for (const [id, p] of Object.entries(PRICES)) row(id, p);
  for (const [key, p] of Object.entries(config.prices)) row(key, p);
  out(`List prices in USD per million tokens, as of ${PRICES_AS_OF}. Write: a cache write`);
  out('(Anthropic: 5 minutes; 1 hour costs 2x input). >272K ×2/1.5: above 272K prompt');
  out('tokens the whole request costs 2x (input, cache) and 1.5x (output). ends: the');
  out('day it retires. Batch: half price. `--check` compares with a maintained table.');
  out('*: secondary sources only (`tierbench models --sources` names every source).');
  out(
    table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n'),
  );
  out('Override any field, or add a model, under "prices" in tierbench.config.json.');
  const endpoints = Object.keys(config.endpoints);
  out('Other forms: anthropic:<id>, openai:<id>, openrouter:<vendor/model> (priced');
  out(
    `as the vendor model)${endpoints.length ? `, and from ${config.path}: ${endpoints.map((e) => `${e}:<id>`).join(', ')}` : ', or <endpoint>:<id> for an endpoint in the config file'}.`,
  );
  return 'ok';
}
