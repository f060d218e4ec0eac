// `tierbench models`: what each alias means and what it costs.
import Table from 'cli-table3';
import { loadConfig } from '../config/load.js';
import { ALIASES } from '../models/registry.js';
import { PRICES, PRICES_AS_OF } from '../models/prices.js';
import type { PriceEntry } from '../types.js';
import type { Io } from './io.js';

const rate = (x: number): string => `$${x}`;

export async function modelsCommand(flags: { config?: string }, io: Io): Promise<number> {
  const config = await loadConfig(flags.config, io.cwd);
  const aliasOf = new Map<string, string[]>();
  for (const [alias, target] of [...Object.entries(ALIASES), ...Object.entries(config.aliases)]) {
    const id = target.slice(target.indexOf(':') + 1);
    aliasOf.set(id, [...(aliasOf.get(id) ?? []), alias]);
  }
  const table = new Table({ head: ['Model id', 'Aliases', 'Input', 'Cache write', 'Cache read', 'Output', 'Source'], style: { head: [], border: [] } });
  const row = (id: string, p: PriceEntry): void => {
    table.push([id, (aliasOf.get(id) ?? []).join(', '), rate(p.input), rate(p.cacheWrite), rate(p.cacheRead), rate(p.output), p.source]);
  };
  for (const [id, p] of Object.entries(PRICES)) row(id, p);
  for (const [id, p] of Object.entries(config.prices)) row(id, p);
  io.stdout.write(`List prices in USD per million tokens, as of ${PRICES_AS_OF}. Override or add prices in tierbench.config.json ("prices").\n`);
  io.stdout.write(table.toString() + '\n');
  io.stdout.write('Other forms: anthropic:<id>, openai:<id>, openrouter:<vendor/model> (priced as the vendor model)');
  const endpoints = Object.keys(config.endpoints);
  io.stdout.write(endpoints.length ? `, and from ${config.path}: ${endpoints.map((e) => `${e}:<id>`).join(', ')}.\n` : ', or an endpoint from the config file as <name>:<id>.\n');
  return 0;
}
