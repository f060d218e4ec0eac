// `tierbench cache clear` and `tierbench cache stats`.
import { relative, resolve } from 'node:path';
import { ResponseCache } from '../execute/cache.js';
import type { Ending } from './exit.js';
import type { Io } from './io.js';

export function clearCache(dir: string, io: Io): Ending {
  const folder = resolve(io.cwd, dir);
  io.stdout.write(ResponseCache.clear(folder) ? `cleared the response cache in ${folder}\n` : `no response cache in ${folder}\n`);
  return 'ok';
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const count = (n: number): string => n.toLocaleString('en-US');

/** A TTL in the largest unit that divides it: 30d, 12h, 90s. */
function ttl(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}

/** What the cache holds and what of it a run would still use, at the run's TTL. */
export async function cacheStats(dir: string, ttlMs: number, io: Io): Promise<Ending> {
  const folder = resolve(io.cwd, dir);
  const stats = await ResponseCache.stats(folder, ttlMs, (io.today?.() ?? new Date()).getTime());
  if (stats === undefined) {
    io.stdout.write(`no response cache in ${folder}\n`);
    return 'ok';
  }
  const mb = stats.bytes / 2 ** 20;
  const lines = [
    `response cache ${relative(io.cwd, stats.path) || stats.path}: ${mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${Math.ceil(stats.bytes / 1024)} KB`}`,
    `  ${count(stats.entries)} answers: ${count(stats.live)} used by a run (younger than --cache-ttl ${ttl(ttlMs)}), ${count(stats.expired)} expired`,
  ];
  if (stats.oldest !== undefined && stats.newest !== undefined) {
    lines.push(
      `  stored ${day(stats.oldest)} to ${day(stats.newest)}; ${count(stats.inputTokens)} input and ${count(stats.outputTokens)} output tokens a rerun does not pay for`,
    );
  }
  if (stats.replaced + stats.unreadable + stats.expired > 0) {
    lines.push(
      `  ${count(stats.replaced)} lines replaced by newer answers, ${count(stats.unreadable)} unreadable (torn by a crash); \`tierbench cache clear\` starts afresh`,
    );
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return 'ok';
}
