// `tierbench cache clear`.
import { resolve } from 'node:path';
import { ResponseCache } from '../execute/cache.js';
import type { Io } from './io.js';

export function clearCache(dir: string, io: Io): number {
  const folder = resolve(io.cwd, dir);
  io.stdout.write(ResponseCache.clear(folder) ? `cleared the response cache in ${folder}\n` : `no response cache in ${folder}\n`);
  return 0;
}
